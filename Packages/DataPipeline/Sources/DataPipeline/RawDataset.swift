/// Interactions as read from any input format, before the reference preprocessing (DataPipeline README § Preprocessing).
///
/// Ingest (`Ingest/`) produces this; `Processing/` consumes it. Ids are kept as the input's own
/// numbers so that the id remapping of step 5 is the only place where ids change.
public struct RawDataset: Sendable {
    /// One user–item event in input order.
    public struct Interaction: Sendable, Equatable {
        public var user: Int
        public var item: Int
        public var timestamp: Int64
        public init(user: Int, item: Int, timestamp: Int64) {
            self.user = user
            self.item = item
            self.timestamp = timestamp
        }
    }

    /// Every interaction, in the order of the input rows.
    public var interactions: [Interaction]
    /// The category ids of each item, in the input's order (`[5, 15]`). For MovieLens and RecBole
    /// inputs, genre names are sorted alphabetically (byte order) and numbered from 1 (DataPipeline README § Inputs).
    /// Items without an entry (or with an empty list) have no category and are dropped with their
    /// interactions (an inner join).
    public var itemCategories: [Int: [Int]]
    /// Readable names of the category ids when the input has them (MovieLens genres); empty for
    /// inputs that only carry numbers. Used for `merged_cate2idx.tsv`.
    public var categoryNames: [Int: String]
    /// Where the data came from (a file or zip path), for messages and `stats.json`.
    public var source: String

    public init(interactions: [Interaction], itemCategories: [Int: [Int]],
                categoryNames: [Int: String] = [:], source: String) {
        self.interactions = interactions
        self.itemCategories = itemCategories
        self.categoryNames = categoryNames
        self.source = source
    }
}
