/// The bytes of one text input together with the name used in error messages.
///
/// The name is the file path, or `archive.zip:entry/name` for a zip entry, so that every
/// diagnostic points at the exact place the bad line came from.
struct TextSource {
    let name: String
    let bytes: [UInt8]

    /// A file on disk.
    static func file(_ path: String) throws -> TextSource {
        TextSource(name: path, bytes: try FileBytes.read(path))
    }

    /// An entry of a zip archive, inflated and CRC-checked.
    static func zipEntry(_ entry: ZipArchive.Entry, of archive: ZipArchive) throws -> TextSource {
        TextSource(name: "\(archive.path):\(entry.name)", bytes: try archive.contents(of: entry))
    }

    /// Runs `body` with a line scanner over the bytes.
    func withLines<Result>(_ body: (inout LineScanner) throws -> Result) rethrows -> Result {
        try bytes.withUnsafeBufferPointer { buffer in
            var scanner = LineScanner(buffer)
            return try body(&scanner)
        }
    }

    /// An error at `line` of this source.
    func error(_ kind: DataPipelineError.Kind, line: Int, _ message: String) -> DataPipelineError {
        DataPipelineError(kind, file: name, location: .line(line), message)
    }

    /// An error about this source as a whole.
    func error(_ kind: DataPipelineError.Kind, _ message: String) -> DataPipelineError {
        DataPipelineError(kind, file: name, message)
    }
}

/// A tab-separated header row: column names (the part before any `:type` suffix, as in RecBole's
/// `user_id:token`) and where each sits.
struct TabularHeader {
    let names: [String]

    init(_ line: ByteSpan) {
        var fields: [ByteSpan] = []
        line.split(separator: 0x09, into: &fields)
        names = fields.map { field in
            let text = field.trimmed().text(limit: 200)
            return text.split(separator: ":", maxSplits: 1).first.map(String.init) ?? text
        }
    }

    /// The position of column `name`, or a `missingColumn` error naming the columns found.
    func column(_ name: String, in source: TextSource, alternatives: [String] = []) throws -> Int {
        for candidate in [name] + alternatives {
            if let index = names.firstIndex(of: candidate) { return index }
        }
        let wanted = ([name] + alternatives).map { "'\($0)'" }.joined(separator: " or ")
        throw source.error(.missingColumn, line: 1, "expected a column \(wanted) in the header, found \(names)")
    }
}

/// Genre names collected while reading, numbered afterwards in alphabetical (byte) order from 1.
struct GenreVocabulary {
    private var seen: [String: Int] = [:]  // name → provisional index
    private(set) var namesInOrderSeen: [String] = []

    /// A provisional index for `name` (stable until `finalIds()`).
    mutating func provisionalId(_ name: String) -> Int {
        if let id = seen[name] { return id }
        let id = namesInOrderSeen.count
        seen[name] = id
        namesInOrderSeen.append(name)
        return id
    }

    /// Maps provisional indices to final ids 1...G (alphabetical) and returns the id → name table.
    func finalIds() -> (byProvisional: [Int], names: [Int: String]) {
        let sorted = namesInOrderSeen.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        var finalByName: [String: Int] = [:]
        var names: [Int: String] = [:]
        for (offset, name) in sorted.enumerated() {
            finalByName[name] = offset + 1
            names[offset + 1] = name
        }
        return (namesInOrderSeen.map { finalByName[$0]! }, names)
    }
}
