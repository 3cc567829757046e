import Tensor

extension Variable {
    /// Masked multi-head attention (SASRec's core) for all heads in one op, on the un-split projections:
    /// per row b and head h (columns `h·d ..< (h+1)·d` of the width D = heads · d),
    /// `P = softmax_k(scale · q_h k_hᵀ + mask)`, `context_h = dropout(P) · v_h`, where
    /// `mask[q, k] = 0` when key k may be attended from query position p = L − Q + q (k ≤ p and
    /// `itemSeq[b, k] ≠ 0`) and −10000 otherwise (the reference's additive mask).
    ///
    /// `queries [B, Q, D]`, `keys [B, L, D]`, `values [B, L, D]`, `itemSeq [B, L]` → `[B, Q, D]`.
    ///
    /// Heads are read and written in place through strided GEMMs, so no `[B, h, L, d]` copies are
    /// made; rows are split over the BLAS threads (each running single-threaded BLAS).
    /// Backward, with y = P, m the dropout mask and g the upstream gradient:
    /// `∂v_h = (y ⊙ m)ᵀ g_h`, `∂P = (g_h v_hᵀ) ⊙ m`, `∂S = y ⊙ (∂P − Σ_k ∂P ⊙ y)`,
    /// `∂q_h = scale · ∂S k_h`, `∂k_h = scale · ∂Sᵀ q_h`.
    public static func maskedMultiHeadAttention(queries: Variable, keys: Variable, values: Variable, heads: Int,
                                                scale: Float, itemSeq: IndexTensor, dropout p: Float,
                                                training: Bool, rng: inout SeededGenerator) -> Variable {
        let (rows, queryCount, width) = (queries.shape[0], queries.shape[1], queries.shape[2])
        let length = keys.shape[1]
        precondition(queries.value.rank == 3 && keys.shape == [rows, length, width] && values.shape == keys.shape,
                     "attention needs queries [B, Q, D] and keys, values [B, L, D]; got \(queries.shape), \(keys.shape), \(values.shape)")
        precondition(width % heads == 0, "\(heads) heads do not divide the width \(width)")
        precondition(itemSeq.shape == [rows, length] && queryCount <= length,
                     "attention over item_seq \(itemSeq.shape) with \(queryCount) queries")
        let geometry = AttentionGeometry(rows: rows, queries: queryCount, keys: length, width: width,
                                         heads: heads, scale: scale)
        let q = queries.value, k = keys.value, v = values.value

        let probabilities = maskedAttentionProbabilities(geometry, q: q, k: k, itemSeq: itemSeq)  // [B, h, Q, L]
        let keep = training && p > 0 ? DropoutKeepMask(count: probabilities.count, probability: p, rng: &rng) : nil
        let context = attentionContext(geometry, probabilities: probabilities, keep: keep, v: v)

        return Variable.record(context, inputs: [queries, keys, values]) {
            [needQ = queries.requiresGrad, needK = keys.requiresGrad, needV = values.requiresGrad] g in
            attentionGradients(geometry, g: g, probabilities: probabilities, keep: keep, q: q, k: k, v: v,
                               needQ: needQ, needK: needK, needV: needV)
        }
    }

    /// `P = softmax_k(scale · q_h k_hᵀ + mask)` as `[B, h, Q, L]`: each row's scores are normalised
    /// in place right after they are computed, while they are still in cache (the same kernel, and
    /// bits, as `softmax(axis: -1)` on the whole score tensor).
    @inline(__always)
    private static func maskedAttentionProbabilities(_ geometry: AttentionGeometry, q: Tensor, k: Tensor,
                                                     itemSeq: IndexTensor) -> Tensor {
        let shape = [geometry.rows, geometry.heads, geometry.queries, geometry.keys]
        return Tensor(shape: shape, unsafeUninitializedScalars: { s in
            q.scalars.withUnsafeBufferPointer { pq in
                k.scalars.withUnsafeBufferPointer { pk in
                    itemSeq.indices.withUnsafeBufferPointer { ids in
                        let (sp, qp, kp, idp) = (s.baseAddress!, pq.baseAddress!, pk.baseAddress!, ids.baseAddress!)
                        let rowArea = geometry.heads * geometry.queries * geometry.keys
                        geometry.forEachRowChunk { range in
                            for b in range {
                                geometry.maskedScores(row: b, q: qp, k: kp, ids: idp, into: sp)
                                softmaxRowsInPlace(sp + b * rowArea, rows: geometry.heads * geometry.queries,
                                                   width: geometry.keys)
                            }
                        }
                    }
                }
            }
        })
    }

