import SeqModels
import Tensor

/// One ranking request in the prepared data's internal ids: a user, the user's history (oldest
/// first, any length ≥ 1) and the candidates to score (C ≥ 1), e.g. one request of `train serve`.
public struct ScoringRow: Sendable, Equatable {
    /// Internal user id (0, the padding row, when the caller gives no user).
    public var user: Int
    /// Internal item ids, oldest first; only the last `MAX_SEQ_LEN` are read.
    public var history: [Int]
    /// Internal item ids to score.
    public var candidates: [Int]

    public init(user: Int, history: [Int], candidates: [Int]) {
        self.user = user
        self.history = history
        self.candidates = candidates
    }
}

extension CheckpointWorkflow.Loaded {
    /// `L`, the history length the checkpoint was trained with (`MAX_SEQ_LEN`).
    public var maxSeqLen: Int { evaluator.maxSeqLen }

    /// Click probabilities of `rows`, which must all have the same candidate count C, in one
    /// forward pass of B = `rows.count`: `result[b][c]` scores `rows[b].candidates[c]`.
    ///
    /// Each history is cut and padded exactly as `BatchIterator` does for `train evaluate`: its
    /// last `min(n, L)` items are placed at the end of a row of L zeros, and `item_seq_len` is that
    /// kept count. Evaluation mode (no dropout, `z = mu`), no gradients. Not safe to call
    /// concurrently with itself or with training (see `RankingModel.scores`).
    ///
    /// A row's scores do not depend on the other rows of the pass, bit for bit: `RankingModel.scores`
    /// runs its matrix products batch-invariantly (`withBatchInvariantProducts`).
    public func scores(_ rows: [ScoringRow]) -> [[Float]] {
        guard let width = rows.first?.candidates.count else { return [] }
        precondition(rows.allSatisfy { $0.candidates.count == width }, "every row must have the same candidate count")
        let scores = model.scores(RankingBatch(rows, maxSeqLen: maxSeqLen))
        return scores.scalars.withUnsafeBufferPointer { values in
            (0..<rows.count).map { row in Array(values[row * width ..< (row + 1) * width]) }
        }
    }
}

extension RankingBatch {
    /// The batch `[B, L]` / `[B, C]` of `rows` (same C), histories left-padded or cut to `maxSeqLen`.
    public init(_ rows: [ScoringRow], maxSeqLen length: Int) {
        let width = rows.first?.candidates.count ?? 0
        var itemSeq = [Int](repeating: 0, count: rows.count * length)
        var itemSeqLen = [Int](repeating: 0, count: rows.count)
        var candidates: [Int] = []
        candidates.reserveCapacity(rows.count * width)
        for (b, row) in rows.enumerated() {
            let kept = min(row.history.count, length)
            itemSeqLen[b] = kept
            let source = row.history.count - kept, destination = b * length + length - kept
            for t in 0..<kept { itemSeq[destination + t] = row.history[source + t] }
            candidates.append(contentsOf: row.candidates)
        }
        self.init(userIds: IndexTensor(rows.map(\.user)), itemSeq: IndexTensor(shape: [rows.count, length], indices: itemSeq),
                  itemSeqLen: IndexTensor(itemSeqLen), candidates: IndexTensor(shape: [rows.count, width], indices: candidates))
    }
}
