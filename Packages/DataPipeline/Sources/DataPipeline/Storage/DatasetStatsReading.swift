import Foundation

/// Reading `stats.json` with messages that name the field and what was expected.
extension DatasetStats {
    /// Fields whose value may be a decimal number; every other number in the file is an integer.
    static let decimalFields: Set<String> = ["mean_history_length"]

    /// Reads `stats.json`.
    /// - Throws: `DataPipelineError` naming the file and, when one is at fault, the field:
    ///   text that is not JSON, a `format_version` other than `currentFormatVersion`, a decimal
    ///   or out-of-range number where an integer is expected, a missing field or one of the wrong type.
    public static func read(path: String) throws -> DatasetStats {
        let data = Data(try FileBytes.read(path))
        func fail(_ message: String) -> DataPipelineError { DataPipelineError(.malformedLine, file: path, message) }
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: data) } catch {
            throw fail("expected the stats.json written by the prepare step, found text that is not valid JSON")
        }
        guard let fields = object as? [String: Any] else {
            throw fail("expected a JSON object (the stats.json written by the prepare step)")
        }
        if let version = fields["format_version"] as? NSNumber, version.doubleValue != Double(currentFormatVersion) {
            throw DataPipelineError(.unsupportedFormat, file: path,
                                    "field 'format_version': this build reads version \(currentFormatVersion), found \(version); prepare the data again with this build")
        }
        if let problem = JSONFieldProblem.firstNonInteger(in: fields, decimalFields: decimalFields) {
            throw fail(problem.description)
        }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        do {
            return try decoder.decode(DatasetStats.self, from: data)
        } catch let error as DecodingError {
            let problem = JSONFieldProblem(error, keyDecoding: decoder.keyDecodingStrategy)
            throw fail("\(problem) (expected the stats.json written by the prepare step)")
        }
    }
}
