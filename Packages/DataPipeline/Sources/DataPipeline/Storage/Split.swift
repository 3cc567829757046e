/// One prepared split (`train`, `valid` or `test`) in columnar form.
///
/// Row `r` is the training example "user `userIds[r]` interacts next with `itemIds[r]`, seen in
/// category `cateIds[r]`, after the history `item_seq`", with `negativesPerRow` sampled negatives:
///
/// - `item_seq` of row `r` = `historyItems[historyStarts[r] ..< historyStarts[r] + historyLengths[r]]`
///   (the full history, oldest first, not yet padded or truncated — DataPipeline README § Preprocessing, step 7);
/// - negatives of row `r` = `negatives[r·N ..< (r+1)·N]`, `N = negativesPerRow` (19).
///
/// Histories are offsets into one flat array, and rows may share storage: all rows of a user
/// point into that user's one stored sequence prefix, which keeps ML-10M-sized splits small.
public struct Split: Sendable, Equatable {
    /// Which of the three splits.
    public enum Name: String, Sendable, CaseIterable, Codable {
        case train, valid, test
    }

    public var userIds: [Int32]
    public var itemIds: [Int32]
    public var cateIds: [Int32]
    /// Start of each row's history in `historyItems`.
    public var historyStarts: [Int]
    /// Length of each row's history (`item_seq_len`).
    public var historyLengths: [Int32]
    /// Storage of every history.
    public var historyItems: [Int32]
    /// Negatives per row (19).
    public var negativesPerRow: Int
    /// `rowCount × negativesPerRow` negatives, row after row.
    public var negatives: [Int32]

    public init(userIds: [Int32] = [], itemIds: [Int32] = [], cateIds: [Int32] = [],
                historyStarts: [Int] = [], historyLengths: [Int32] = [], historyItems: [Int32] = [],
                negativesPerRow: Int, negatives: [Int32] = []) {
        self.userIds = userIds
        self.itemIds = itemIds
        self.cateIds = cateIds
        self.historyStarts = historyStarts
        self.historyLengths = historyLengths
        self.historyItems = historyItems
        self.negativesPerRow = negativesPerRow
        self.negatives = negatives
    }

    /// Number of rows.
    public var rowCount: Int { userIds.count }

    /// The full history (`item_seq`) of row `row`, oldest first.
    public func history(ofRow row: Int) -> ArraySlice<Int32> {
        let start = historyStarts[row]
        return historyItems[start ..< start + Int(historyLengths[row])]
    }

    /// The sampled negatives of row `row`.
    public func negatives(ofRow row: Int) -> ArraySlice<Int32> {
        negatives[row * negativesPerRow ..< (row + 1) * negativesPerRow]
    }

    /// Mean and maximum of `item_seq_len` over the rows (0 for an empty split).
    public var historyLengthSummary: (mean: Double, max: Int) {
        guard rowCount > 0 else { return (0, 0) }
        var total = 0, longest = 0
        for length in historyLengths {
            total += Int(length)
            longest = max(longest, Int(length))
        }
        return (Double(total) / Double(rowCount), longest)
    }

    /// Checks that every column has the right length and every history lies inside `historyItems`.
    /// - Parameter file: named in the error.
    func validateShape(file: String) throws {
        let rows = rowCount
        func fail(_ message: String) -> DataPipelineError { DataPipelineError(.inconsistentData, file: file, message) }
        guard itemIds.count == rows, cateIds.count == rows, historyStarts.count == rows, historyLengths.count == rows else {
            throw fail("expected \(rows) entries in every column, found items \(itemIds.count), categories \(cateIds.count), history starts \(historyStarts.count), history lengths \(historyLengths.count)")
        }
        guard negativesPerRow > 0, negatives.count == rows * negativesPerRow else {
            throw fail("expected \(rows) × \(negativesPerRow) negatives, found \(negatives.count)")
        }
        for row in 0..<rows {
            let start = historyStarts[row], length = Int(historyLengths[row])
            guard start >= 0, length >= 0, start <= historyItems.count - length else {
                throw fail("row \(row): a history of \(length) items from \(start) lies outside the \(historyItems.count) stored history items")
            }
        }
        for (name, column, perRow) in [("user id", userIds, 1), ("item id", itemIds, 1), ("category id", cateIds, 1),
                                       ("negative item id", negatives, negativesPerRow)] {
            if let index = column.firstIndex(where: { $0 < 0 }) {
                throw fail("row \(index / perRow): \(name) \(column[index]); expected an id ≥ 0")
            }
        }
        if let index = historyItems.firstIndex(where: { $0 < 0 }) {
            throw fail("history item \(index): item id \(historyItems[index]); expected an id ≥ 0")
        }
    }

    /// The largest user, item (targets, histories and negatives) and category id in the split.
    var largestIds: (user: Int, item: Int, category: Int) {
        let user = Int(userIds.max() ?? 0)
        let item = Int(max(itemIds.max() ?? 0, historyItems.max() ?? 0, negatives.max() ?? 0))
        return (user, item, Int(cateIds.max() ?? 0))
    }
}