    /// The heads' contexts `dropout(P) · v_h`, written side by side into `[B, Q, D]`; the dropped
    /// probabilities of one row and head at a time are formed in a per-thread scratch block.
    @inline(__always)
    private static func attentionContext(_ geometry: AttentionGeometry, probabilities: Tensor,
                                         keep: DropoutKeepMask?, v: Tensor) -> Tensor {
        Tensor(shape: [geometry.rows, geometry.queries, geometry.width], unsafeUninitializedScalars: { out in
            probabilities.scalars.withUnsafeBufferPointer { py in
                v.scalars.withUnsafeBufferPointer { pv in
                    keep.withKeptScales { keepScales in
                        let (op, yp, vp) = (out.baseAddress!, py.baseAddress!, pv.baseAddress!)
                        geometry.forEachRowChunk { range in
                            var scratch = [Float](repeating: 0, count: keepScales == nil ? 0 : geometry.queries * geometry.keys)
                            scratch.withUnsafeMutableBufferPointer { work in
                                for b in range {
                                    geometry.context(row: b, probabilities: yp, keep: keepScales, v: vp,
                                                     scratch: work.baseAddress, into: op)
                                }
                            }
                        }
                    }
                }
            }
        })
    }

    /// The backward pass: the gradients of queries, keys and values (`nil` where not needed)
    /// from the upstream gradient `g`, the probabilities `y` and the dropout mask.
    @inline(__always)
    private static func attentionGradients(_ geometry: AttentionGeometry, g: Tensor, probabilities: Tensor,
                                           keep: DropoutKeepMask?, q: Tensor, k: Tensor, v: Tensor,
                                           needQ: Bool, needK: Bool, needV: Bool) -> [Tensor?] {
        var dq = needQ ? Tensor.zeros(q.shape) : Tensor.zeros([0])
        var dk = needK ? Tensor.zeros(k.shape) : Tensor.zeros([0])
        var dv = needV ? Tensor.zeros(v.shape) : Tensor.zeros([0])
        g.scalars.withUnsafeBufferPointer { pg in
        probabilities.scalars.withUnsafeBufferPointer { py in
        keep.withKeptScales { keepScales in
        q.scalars.withUnsafeBufferPointer { pq in
        k.scalars.withUnsafeBufferPointer { pk in
        v.scalars.withUnsafeBufferPointer { pv in
        dq.scalars.withUnsafeMutableBufferPointer { pdq in
        dk.scalars.withUnsafeMutableBufferPointer { pdk in
        dv.scalars.withUnsafeMutableBufferPointer { pdv in
            let buffers = AttentionGradientBuffers(
                g: pg.baseAddress!, y: py.baseAddress!, keep: keepScales,
                q: pq.baseAddress!, k: pk.baseAddress!, v: pv.baseAddress!,
                dq: needQ ? pdq.baseAddress! : nil, dk: needK ? pdk.baseAddress! : nil, dv: needV ? pdv.baseAddress! : nil)
            geometry.forEachRowChunk { range in
                var scratch = [Float](repeating: 0, count: 2 * geometry.queries * geometry.keys)
                scratch.withUnsafeMutableBufferPointer { work in
                    for b in range { geometry.backward(row: b, buffers, scratch: work.baseAddress!) }
                }
            }
        }}}}}}}}}
        return [needQ ? dq : nil, needK ? dk : nil, needV ? dv : nil]
    }
}

/// Raw pointers of one backward pass (gradient outputs `nil` when not needed).
private struct AttentionGradientBuffers {
    let g: UnsafePointer<Float>, y: UnsafePointer<Float>, keep: KeptScales?
    let q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>
    let dq: UnsafeMutablePointer<Float>?, dk: UnsafeMutablePointer<Float>?, dv: UnsafeMutablePointer<Float>?
}

/// Shapes and per-row kernels of `maskedMultiHeadAttention`. Row-major layouts: queries and
/// context `[B, Q, D]`, keys and values `[B, L, D]`, probabilities `[B, h, Q, L]`; head h of a row
/// is the column block `h·d ..< (h+1)·d` (leading dimension D).
private struct AttentionGeometry {
    let rows: Int, queries: Int, keys: Int, width: Int, heads: Int, scale: Float
    var headSize: Int { width / heads }
    var firstQuery: Int { keys - queries }

