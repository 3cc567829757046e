import Tensor

/// Cuts a split into `Batch`es (DataPipeline README § Batches), in order or in a seeded shuffled order.
///
///     var batches = BatchIterator(split: data.train, batchSize: 1024, maxSeqLen: 50,
///                                 order: .shuffled(seed: 2020 &+ UInt64(epoch)))
///     while let batch = batches.next() { … }
///
/// The last batch holds the remaining rows (fewer than `batchSize`) unless `dropLast` is set.
/// Batches are built on demand; building one of 2048 rows at L = 200 takes well under a
/// millisecond. (SRGNN's session graph is not part of a batch: the SRGNN encoder builds it from
/// `itemSeq`, SeqModels' `SessionGraph(itemSeq:)`.)
public struct BatchIterator: IteratorProtocol, Sequence {
    /// The row order of one pass.
    public enum Order: Sendable, Equatable {
        /// Rows 0, 1, 2, … (evaluation).
        case sequential
        /// A Fisher–Yates permutation drawn from `SeededGenerator(seed:)` (training; vary the seed per epoch).
        case shuffled(seed: UInt64)
    }

    public let split: Split
    public let batchSize: Int
    /// `L`: histories are left-padded or cut to this length.
    public let maxSeqLen: Int
    /// The rows in visiting order.
    public let rowOrder: [Int]
    private var position = 0
    private let dropLast: Bool

    public init(split: Split, batchSize: Int, maxSeqLen: Int, order: Order = .sequential,
                dropLast: Bool = false) {
        precondition(batchSize > 0 && maxSeqLen > 0, "batchSize and maxSeqLen must be positive")
        self.split = split
        self.batchSize = batchSize
        self.maxSeqLen = maxSeqLen
        self.dropLast = dropLast
        var rows = Array(0..<split.rowCount)
        if case .shuffled(let seed) = order {
            var rng = SeededGenerator(seed: seed)
            rng.shuffle(&rows)
        }
        self.rowOrder = rows
    }

    /// Number of batches in one pass.
    public var batchCount: Int {
        dropLast ? split.rowCount / batchSize : (split.rowCount + batchSize - 1) / batchSize
    }

    public mutating func next() -> Batch? {
        let remaining = rowOrder.count - position
        guard remaining > 0, !(dropLast && remaining < batchSize) else { return nil }
        let rows = Array(rowOrder[position ..< position + Swift.min(batchSize, remaining)])
        position += rows.count
        return BatchIterator.makeBatch(split: split, rows: rows, maxSeqLen: maxSeqLen)
    }

    /// The batch of the given `rows` of `split`.
    public static func makeBatch(split: Split, rows: [Int], maxSeqLen: Int) -> Batch {
        let size = rows.count, length = maxSeqLen, negatives = split.negativesPerRow
        var userId = [Int](repeating: 0, count: size)
        var itemId = [Int](repeating: 0, count: size)
        var itemSeqLen = [Int](repeating: 0, count: size)
        var negItems = [Int](repeating: 0, count: size * negatives)
        var candidates = [Int](repeating: 0, count: size * (negatives + 1))
        var itemSeq = [Int](repeating: 0, count: size * length)
        split.userIds.withUnsafeBufferPointer { users in
        split.itemIds.withUnsafeBufferPointer { items in
        split.historyStarts.withUnsafeBufferPointer { starts in
        split.historyLengths.withUnsafeBufferPointer { lengths in
        split.historyItems.withUnsafeBufferPointer { history in
        split.negatives.withUnsafeBufferPointer { allNegatives in
        userId.withUnsafeMutableBufferPointer { userId in
        itemId.withUnsafeMutableBufferPointer { itemId in
        itemSeqLen.withUnsafeMutableBufferPointer { itemSeqLen in
        negItems.withUnsafeMutableBufferPointer { negItems in
        candidates.withUnsafeMutableBufferPointer { candidates in
        itemSeq.withUnsafeMutableBufferPointer { itemSeq in
            for (b, row) in rows.enumerated() {
                userId[b] = Int(users[row])
                itemId[b] = Int(items[row])
                let kept = Swift.min(Int(lengths[row]), length)
                itemSeqLen[b] = kept
                // Left padding: the last `kept` history items go to the end of the row.
                let source = starts[row] + Int(lengths[row]) - kept
                let destination = b * length + length - kept
                for t in 0..<kept { itemSeq[destination + t] = Int(history[source + t]) }
                let candidateBase = b * (negatives + 1)
                candidates[candidateBase] = Int(items[row])
                for k in 0..<negatives {
                    let value = Int(allNegatives[row * negatives + k])
                    negItems[b * negatives + k] = value
                    candidates[candidateBase + 1 + k] = value
                }
            }
        }}}}}}}}}}}}
        return Batch(userId: IndexTensor(userId), itemId: IndexTensor(itemId),
                     negItems: IndexTensor(shape: [size, negatives], indices: negItems),
                     itemSeq: IndexTensor(shape: [size, length], indices: itemSeq),
                     itemSeqLen: IndexTensor(itemSeqLen),
                     candidates: IndexTensor(shape: [size, negatives + 1], indices: candidates),
                     rows: rows)
    }
}
