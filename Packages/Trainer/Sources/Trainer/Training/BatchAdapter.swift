import DataPipeline
import SeqModels

extension RankingBatch {
    /// The model-side view of a data batch: users, left-padded histories, lengths, the candidate
    /// list `[item_id, neg_items…]` and, when the batch carries it, SRGNN's session graph.
    public init(_ batch: Batch) {
        var graph: SessionGraph?
        if let unique = batch.uniItemSeq, let alias = batch.aliasItemSeq, let adjacency = batch.A {
            graph = SessionGraph(uniqueItems: unique, alias: alias, adjacency: adjacency)
        }
        self.init(userIds: batch.userId, itemSeq: batch.itemSeq, itemSeqLen: batch.itemSeqLen,
                  candidates: batch.candidates, graph: graph)
    }
}
