import Foundation

/// A prepared dataset in memory: the three splits and their `stats.json`.
///
/// Loads either a folder written by `PreparePipeline` (binary `.split` files, read without text
/// parsing) or a folder holding only the reference's `train.tsv`, `valid.tsv` and `test.tsv`
/// (optionally with `item_emb_64.txt`), so data prepared by the authors' pipeline trains unchanged.
public struct PreparedDataset: Sendable {
    public var train: Split
    public var valid: Split
    public var test: Split
    public var stats: DatasetStats
    /// The folder it was loaded from, if any.
    public var folder: String?

    public init(train: Split, valid: Split, test: Split, stats: DatasetStats, folder: String? = nil) {
        self.train = train
        self.valid = valid
        self.test = test
        self.stats = stats
        self.folder = folder
    }

    /// Split `name`.
    public func split(_ name: Split.Name) -> Split {
        switch name {
        case .train: return train
        case .valid: return valid
        case .test: return test
        }
    }

    /// Embedding-table sizes (largest id + 1; id 0 is padding).
    public var userNum: Int { stats.userNum }
    public var itemNum: Int { stats.itemNum }
    public var cateNum: Int { stats.cateNum }

    /// The pre-trained item embedding file `item_emb_64.txt` of the folder, if it exists.
    public var itemEmbeddingFile: String? {
        guard let folder else { return nil }
        let path = PreparedDataset.path(folder, "item_emb_64.txt")
        return FileBytes.isFile(path) ? path : nil
    }

    /// Each user's full item sequence, rebuilt from the test split (a test row's history plus
    /// its target is the user's whole sequence). Users are listed in id order 1...U; a user
    /// with no test row gets an empty sequence.
    public func userSequences() -> UserSequences {
        var byUser = [Int](repeating: -1, count: stats.userNum)
        for row in 0..<test.rowCount where byUser[Int(test.userIds[row])] < 0 { byUser[Int(test.userIds[row])] = row }
        var items: [Int32] = []
        var starts = [0]
        for user in 1..<max(1, stats.userNum) {
            let row = byUser[user]
            if row >= 0 {
                items.append(contentsOf: test.history(ofRow: row))
                items.append(test.itemIds[row])
            }
            starts.append(items.count)
        }
        return UserSequences(items: items, starts: starts)
    }

    /// Loads the prepared folder at `folder`: binary splits when `stats.json` and the `.split`
    /// files are there, otherwise the reference's split TSVs.
    public static func load(from folder: String) throws -> PreparedDataset {
        guard FileBytes.isDirectory(folder) else {
            throw DataPipelineError(.unreadableFile, file: folder, "expected a prepared dataset folder")
        }
        let statsPath = path(folder, "stats.json")
        let binary = Split.Name.allCases.map { path(folder, BinarySplitFormat.fileName($0)) }
        if FileBytes.isFile(statsPath) && binary.allSatisfy(FileBytes.isFile) {
            let stats = try DatasetStats.read(path: statsPath)
            let splits = try binary.map(BinarySplitFormat.read(path:))
            let dataset = PreparedDataset(train: splits[0], valid: splits[1], test: splits[2], stats: stats, folder: folder)
            try dataset.checkRowCounts(statsFile: statsPath, splitFiles: binary)
            try dataset.checkNegativesPerRow(splitFiles: binary, statsFile: statsPath)
            try dataset.checkIdsFitTables(file: statsPath)
            return dataset
        }
        let tsv = Split.Name.allCases.map { path(folder, "\($0.rawValue).tsv") }
        if let missing = tsv.first(where: { !FileBytes.isFile($0) }) {
            throw DataPipelineError(.unreadableFile, file: folder,
                                    "expected stats.json with train/valid/test.split (from `prepare`), or the reference's train.tsv, valid.tsv and test.tsv; \(URL(fileURLWithPath: missing).lastPathComponent) is missing")
        }
        let dataset = try loadReferenceTSV(folder: folder, files: tsv)
        try dataset.checkNegativesPerRow(splitFiles: tsv, statsFile: nil)
        return dataset
    }

    /// Reads the reference's split TSVs and derives the table sizes from the data:
    /// `user_num` = largest user id + 1, `item_num` = largest item id (targets, histories,
    /// negatives and, if present, the rows of `item_emb_64.txt`) + 1, `cate_num` = largest
    /// category id + 1. The counts `users`, `items`, `categories` are those largest ids.
    private static func loadReferenceTSV(folder: String, files: [String]) throws -> PreparedDataset {
        let splits = try files.map(ReferenceSplitReader.read(path:))
        var largest = (user: 0, item: 0, category: 0)
        for split in splits {
            let ids = split.largestIds
            largest = (max(largest.user, ids.user), max(largest.item, ids.item), max(largest.category, ids.category))
        }
        let embeddings = path(folder, "item_emb_64.txt")
        if FileBytes.isFile(embeddings) {
            largest.item = max(largest.item, try largestLeadingId(embeddings))
        }
        let negatives = splits.first { $0.rowCount > 0 }?.negativesPerRow ?? 19
        let stats = DatasetStats(
            source: folder, inputFormat: "reference-tsv", seed: nil, sampling: nil,
            users: largest.user, items: largest.item, categories: largest.category, interactions: nil,
            processing: nil, minItemsPerCategory: nil, minUserInteractions: nil, targetItemsUsed: nil,
            negItemsNum: negatives, train: .init(splits[0]), valid: .init(splits[1]), test: .init(splits[2]),
            samplingFallbacks: nil)
        return PreparedDataset(train: splits[0], valid: splits[1], test: splits[2], stats: stats, folder: folder)
    }

    /// The largest id in the first (tab-separated) column of a text file.
    private static func largestLeadingId(_ file: String) throws -> Int {
        let source = try TextSource.file(file)
        return try source.withLines { lines in
            var largest = 0
            var fields: [ByteSpan] = []
            while let line = lines.nextLine() {
                if line.trimmed().isEmpty { continue }
                line.split(separator: 0x09, into: &fields)
                guard let id = fields[0].parseInt() else {
                    throw source.error(.nonNumericField, line: lines.lineNumber, "expected 'item_id<TAB>v1,v2,…' with a numeric item id, found \"\(fields[0].text())\"")
                }
                largest = max(largest, id)
            }
            return largest
        }
    }

    /// Every id must index the embedding tables of `stats`.
    private func checkIdsFitTables(file: String) throws {
        for name in Split.Name.allCases {
            let ids = split(name).largestIds
            guard ids.user < userNum, ids.item < itemNum, ids.category < cateNum else {
                throw DataPipelineError(.inconsistentData, file: file,
                                        "\(name.rawValue) split has ids up to user \(ids.user), item \(ids.item), category \(ids.category), beyond user_num \(userNum), item_num \(itemNum), cate_num \(cateNum)")
            }
        }
    }

    static func path(_ folder: String, _ name: String) -> String {
        URL(fileURLWithPath: folder).appendingPathComponent(name).path
    }
}
