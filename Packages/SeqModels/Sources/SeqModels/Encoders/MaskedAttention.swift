import Autograd
import Tensor

extension Variable {
    /// SASRec's attention probabilities in one op:
    /// `softmax_k(q · kᵀ + mask)` with `mask[b, q, k] = 0` when key k may be attended from query
    /// position p = `firstQuery` + q (k ≤ p and `itemSeq[b, k] ≠ 0`) and −10000 otherwise (the
    /// reference's additive mask).
    ///
    /// `queries [B, h, Q, d]`, `keys [B, h, L, d]`, `itemSeq [B, L]` → `[B, h, Q, L]`.
    ///
    /// Fusing the product, the mask and the softmax avoids materialising the `[B, 1, L, L]` mask and
    /// the masked scores. Backward: with y the output, `∂S = y ⊙ (g − Σ_k g ⊙ y)`,
    /// `∂q = ∂S · k`, `∂k = ∂Sᵀ · q`.
    static func maskedAttentionProbabilities(queries: Variable, keys: Variable, itemSeq: IndexTensor,
                                             firstQuery: Int) -> Variable {
        let (rows, heads, queryCount) = (queries.shape[0], queries.shape[1], queries.shape[2])
        let length = keys.shape[2]
        precondition(keys.shape[0] == rows && keys.shape[1] == heads && keys.shape[3] == queries.shape[3],
                     "attention keys \(keys.shape) do not match queries \(queries.shape)")
        precondition(itemSeq.shape == [rows, length] && firstQuery + queryCount == length,
                     "attention over item_seq \(itemSeq.shape) with queries from position \(firstQuery)")
        var scores = Tensor.matmul(queries.value, keys.value, transposeB: true)     // [B, h, Q, L]
        scores.scalars.withUnsafeMutableBufferPointer { s in
            itemSeq.indices.withUnsafeBufferPointer { ids in
                var offset = 0
                for b in 0..<rows {
                    let items = ids.baseAddress! + b * length
                    for _ in 0..<heads {
                        for q in 0..<queryCount {
                            let position = firstQuery + q
                            for k in 0..<length where k > position || items[k] == 0 { s[offset + k] += -10000 }
                            offset += length
                        }
                    }
                }
            }
        }
        let probabilities = scores.softmax(axis: -1)
        let q = queries.value, k = keys.value
        return Variable.record(probabilities, inputs: [queries, keys]) { [needQ = queries.requiresGrad, needK = keys.requiresGrad] g in
            let rowLength = length
            let dScores = Tensor(shape: probabilities.shape, unsafeUninitializedScalars: { out in
                g.scalars.withUnsafeBufferPointer { pg in
                    probabilities.scalars.withUnsafeBufferPointer { py in
                        for row in 0..<(pg.count / rowLength) {
                            let base = row * rowLength
                            var total: Float = 0
                            for j in base..<(base + rowLength) { total += pg[j] * py[j] }
                            for j in base..<(base + rowLength) { out[j] = py[j] * (pg[j] - total) }
                        }
                    }
                }
            })
            return [needQ ? Tensor.matmul(dScores, k) : nil,
                    needK ? Tensor.matmul(dScores, q, transposeA: true) : nil]
        }
    }
}
