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

    /// Parses every non-empty line of `text` into a row of scores. Lines may end in LF or CRLF.
    /// - Throws: `ParseError` naming the line for a non-numeric or non-finite field (NaN and
    ///   infinities are refused: they have no rank) or a row with fewer than two scores.
    public static func parse(_ text: String, source: String = "<input>") throws -> [[Double]] {
        var rows: [[Double]] = []
        // `\r\n` is one Character in Swift, so lines are split on every kind of line break.
        for (offset, line) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let fields = line.split(whereSeparator: { $0 == "\t" || $0 == "," || $0 == " " || $0 == "\r" })
            if fields.isEmpty { continue }
            var row: [Double] = []
            row.reserveCapacity(fields.count)
            for field in fields {
                guard let value = Double(field) else {
                    throw ParseError(source: source, line: offset + 1,
                                     message: "expected a number, found '\(field)'")
                }
                guard value.isFinite else {
                    throw ParseError(source: source, line: offset + 1,
                                     message: "expected a finite score, found '\(field)'")
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

    /// Reads and parses a score file (UTF-8; a character device such as a pipe works too).
    /// - Throws: `ParseError` for a folder, an unreadable file, invalid UTF-8, a bad line, or a
    ///   file without any score row.
    public static func read(path: String) throws -> [[Double]] {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw ParseError(source: path, line: 0, message: "no such file")
        }
        guard !isFolder.boolValue else {
            throw ParseError(source: path, line: 0, message: "is a folder; expected a file of score rows")
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw ParseError(source: path, line: 0, message: "cannot open the file for reading")
        }
        defer { try? handle.close() }
        let data: Data
        do { data = try handle.readToEnd() ?? Data() } catch {
            throw ParseError(source: path, line: 0, message: "cannot read the file (\(error.localizedDescription))")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ParseError(source: path, line: 0, message: "not UTF-8 text")
        }
        let rows = try parse(text, source: path)
        guard !rows.isEmpty else {
            throw ParseError(source: path, line: 0, message: "no score rows (expected one line per candidate list, the positive's score first)")
        }
        return rows
    }
}