    /// Runs `body` over row ranges, in parallel over the BLAS threads (single-threaded BLAS inside).
    func forEachRowChunk(_ body: (Range<Int>) -> Void) { parallelRows(rows, body) }

    /// `scale · q_h k_hᵀ + mask` for every head of row `b`.
    func maskedScores(row b: Int, q: UnsafePointer<Float>, k: UnsafePointer<Float>, ids: UnsafePointer<Int>,
                      into s: UnsafeMutablePointer<Float>) {
        let d = headSize
        for h in 0..<heads {
            let block = s + (b * heads + h) * queries * keys
            sgemm(transposeA: false, transposeB: true, m: queries, n: keys, k: d, alpha: scale,
                  a: q + b * queries * width + h * d, lda: width, b: k + b * keys * width + h * d, ldb: width,
                  c: block, ldc: keys)
            let items = ids + b * keys
            for i in 0..<queries {
                let position = firstQuery + i
                let scoreRow = block + i * keys
                for j in 0..<keys where j > position || items[j] == 0 { scoreRow[j] += -10000 }
            }
        }
    }

    /// `context_h = dropout(P_h) · v_h` for every head of row `b`, written into its column block.
    /// With dropout, head h's `P_h ⊙ mask_h` is formed in `scratch` (Q·L floats) first.
    func context(row b: Int, probabilities: UnsafePointer<Float>, keep: KeptScales?, v: UnsafePointer<Float>,
                 scratch: UnsafeMutablePointer<Float>?, into out: UnsafeMutablePointer<Float>) {
        let d = headSize, area = queries * keys
        for h in 0..<heads {
            var attended = probabilities + (b * heads + h) * area
            if let keep, let scratch {
                let y = attended, headKeep = keep + (b * heads + h) * area
                for i in 0..<area { scratch[i] = y[i] * headKeep[i] }
                attended = UnsafePointer(scratch)
            }
            sgemm(transposeA: false, transposeB: false, m: queries, n: d, k: keys,
                  a: attended, lda: keys,
                  b: v + b * keys * width + h * d, ldb: width,
                  c: out + b * queries * width + h * d, ldc: width)
        }
    }

    /// Gradients of row `b` for every head; `scratch` holds 2·Q·L floats.
    func backward(row b: Int, _ x: AttentionGradientBuffers, scratch: UnsafeMutablePointer<Float>) {
        let d = headSize, area = queries * keys
        let dProbabilities = scratch, attended = scratch + area
        for h in 0..<heads {
            let y = x.y + (b * heads + h) * area
            let keep = x.keep.map { $0 + (b * heads + h) * area }
            let gBlock = x.g + b * queries * width + h * d
            let qBlock = x.q + b * queries * width + h * d
            let kBlock = x.k + b * keys * width + h * d
            let vBlock = x.v + b * keys * width + h * d
            if let dv = x.dv {
                var source = y
                if let keep {
                    for i in 0..<area { attended[i] = y[i] * keep[i] }
                    source = UnsafePointer(attended)
                }
                sgemm(transposeA: true, transposeB: false, m: keys, n: d, k: queries,
                      a: source, lda: keys, b: gBlock, ldb: width,
                      c: dv + b * keys * width + h * d, ldc: width)
            }
            guard x.dq != nil || x.dk != nil else { continue }
            sgemm(transposeA: false, transposeB: true, m: queries, n: keys, k: d,
                  a: gBlock, lda: width, b: vBlock, ldb: width, c: dProbabilities, ldc: keys)
            if let keep { for i in 0..<area { dProbabilities[i] *= keep[i] } }
            for i in 0..<queries {
                let base = i * keys
                var total: Float = 0
                for j in base..<(base + keys) { total += dProbabilities[j] * y[j] }
                for j in base..<(base + keys) { dProbabilities[j] = y[j] * (dProbabilities[j] - total) }
            }
            if let dq = x.dq {
                sgemm(transposeA: false, transposeB: false, m: queries, n: d, k: keys, alpha: scale,
                      a: dProbabilities, lda: keys, b: kBlock, ldb: width,
                      c: dq + b * queries * width + h * d, ldc: width)
            }
            if let dk = x.dk {
                sgemm(transposeA: true, transposeB: false, m: keys, n: d, k: queries, alpha: scale,
                      a: dProbabilities, lda: keys, b: qBlock, ldb: width,
                      c: dk + b * keys * width + h * d, ldc: width)
            }
        }
    }
}
