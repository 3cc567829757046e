import Tensor

extension Variable {
    /// Additive-attention logits with a ReLU key projection (SHAN's two attention layers), fused:
    /// `self [B, T, D]` (the values), `weight [E, D]` and `bias [E]` (a Linear layer), `extraBias [E]`,
    /// `query [B, E]` → `[B, T]` with
    ///
    ///     k[b, t] = relu(x[b, t] · weightᵀ + bias + extraBias)      (the bias pre-loaded, as in `linear`)
    ///     logits[b, t] = Σ_e k[b, t, e] · query[b, e]
    ///
    /// The keys `[B·T, E]` are computed in cache-sized blocks of whole sequences (bias, GEMM, extra
    /// bias and ReLU while a block is in cache; the blocks in parallel, `forEachBlockInParallel`) and
    /// are the only intermediate kept for backward, which forms `∂k` one block at a time in a
    /// per-thread buffer; ∂weight and ∂bias are summed from per-block partials in block order.
    /// With `∂k = ∂logits · query ⊙ [k > 0]` per row: ∂x = ∂k · weight, ∂weight = ∂kᵀ · x,
    /// ∂bias = ∂extraBias = Σ_rows ∂k, ∂query[b] = Σ_t ∂logits[b, t] · k[b, t].
    public func reluProjectionScores(weight: Variable, bias: Variable, extraBias: Variable, query: Variable) -> Variable {
        let x = value, w = weight.value
        precondition(x.rank == 3, "reluProjectionScores values must be [B, T, D], got \(x.shape)")
        let (batch, length, inFeatures) = (x.shape[0], x.shape[1], x.shape[2])
        precondition(w.rank == 2 && w.shape[1] == inFeatures, "reluProjectionScores weight must be [E, \(inFeatures)], got \(w.shape)")
        let outFeatures = w.shape[0]
        precondition(bias.shape == [outFeatures] && extraBias.shape == [outFeatures],
                     "reluProjectionScores biases must be [\(outFeatures)], got \(bias.shape) and \(extraBias.shape)")
        precondition(query.shape == [batch, outFeatures], "reluProjectionScores query must be [\(batch), \(outFeatures)], got \(query.shape)")
        let keys = ReluKeys(x: x, weight: w, bias: bias.value, extraBias: extraBias.value, length: length,
                            panels: weight.transposedPanels)
        let logits = keys.logits(query: query.value)

        return Variable.record(logits, inputs: [self, weight, bias, extraBias, query]) {
            [needX = requiresGrad, needW = weight.requiresGrad, needQuery = query.requiresGrad] g in
            let grads = keys.backward(g, query: query.value, needX: needX, needWeight: needW, needQuery: needQuery)
            return [grads.x, grads.weight, grads.bias, grads.bias, grads.query]
        }
    }
}

/// The keys of `reluProjectionScores`, computed in row blocks and kept for backward.
private struct ReluKeys {
    let x: Tensor, weight: Tensor, length: Int
    /// `relu(x · weightᵀ + bias + extraBias)`, `[B·T, E]`.
    let keys: [Float]

    var rows: Int { x.shape[0] * length }
    var inFeatures: Int { x.shape[2] }
    var outFeatures: Int { weight.shape[0] }
    /// The row blocks `(firstRow, rowCount)`, in order: whole sequences, about 4,096 rows each.
    let blocks: [(first: Int, count: Int)]

    /// The row blocks of `sequenceBlocks` (about 4,096 rows, 1 MB of keys at E = 64), in rows.
    static func rowBlocks(batch: Int, length: Int) -> [(first: Int, count: Int)] {
        sequenceBlocks(sequences: batch, length: length).map { ($0.first * length, $0.count * length) }
    }

