import Tensor

/// One mini-batch of B rows of a split, ready for the models (DataPipeline README § Batches).
///
/// `L = MAX_SEQ_LEN`. Every history is left-padded with 0 to `L`, or cut to its last `L` items,
/// so the most recent item always sits at position `L − 1` (the encoders read the last position).
public struct Batch: Sendable {
    /// `[B]` user ids.
    public var userId: IndexTensor
    /// `[B]` the positive (target) item of each row.
    public var itemId: IndexTensor
    /// `[B, 19]` the sampled negatives.
    public var negItems: IndexTensor
    /// `[B, L]` left-padded / truncated histories.
    public var itemSeq: IndexTensor
    /// `[B]` number of real (non-padding) items in `itemSeq`: `min(item_seq_len, L)`.
    public var itemSeqLen: IndexTensor
    /// `[B, 20]` the candidate list `[item_id, neg_items…]`; column 0 is the positive.
    public var candidates: IndexTensor
    /// Indices of the batch's rows in the split.
    public var rows: [Int]

    /// Number of rows B.
    public var size: Int { rows.count }

    /// `[B, 20]` labels: 1 for the positive in column 0, 0 for the negatives.
    public var labels: Tensor {
        let width = candidates.shape[1]
        return Tensor(shape: candidates.shape, unsafeUninitializedScalars: { out in
            for index in out.indices { out[index] = index % width == 0 ? 1 : 0 }
        })
    }
}
