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
        if let problem = firstNonInteger(in: fields, path: "") { throw fail(problem) }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        do {
            return try decoder.decode(DatasetStats.self, from: data)
        } catch let error as DecodingError {
            throw fail(describe(error))
        }
    }

    /// The first number outside `decimalFields` that is not an integer of `Int`'s range, as a
    /// message naming its field (`train.rows`), or nil.
    private static func firstNonInteger(in value: Any, path: String) -> String? {
        if let object = value as? [String: Any] {
            for key in object.keys.sorted() where !decimalFields.contains(key) {
                if let problem = firstNonInteger(in: object[key]!, path: path.isEmpty ? key : "\(path).\(key)") { return problem }
            }
        } else if let number = value as? NSNumber {
            let x = number.doubleValue
            if x.rounded() != x || abs(x) >= 0x1p63 {
                return "field '\(path)': expected an integer, found \(number)"
            }
        }
        return nil
    }

    /// One line for a decoding failure: the field in the file's spelling and what was expected.
    private static func describe(_ error: DecodingError) -> String {
        func field(_ path: [CodingKey], _ last: CodingKey? = nil) -> String {
            (path + (last.map { [$0] } ?? [])).map { snakeCase($0.stringValue) }.joined(separator: ".")
        }
        switch error {
        case .typeMismatch(let type, let context):
            return "field '\(field(context.codingPath))': expected \(typeDescription(type)) (\(context.debugDescription))"
        case .valueNotFound(let type, let context):
            return "field '\(field(context.codingPath))': expected \(typeDescription(type)), found null"
        case .keyNotFound(let key, let context):
            return "missing field '\(field(context.codingPath, key))' (expected the stats.json written by the prepare step)"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "expected the stats.json written by the prepare step (\(context.debugDescription))"
                : "field '\(field(context.codingPath))': \(context.debugDescription)"
        @unknown default:
            return "expected the stats.json written by the prepare step (\(error))"
        }
    }

    private static func typeDescription(_ type: Any.Type) -> String {
        switch type {
        case is Int.Type, is UInt64.Type: return "an integer"
        case is Double.Type: return "a number"
        case is String.Type: return "a string"
        default: return "an object"
        }
    }

    /// `itemNum` → `item_num`.
    private static func snakeCase(_ name: String) -> String {
        name.reduce(into: "") { result, character in
            if character.isUppercase { result += "_" + character.lowercased() } else { result.append(character) }
        }
    }
}
