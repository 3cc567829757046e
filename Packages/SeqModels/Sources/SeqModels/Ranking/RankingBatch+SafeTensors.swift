import Tensor

extension RankingBatch {
    /// Reads a batch stored like the parity fixtures' `batch.safetensors` (SeqModels README § Reference fixtures): integer tensors
    /// `user_id [B]`, `item_id [B]`, `neg_items [B, N]`, `item_seq [B, L]`, `item_seq_len [B]`, and
    /// for SRGNN `uni_item_seq [B, L]`, `alias_item_seq [B, L]` and float `A [B, L, 2L]`.
    /// Candidates are `[item_id, neg_items…]`, `[B, 1 + N]`; the graph is read when `uni_item_seq` exists.
    /// - Throws: `SafeTensorsError` naming the file and the missing or mistyped tensor.
    public init(safetensors file: SafeTensorsFile) throws {
        let users = try file.indexTensor("user_id")
        let positives = try file.indexTensor("item_id")
        let negatives = try file.indexTensor("neg_items")
        let rows = positives.count
        let negativeCount = negatives.count / max(rows, 1)
        var candidates: [Int] = []
        candidates.reserveCapacity(rows * (1 + negativeCount))
        for row in 0..<rows {
            candidates.append(positives.indices[row])
            candidates += negatives.indices[(row * negativeCount)..<((row + 1) * negativeCount)]
        }
        var graph: SessionGraph?
        if file.entries["uni_item_seq"] != nil {
            graph = SessionGraph(uniqueItems: try file.indexTensor("uni_item_seq"),
                                 alias: try file.indexTensor("alias_item_seq"),
                                 adjacency: try file.tensor("A"))
        }
        self.init(userIds: users, itemSeq: try file.indexTensor("item_seq"),
                  itemSeqLen: try file.indexTensor("item_seq_len"),
                  candidates: IndexTensor(shape: [rows, 1 + negativeCount], indices: candidates), graph: graph)
    }
}
