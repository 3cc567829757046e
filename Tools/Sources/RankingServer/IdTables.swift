import Foundation

/// The prepared data's id tables: the dataset's original (raw) user and item ids → the internal ids
/// the model's embedding rows are indexed by, read from `user2idx.tsv` and `item2idx.tsv`
/// (`original<TAB>internal` lines under a header, as `train prepare` writes them).
///
/// A folder holding only the reference's split TSVs has no tables: its ids already are the internal
/// ones, so each raw id maps to itself when it lies in `1 ..< tableSize` (0 is padding).
public struct IdTables: Sendable {
    public enum Kind: String, Sendable { case user, item }

    private let items: [Int: Int]?
    private let users: [Int: Int]?
    private let itemNum: Int
    private let userNum: Int

    /// Whether the folder had `item2idx.tsv` (otherwise raw ids are internal ids).
    public var hasTables: Bool { items != nil }

    /// Reads the tables of `folder`; `itemNum` / `userNum` are the embedding-table sizes.
    /// - Throws: `ServingError.startup` naming the file and line of a malformed entry.
    public init(folder: String, itemNum: Int, userNum: Int) throws {
        let itemFile = URL(fileURLWithPath: folder).appendingPathComponent("item2idx.tsv").path
        let userFile = URL(fileURLWithPath: folder).appendingPathComponent("user2idx.tsv").path
        let fm = FileManager.default
        items = fm.fileExists(atPath: itemFile) ? try IdTables.read(itemFile, tableSize: itemNum) : nil
        users = fm.fileExists(atPath: userFile) ? try IdTables.read(userFile, tableSize: userNum) : nil
        self.itemNum = itemNum
        self.userNum = userNum
    }

    /// The internal id of raw id `raw`, or `nil` when the data has no such id.
    public func internalId(_ raw: Int, _ kind: Kind) -> Int? {
        let (table, size) = kind == .item ? (items, itemNum) : (users, userNum)
        if let table { return table[raw] }
        return raw >= 1 && raw < size ? raw : nil
    }

    /// Parses one `original<TAB>internal` table; every internal id must index a row 1 ..< `tableSize`.
    static func read(_ path: String, tableSize: Int) throws -> [Int: Int] {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw ServingError.startup("\(path): cannot read the id table (\(error.localizedDescription))")
        }
        var table: [Int: Int] = [:]
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where index > 0 {
            let trimmed = line.hasSuffix("\r") ? line.dropLast() : line
            if trimmed.isEmpty { continue }
            let fields = trimmed.split(separator: "\t")
            guard fields.count == 2, let raw = Int(fields[0]), let id = Int(fields[1]), id >= 1, id < tableSize else {
                throw ServingError.startup("\(path):\(index + 1): expected 'original<TAB>internal' with an internal id in 1..<\(tableSize), found \"\(trimmed)\"")
            }
            guard table.updateValue(id, forKey: raw) == nil else {
                throw ServingError.startup("\(path):\(index + 1): original id \(raw) is listed twice")
            }
        }
        return table
    }
}
