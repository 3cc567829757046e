import Tensor

extension IndexTensor {
    /// 1 where the id is a real item (`id > 0`), 0 at padding; same shape as the ids, or `shape`
    /// when given (same element count, e.g. `[B, L, 1]` for broadcasting over features).
    func nonPaddingMask(shape: [Int]? = nil) -> Tensor {
        Tensor(shape: shape ?? self.shape, scalars: indices.map { $0 > 0 ? 1 : 0 })
    }

    /// 1 at padding (`id == 0`), 0 at real items.
    func paddingMask(shape: [Int]? = nil) -> Tensor {
        Tensor(shape: shape ?? self.shape, scalars: indices.map { $0 == 0 ? 1 : 0 })
    }
}

extension RankingBatch {
    /// `(B, L)` of `itemSeq`.
    var sequenceShape: (rows: Int, length: Int) {
        precondition(itemSeq.rank == 2, "item_seq must be [B, L], got \(itemSeq.shape)")
        return (itemSeq.shape[0], itemSeq.shape[1])
    }
}
