import Tensor

/// The model-side view of a batch of B ranking requests (SeqModels README § Batches the models read).
///
/// `candidates` holds the list to score per row; in training and evaluation column 0 is the
/// positive (`[item_id, neg_items…]`, `[B, 20]`), at inference it can be any list of any length.
public struct RankingBatch {
    /// `[B]` user ids.
    public var userIds: IndexTensor
    /// `[B, L]` item histories, left-padded with 0 (the most recent item is at position L − 1).
    public var itemSeq: IndexTensor
    /// `[B]` true history lengths (before padding; may exceed L when the history was cut).
    public var itemSeqLen: IndexTensor
    /// `[B, C]` candidate item ids to score.
    public var candidates: IndexTensor
    /// SRGNN's per-row session graph; optional (SRGNN builds it from `itemSeq` when `nil`; the other encoders ignore it).
    public var graph: SessionGraph?

    public init(userIds: IndexTensor, itemSeq: IndexTensor, itemSeqLen: IndexTensor,
                candidates: IndexTensor, graph: SessionGraph? = nil) {
        self.userIds = userIds
        self.itemSeq = itemSeq
        self.itemSeqLen = itemSeqLen
        self.candidates = candidates
        self.graph = graph
    }

    /// Number of rows B.
    public var count: Int { userIds.count }
}

/// SRGNN's graph of one history per row (SeqModels README § Batches the models read); built by `init(itemSeq:)`.
public struct SessionGraph {
    /// `[B, L]` sorted distinct items of the padded history, zero-filled.
    public var uniqueItems: IndexTensor
    /// `[B, L]` index of each history position's item in `uniqueItems`.
    public var alias: IndexTensor
    /// `[B, L, 2L]` normalised in/out adjacency, `concat(A_in, A_out)ᵀ` per row.
    public var adjacency: Tensor

    public init(uniqueItems: IndexTensor, alias: IndexTensor, adjacency: Tensor) {
        self.uniqueItems = uniqueItems
        self.alias = alias
        self.adjacency = adjacency
    }
}
