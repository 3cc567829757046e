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

    /// The batch of the given `rows` of `split`: for row b, `itemSeq[b]` holds the last
    /// `min(len, L)` history items at its end (left padding with 0), `itemSeqLen[b] = min(len, L)`,
    /// and `candidates[b] = [item, negatives…]`.
    public static func makeBatch(split: Split, rows: [Int], maxSeqLen: Int) -> Batch {
        let size = rows.count, length = maxSeqLen, negatives = split.negativesPerRow
        let (history, starts, lengths) = (split.historyItems, split.historyStarts, split.historyLengths)
        let (itemIds, allNegatives) = (split.itemIds, split.negatives)
        let keptLengths = rows.map { Swift.min(Int(lengths[$0]), length) }
        var itemSeq = [Int](repeating: 0, count: size * length)
        var negItems: [Int] = [], candidates: [Int] = []
        negItems.reserveCapacity(size * negatives)
        candidates.reserveCapacity(size * (negatives + 1))
        for (b, row) in rows.enumerated() {
            let end = starts[row] + Int(lengths[row])
            var destination = (b + 1) * length - keptLengths[b]
            for source in (end - keptLengths[b]) ..< end {
                itemSeq[destination] = Int(history[source])
                destination += 1
            }
            candidates.append(Int(itemIds[row]))
            for k in row * negatives ..< (row + 1) * negatives {
                negItems.append(Int(allNegatives[k]))
                candidates.append(Int(allNegatives[k]))
            }
        }
        return Batch(userId: IndexTensor(rows.map { Int(split.userIds[$0]) }),
                     itemId: IndexTensor(rows.map { Int(itemIds[$0]) }),
                     negItems: IndexTensor(shape: [size, negatives], indices: negItems),
                     itemSeq: IndexTensor(shape: [size, length], indices: itemSeq),
                     itemSeqLen: IndexTensor(keptLengths),
                     candidates: IndexTensor(shape: [size, negatives + 1], indices: candidates),
                     rows: rows)
    }
}