    /// Computes the keys block by block (bias pre-loaded, the GEMM accumulated onto it, then
    /// `extraBias` and the ReLU while the block is in cache); `panels` are the weight's, for inference.
    init(x: Tensor, weight: Tensor, bias: Tensor, extraBias: Tensor, length: Int, panels: TransposedPanels?) {
        self.x = x
        self.weight = weight
        self.length = length
        let rows = x.shape[0] * length, e = weight.shape[0], d = x.shape[2]
        let blocks = Self.rowBlocks(batch: x.shape[0], length: length)
        self.blocks = blocks
        keys = [Float](unsafeUninitializedCapacity: rows * e) { buffer, initialized in
            let k0 = buffer.baseAddress!
            x.scalars.withUnsafeBufferPointer { px in
            weight.scalars.withUnsafeBufferPointer { pw in
            bias.scalars.withUnsafeBufferPointer { pb in
            extraBias.scalars.withUnsafeBufferPointer { pe in
                forEachBlockInParallel(blocks.count, scratchCount: 0) { block, _ in
                    let (first, count) = blocks[block]
                    let k = k0 + first * e
                    for r in 0..<count { (k + r * e).update(from: pb.baseAddress!, count: e) }
                    gemm(false, true, m: count, n: e, k: d, a: px.baseAddress! + first * d, lda: d,
                         b: pw.baseAddress!, ldb: d, c: k, ldc: e, accumulate: true, panels: panels)
                    for r in 0..<count { addAndRectify(k + r * e, pe.baseAddress!, count: e) }
                }
            }}}}
            initialized = rows * e
        }
    }

    /// `logits [B, T]`: each row's keys dotted with its query.
    func logits(query: Tensor) -> Tensor {
        let e = outFeatures
        return Tensor(shape: [x.shape[0], length], unsafeUninitializedScalars: { out in
            query.scalars.withUnsafeBufferPointer { pq in
            keys.withUnsafeBufferPointer { pk in
                for r in 0..<rows { out[r] = dot(pk.baseAddress! + r * e, pq.baseAddress! + (r / length) * e, count: e) }
            }}
        })
    }
}

extension ReluKeys {
    /// The gradients of `reluProjectionScores` for `g = ∂logits [B, T]` (the two biases share one),
    /// with `∂k` of one block at a time in a reused buffer.
    func backward(_ g: Tensor, query: Tensor, needX: Bool, needWeight: Bool, needQuery: Bool)
        -> (x: Tensor?, weight: Tensor?, bias: Tensor, query: Tensor?) {
        let e = outFeatures, d = inFeatures, blocks = self.blocks.count
        var dx = [Float](repeating: 0, count: needX ? x.count : 0)
        // Per block: ∂weight [E, D] (when needed), then ∂bias [E].
        let partialCount = (needWeight ? e * d : 0) + e
        var partials = [Float](repeating: 0, count: blocks * partialCount)
        var dQuery = [Float](repeating: 0, count: needQuery ? query.count : 0)
        g.scalars.withUnsafeBufferPointer { pg in
        query.scalars.withUnsafeBufferPointer { pq in
        x.scalars.withUnsafeBufferPointer { px in
        weight.scalars.withUnsafeBufferPointer { pw in
        keys.withUnsafeBufferPointer { pk in
        dx.withUnsafeMutableBufferPointer { pdx in
        partials.withUnsafeMutableBufferPointer { pp in
        dQuery.withUnsafeMutableBufferPointer { dq in
            forEachBlockInParallel(blocks, scratchCount: (self.blocks.map(\.count).max() ?? 0) * e) { block, dk in
                let (first, count) = self.blocks[block]
                let partial = pp.baseAddress! + block * partialCount
                let dBias = partial + (needWeight ? e * d : 0)
                for r in first..<(first + count) {
                    let b = r / length
                    keyGradient(pk.baseAddress! + r * e, into: dk + (r - first) * e, gradient: pg[r],
                                query: pq.baseAddress! + b * e, dQuery: needQuery ? dq.baseAddress! + b * e : nil,
                                dBias: dBias, count: e)
                }
                if needWeight {
                    gemm(true, false, m: e, n: d, k: count, a: dk, lda: e, b: px.baseAddress! + first * d,
                         ldb: d, c: partial, ldc: d, accumulate: false)
                }
                if needX {
                    gemm(false, false, m: count, n: d, k: e, a: dk, lda: e, b: pw.baseAddress!, ldb: d,
                         c: pdx.baseAddress! + first * d, ldc: d, accumulate: false)
                }
            }
        }}}}}}}}
        let sums = partials.withUnsafeBufferPointer { pp in
            [Float](unsafeUninitializedCapacity: partialCount) { out, initialized in
                sumOfPartials(pp.baseAddress!, blockCount: blocks, count: partialCount, into: out.baseAddress!)
                initialized = partialCount
            }
        }
        return (needX ? Tensor(shape: x.shape, scalars: dx) : nil,
                needWeight ? Tensor(shape: weight.shape, scalars: Array(sums[..<(e * d)])) : nil,
                Tensor(shape: [e], scalars: Array(sums[(needWeight ? e * d : 0)...])),
                needQuery ? Tensor(shape: query.shape, scalars: dQuery) : nil)
    }
}

