import Foundation

/// Reads score rows from text: one row per line, scores separated by tabs, commas or spaces, the
/// positive first (the input of `train metrics`, so another system's scores can be compared under
/// the same definitions).
public enum ScoreTable {
    /// Why a score file could not be read.
    public struct ParseError: Error, CustomStringConvertible, Equatable {
        public let source: String
        public let line: Int
        public let message: String
        public var description: String { "\(source):\(line): \(message)" }
    }

    /// Parses every non-empty line of `text` into a row of scores.
    /// - Throws: `ParseError` naming the line for a non-numeric field or a row with fewer than two scores.
    public static func parse(_ text: String, source: String = "<input>") throws -> [[Double]] {
        var rows: [[Double]] = []
        for (offset, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let fields = line.split(whereSeparator: { $0 == "\t" || $0 == "," || $0 == " " || $0 == "\r" })
            if fields.isEmpty { continue }
            var row: [Double] = []
            row.reserveCapacity(fields.count)
            for field in fields {
                guard let value = Double(field) else {
                    throw ParseError(source: source, line: offset + 1,
                                     message: "expected a number, found '\(field)'")
                }
                row.append(value)
            }
            guard row.count >= 2 else {
                throw ParseError(source: source, line: offset + 1,
                                 message: "expected the positive's score and at least one negative's, found \(row.count) value")
            }
            rows.append(row)
        }
        return rows
    }

    /// Reads and parses a score file.
    public static func read(path: String) throws -> [[Double]] {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw ParseError(source: path, line: 0, message: "cannot read the file (\(error.localizedDescription))")
        }
        return try parse(text, source: path)
    }
}
