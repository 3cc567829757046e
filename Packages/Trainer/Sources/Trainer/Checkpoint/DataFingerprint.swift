import DataPipeline

/// What a checkpoint remembers about the data it was trained on, so that evaluating or resuming on
/// other data is caught: table sizes must match exactly (the model's shapes depend on them), other
/// differences (row counts, sampling) are reported as warnings.
struct DataFingerprint: Codable, Equatable, Sendable {
    public var source: String
    public var users: Int
    public var items: Int
    public var categories: Int
    public var userNum: Int
    public var itemNum: Int
    public var trainRows: Int
    public var validRows: Int
    public var testRows: Int
    public var seed: UInt64?
    public var sampling: String?

    public init(stats: DatasetStats) {
        source = stats.source
        users = stats.users
        items = stats.items
        categories = stats.categories
        userNum = stats.userNum
        itemNum = stats.itemNum
        trainRows = stats.train.rows
        validRows = stats.valid.rows
        testRows = stats.test.rows
        seed = stats.seed
        sampling = stats.sampling
    }

    /// Why `other` cannot be used with weights trained on `self` (different table sizes), or nil.
    public func incompatibility(with other: DataFingerprint) -> String? {
        if userNum != other.userNum || itemNum != other.itemNum {
            return "the checkpoint's data has user_num \(userNum) and item_num \(itemNum), the given data has \(other.userNum) and \(other.itemNum)"
        }
        return nil
    }

    /// Differences that do not prevent loading but mean the data is not the training data.
    public func differences(from other: DataFingerprint) -> [String] {
        var notes: [String] = []
        if (trainRows, validRows, testRows) != (other.trainRows, other.validRows, other.testRows) {
            notes.append("rows train/valid/test \(trainRows)/\(validRows)/\(testRows) at training, \(other.trainRows)/\(other.validRows)/\(other.testRows) now")
        }
        if seed != other.seed || sampling != other.sampling {
            notes.append("sampling \(sampling ?? "?") seed \(seed.map(String.init) ?? "?") at training, \(other.sampling ?? "?") seed \(other.seed.map(String.init) ?? "?") now")
        }
        return notes
    }
}
