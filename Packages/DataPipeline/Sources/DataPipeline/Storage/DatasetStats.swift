import Foundation

/// The content of `stats.json`: sizes the models need and what the preparation did.
///
/// Id convention: ids are dense, 1...N, and 0 is padding, so every embedding table has `N + 1`
/// rows. `user_num`, `item_num` and `cate_num` are those table sizes (largest id + 1), which is
/// what the reference's dataset config calls `user_num`/`item_num`; `users`, `items` and
/// `categories` are the counts N. Trainers take the sizes from here instead of from hand-edited
/// configs. Keys are snake_case in the file.
public struct DatasetStats: Codable, Sendable, Equatable {
    /// Per-split numbers.
    public struct SplitStats: Codable, Sendable, Equatable {
        public var rows: Int
        public var meanHistoryLength: Double
        public var maxHistoryLength: Int
        public init(rows: Int, meanHistoryLength: Double, maxHistoryLength: Int) {
            self.rows = rows
            self.meanHistoryLength = meanHistoryLength
            self.maxHistoryLength = maxHistoryLength
        }
        public init(_ split: Split) {
            let summary = split.historyLengthSummary
            self.init(rows: split.rowCount, meanHistoryLength: summary.mean, maxHistoryLength: summary.max)
        }
    }

    /// The `format_version` this build writes and reads.
    public static let currentFormatVersion = 1
    /// Version of the prepared-folder layout (binary splits + this file); any other version is
    /// refused when read.
    public var formatVersion: Int = DatasetStats.currentFormatVersion
    /// The dataset's name (`ML10M`, `ML100K`, `demo`, …), which selects
    /// `Configs/dataset/<name>.yaml` when training on the folder; nil when prepare was not told
    /// (the trainer then falls back to the folder's name).
    public var name: String?
    /// The input path and format, or `reference-tsv` for a folder of reference split TSVs.
    public var source: String
    public var inputFormat: String
    /// Seed and rule of the negative sampling (nil when unknown, e.g. reference TSVs).
    public var seed: UInt64?
    public var sampling: String?

    /// Counts of users, items and merged categories (ids 1...N).
    public var users: Int
    public var items: Int
    public var categories: Int
    /// Embedding-table sizes: largest id + 1.
    public var userNum: Int
    public var itemNum: Int
    public var cateNum: Int

    /// Interactions after processing (the rows of `user_item_cate_time.tsv`).
    public var interactions: Int?
    /// What processing removed (nil when unknown).
    var processing: ProcessedInteractions.Counts?
    /// Settings of the processing.
    public var minItemsPerCategory: Int?
    public var minUserInteractions: Int?
    public var targetItemsUsed: Int?
    public var negItemsNum: Int

    public var train: SplitStats
    public var valid: SplitStats
    public var test: SplitStats
    /// Negatives drawn from the whole item pool because their category pool kept failing.
    public var samplingFallbacks: Int?
    /// Leak-free sampling only: users who interacted with every item, so that no item is left
    /// to be their negative, and the rows they would have had; none of those rows is written
    /// (DataPipeline README § Negative sampling). 0 when nothing was dropped, nil when unknown.
    public var usersDroppedNoNegatives: Int?
    public var rowsDroppedNoNegatives: Int?
    /// The word2vec corpus rule of the folder (`Word2VecCorpusRule` raw value:
    /// `before-valid-targets` or `whole-sequences`); nil when unknown.
    public var word2vecCorpus: String?

    init(source: String, inputFormat: String, seed: UInt64?, sampling: String?,
                users: Int, items: Int, categories: Int, interactions: Int?,
                processing: ProcessedInteractions.Counts?, minItemsPerCategory: Int?, minUserInteractions: Int?,
                targetItemsUsed: Int?, negItemsNum: Int, train: SplitStats, valid: SplitStats, test: SplitStats,
                samplingFallbacks: Int?, usersDroppedNoNegatives: Int? = nil, rowsDroppedNoNegatives: Int? = nil,
                word2vecCorpus: String? = nil, name: String? = nil) {
        self.name = name
        self.source = source
        self.inputFormat = inputFormat
        self.seed = seed
        self.sampling = sampling
        self.users = users
        self.items = items
        self.categories = categories
        self.userNum = users + 1
        self.itemNum = items + 1
        self.cateNum = categories + 1
        self.interactions = interactions
        self.processing = processing
        self.minItemsPerCategory = minItemsPerCategory
        self.minUserInteractions = minUserInteractions
        self.targetItemsUsed = targetItemsUsed
        self.negItemsNum = negItemsNum
        self.train = train
        self.valid = valid
        self.test = test
        self.samplingFallbacks = samplingFallbacks
        self.usersDroppedNoNegatives = usersDroppedNoNegatives
        self.rowsDroppedNoNegatives = rowsDroppedNoNegatives
        self.word2vecCorpus = word2vecCorpus
    }

    /// The numbers of split `name`.
    public func split(_ name: Split.Name) -> SplitStats {
        switch name {
        case .train: return train
        case .valid: return valid
        case .test: return test
        }
    }

    /// Pretty-printed JSON with sorted snake_case keys (byte-identical for equal stats).
    public func encoded() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(self)) + [0x0A]
    }

}
