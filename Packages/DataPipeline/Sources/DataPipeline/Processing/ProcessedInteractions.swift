/// The interactions after DataPipeline README § Preprocessing, steps 1–5: categories merged, sorted by (user, time),
/// users with too few interactions removed, duplicates removed, ids remapped (0 = padding).
///
/// User `u` (1...U) has the time-ordered item sequence `items[sequenceStarts[u-1] ..< sequenceStarts[u]]`
/// with matching `timestamps`. Item `i` (1...I) has the merged category list
/// `itemCategories[itemCategoryStarts[i] ..< itemCategoryStarts[i+1]]` (row 0 is the empty padding
/// item) and `popularity[i]` interactions.
struct ProcessedInteractions: Sendable {
    /// Number of users U; ids are 1...U.
    public let userCount: Int
    /// Number of items I; ids are 1...I.
    public let itemCount: Int
    /// Number of merged categories C; ids are 1...C.
    public let categoryCount: Int

    /// `U + 1` offsets into `items`/`timestamps`.
    public let sequenceStarts: [Int]
    /// Remapped item ids, user after user, each user's in time order.
    public let items: [Int32]
    /// The timestamp of each entry of `items`.
    public let timestamps: [Int64]
    /// `I + 2` offsets into `itemCategories`, indexed by item id (0 = padding, no categories).
    public let itemCategoryStarts: [Int]
    /// Merged category ids of every item, one entry per original category.
    public let itemCategories: [Int32]
    /// `I + 1` interaction counts by item id (0 for padding).
    public let popularity: [Int32]

    /// Original id of user `u` at index `u - 1` (ascending).
    public let originalUserIds: [Int]
    /// Original id of item `i` at index `i - 1`.
    public let originalItemIds: [Int]
    /// Original category id → merged id.
    public let mergedCategoryIds: [Int: Int]
    /// Names of original categories when the input had them.
    public let categoryNames: [Int: String]

    /// Counts of what each step removed, for `stats.json`.
    struct Counts: Sendable, Equatable, Codable {
        public var inputInteractions = 0
        public var droppedWithoutCategory = 0
        public var inputUsers = 0
        public var inputItems = 0
        public var droppedUsers = 0
        public var droppedUserInteractions = 0
        public var duplicatesRemoved = 0
    }
    public let counts: Counts

    /// The item sequence of user `u` (1-based).
    public func sequence(ofUser user: Int) -> ArraySlice<Int32> {
        items[sequenceStarts[user - 1] ..< sequenceStarts[user]]
    }

    /// The merged categories of item `i` (1-based), duplicates included.
    public func categories(ofItem item: Int) -> ArraySlice<Int32> {
        itemCategories[itemCategoryStarts[item] ..< itemCategoryStarts[item + 1]]
    }

    /// Number of interactions after processing.
    public var interactionCount: Int { items.count }

    /// The user sequences as a flat corpus (`items`, `sequenceStarts`), e.g. for word2vec.
    public var userSequences: UserSequences { UserSequences(items: items, starts: sequenceStarts) }
}

/// Each user's item sequence, stored flat: user `u` (1-based) owns `items[starts[u-1] ..< starts[u]]`.
/// With `.wholeSequences` this is also the word2vec corpus (one sentence per user); see
/// `word2vecCorpus(_:targetItemsUsed:)` and DataPipeline README § Item-embedding pre-training.
public struct UserSequences: Sendable, Equatable {
    public let items: [Int32]
    /// `userCount + 1` offsets into `items`.
    public let starts: [Int]
    public var userCount: Int { starts.count - 1 }
    public init(items: [Int32], starts: [Int]) {
        self.items = items
        self.starts = starts
    }
}