/// `row ← max(row + bias, 0)`, in eight lanes.
@inline(__always)
private func addAndRectify(_ row: UnsafeMutablePointer<Float>, _ bias: UnsafePointer<Float>, count: Int) {
    var i = 0
    while i + 8 <= count {
        let sum = UnsafeRawPointer(row + i).loadUnaligned(as: SIMD8<Float>.self)
            + UnsafeRawPointer(bias + i).loadUnaligned(as: SIMD8<Float>.self)
        UnsafeMutableRawPointer(row + i).storeBytes(of: sum.replacing(with: 0, where: sum .<= 0), as: SIMD8<Float>.self)
        i += 8
    }
    while i < count { row[i] = Swift.max(row[i] + bias[i], 0); i += 1 }
}

/// One row of the key gradient, in eight lanes: `dQuery += g · k` (when given), `dKey = g · query`
/// where `k > 0` and 0 elsewhere, and `dBias += dKey`.
@inline(__always)
private func keyGradient(_ k: UnsafePointer<Float>, into dKey: UnsafeMutablePointer<Float>, gradient g: Float,
                         query: UnsafePointer<Float>, dQuery: UnsafeMutablePointer<Float>?,
                         dBias: UnsafeMutablePointer<Float>, count: Int) {
    var i = 0
    while i + 8 <= count {
        let key = UnsafeRawPointer(k + i).loadUnaligned(as: SIMD8<Float>.self)
        if let dQuery {
            let sum = UnsafeRawPointer(dQuery + i).loadUnaligned(as: SIMD8<Float>.self) + key * g
            UnsafeMutableRawPointer(dQuery + i).storeBytes(of: sum, as: SIMD8<Float>.self)
        }
        let q = UnsafeRawPointer(query + i).loadUnaligned(as: SIMD8<Float>.self)
        let gradient = (q * g).replacing(with: 0, where: key .<= 0)
        UnsafeMutableRawPointer(dKey + i).storeBytes(of: gradient, as: SIMD8<Float>.self)
        let bias = UnsafeRawPointer(dBias + i).loadUnaligned(as: SIMD8<Float>.self) + gradient
        UnsafeMutableRawPointer(dBias + i).storeBytes(of: bias, as: SIMD8<Float>.self)
        i += 8
    }
    while i < count {
        dQuery?[i] += g * k[i]
        dKey[i] = k[i] > 0 ? g * query[i] : 0
        dBias[i] += dKey[i]
        i += 1
    }
}

/// `Σ_i a[i] · b[i]` in eight lanes (then the lanes and the remainder in order).
@inline(__always)
private func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
    var lanes = SIMD8<Float>(repeating: 0)
    var i = 0
    while i + 8 <= count {
        lanes += UnsafeRawPointer(a + i).loadUnaligned(as: SIMD8<Float>.self)
            * UnsafeRawPointer(b + i).loadUnaligned(as: SIMD8<Float>.self)
        i += 8
    }
    var total = lanes.sum()
    while i < count { total += a[i] * b[i]; i += 1 }
    return total
}
