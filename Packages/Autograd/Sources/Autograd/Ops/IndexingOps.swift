import Tensor

// Row lookups (embeddings) and masking.

extension Variable {
    /// Embedding lookup: `self [N, D]` (any row shape), `ids` of shape `S` → `[S..., D]`.
    ///
    /// Backward scatter-adds the upstream rows into a `[N, D]` zero tensor (repeated ids
    /// accumulate); the row `paddingIndex`, when given, gets no gradient (as PyTorch's
    /// `padding_idx`), although the forward pass still reads it.
    public func gatherRows(_ ids: IndexTensor, paddingIndex: Int? = nil) -> Variable {
        let rowCount = shape[0]
        if let paddingIndex {
            precondition(paddingIndex >= 0 && paddingIndex < rowCount,
                         "gatherRows: paddingIndex \(paddingIndex) outside 0..<\(rowCount)")
        }
        return Variable.record(value.gatherRows(ids), inputs: [self]) { g in
            var grad = Tensor.scatterAddRows(g, ids: ids, rowCount: rowCount)
            if let paddingIndex {
                let rowSize = grad.count / rowCount
                grad.scalars.withUnsafeMutableBufferPointer { table in
                    (table.baseAddress! + paddingIndex * rowSize).update(repeating: 0, count: rowSize)
                }
            }
            return [grad]
        }
    }

    /// Per-batch row lookup: `self [B, N, D]`, `ids [B, T]` → `[B, T, D]` with
    /// `result[b, t] = self[b, ids[b, t]]`. Backward scatter-adds per batch (repeated ids accumulate).
    public func batchedGatherRows(_ ids: IndexTensor) -> Variable {
        let rowCount = shape[1]
        return Variable.record(value.batchedGatherRows(ids), inputs: [self]) { g in
            [Tensor.batchedScatterAddRows(g, ids: ids, rowCount: rowCount)]
        }
    }

    /// This variable with `value` wherever `mask != 0` (`mask` broadcasts to this shape).
    /// ∂/∂x = g with zeros at the masked positions.
    public func maskedFill(_ mask: Tensor, value fill: Float) -> Variable {
        Variable.record(value.maskedFill(mask, value: fill), inputs: [self]) { g in
            [g.maskedFill(mask, value: 0)]
        }
    }
}
