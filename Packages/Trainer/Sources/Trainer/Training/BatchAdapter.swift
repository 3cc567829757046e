import DataPipeline
import SeqModels

extension RankingBatch {
    /// The model-side view of a data batch: users, left-padded histories, lengths and the candidate
    /// list `[item_id, neg_items…]`. No session graph: SRGNN builds its own from `itemSeq`.
    public init(_ batch: Batch) {
        self.init(userIds: batch.userId, itemSeq: batch.itemSeq, itemSeqLen: batch.itemSeqLen,
                  candidates: batch.candidates)
    }
}
