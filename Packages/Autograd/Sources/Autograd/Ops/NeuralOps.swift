import CAutogradKernels
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Tensor

// Normalisation and probability ops with fused forward and backward kernels.

extension Variable {
    /// Softmax along `axis` (negative counts from the end).
    /// Backward: ∂x = y ⊙ (g − Σ_axis g ⊙ y), with y the saved output.
    public func softmax(axis: Int) -> Variable {
        let a = value.normalizedAxis(axis)
        let y = value.softmax(axis: a)
        return Variable.record(y, inputs: [self]) { g in [softmaxBackward(g, y, axis: a, logarithm: false)] }
    }

    /// Log-softmax along `axis` (negative counts from the end).
    /// Backward: ∂x = g − e^y ⊙ Σ_axis g, with y the saved output.
    public func logSoftmax(axis: Int) -> Variable {
        let a = value.normalizedAxis(axis)
        let y = value.logSoftmax(axis: a)
        return Variable.record(y, inputs: [self]) { g in [softmaxBackward(g, y, axis: a, logarithm: true)] }
    }

    /// Layer normalisation over the last axis: for each row x of length D,
    /// `y = (x − μ) / √(σ² + eps) ⊙ weight + bias` with μ and the biased variance σ² of the row;
    /// `weight` and `bias` are `[D]`.
    ///
    /// Backward (x̂ the normalised row, r = 1/√(σ² + eps), d = g ⊙ weight):
    /// ∂x = r·(d − mean(d) − x̂·mean(d ⊙ x̂)), ∂weight = Σ_rows g ⊙ x̂, ∂bias = Σ_rows g.
    /// Only the row means and r are saved; x̂ is recomputed from x. Both passes are C kernels
    /// (`adr_layer_norm_forward` / `_backward`, eight lanes, AVX2 when available).
    public func layerNorm(weight: Variable, bias: Variable, eps: Float) -> Variable {
        let x = value, w = weight.value, b = bias.value
        let d = x.shape.last ?? 1
        precondition(x.rank >= 1 && w.shape == [d] && b.shape == [d],
                     "layerNorm over the last axis of \(x.shape) needs weight and bias [\(d)], got \(w.shape) and \(b.shape)")
        let rows = x.count / Swift.max(d, 1)
        // Per row: mean and 1/√(σ² + eps), saved for backward.
        var statistics = [Float](repeating: 0, count: 2 * rows)
        let y = Tensor(shape: x.shape, unsafeUninitializedScalars: { out in
            x.scalars.withUnsafeBufferPointer { px in
            w.scalars.withUnsafeBufferPointer { pw in
            b.scalars.withUnsafeBufferPointer { pb in
            statistics.withUnsafeMutableBufferPointer { stats in
                guard rows > 0, d > 0 else { return }
                adr_layer_norm_forward(rows, d, px.baseAddress!, pw.baseAddress!, pb.baseAddress!, eps,
                                       out.baseAddress!, stats.baseAddress!)
            }}}}
        })

        return Variable.record(y, inputs: [self, weight, bias]) {
            [needX = requiresGrad, needW = weight.requiresGrad, needB = bias.requiresGrad] g in
            var dx = [Float](repeating: 0, count: needX ? x.count : 0)
            var dWeight = [Float](repeating: 0, count: needW ? d : 0)
            var dBias = [Float](repeating: 0, count: needB ? d : 0)
            x.scalars.withUnsafeBufferPointer { px in
            g.scalars.withUnsafeBufferPointer { pg in
            w.scalars.withUnsafeBufferPointer { pw in
            statistics.withUnsafeBufferPointer { stats in
            dx.withUnsafeMutableBufferPointer { pdx in
            dWeight.withUnsafeMutableBufferPointer { pdw in
            dBias.withUnsafeMutableBufferPointer { pdb in
                guard rows > 0, d > 0 else { return }
                adr_layer_norm_backward(rows, d, px.baseAddress!, pg.baseAddress!, pw.baseAddress!,
                                        stats.baseAddress!, needX ? pdx.baseAddress! : nil,
                                        needW ? pdw.baseAddress! : nil, needB ? pdb.baseAddress! : nil)
            }}}}}}}
            return [needX ? Tensor(shape: x.shape, scalars: dx) : nil,
                    needW ? Tensor(shape: [d], scalars: dWeight) : nil,
                    needB ? Tensor(shape: [d], scalars: dBias) : nil]
        }
    }

    /// Inverted dropout: each element is zeroed with probability `p` (one draw per element from
    /// `rng`, in row-major order) and the survivors are scaled by 1/(1 − p), so the expectation is
    /// unchanged. Returns `self` unchanged when `!training` or `p == 0`. ∂x = g ⊙ mask ⊙ 1/(1 − p).
    public func dropout(probability p: Float, training: Bool, rng: inout SeededGenerator) -> Variable {
        precondition(p >= 0 && p <= 1, "dropout probability must be in [0, 1], got \(p)")
        guard training, p > 0 else { return self }
        let (maskTensor, output) = value.invertedDropout(probability: p, rng: &rng)
        let mask = maskTensor.scalars, count = value.count
        return Variable.record(output, inputs: [self]) { g in
            [Tensor(shape: g.shape, unsafeUninitializedScalars: { out in
                g.scalars.withUnsafeBufferPointer { pg in
                    mask.withUnsafeBufferPointer { m in
                        for i in 0..<count { out[i] = pg[i] * m[i] }
                    }
                }
            })]
        }
    }
}

extension Tensor {
    /// The inverted-dropout kernel of `Variable.dropout` (the fused attention op draws the same mask
    /// into bytes, `DropoutKeepMask`):
    /// `mask[i]` is 0 with probability `p`, else 1/(1 − p) (one draw per element from `rng`, in
    /// row-major order, on a local copy of the generator), and `output = self ⊙ mask`.
    public func invertedDropout(probability p: Float, rng: inout SeededGenerator) -> (mask: Tensor, output: Tensor) {
        let keptScale: Float = p < 1 ? 1 / (1 - p) : 0
        let count = self.count
        var generator = rng
        var output: [Float] = []
        let mask = [Float](unsafeUninitializedCapacity: count) { m, maskCount in
            output = [Float](unsafeUninitializedCapacity: count) { out, outputCount in
                scalars.withUnsafeBufferPointer { x in
                    for i in 0..<count {
                        let scale = generator.nextFloat() < p ? 0 : keptScale
                        m[i] = scale
                        out[i] = x[i] * scale
                    }
                }
                outputCount = count
            }
            maskCount = count
        }
        rng = generator
        return (Tensor(shape: shape, scalars: mask), Tensor(shape: shape, scalars: output))
    }
}

/// The gradient of softmax (or log-softmax) along `axis` from the upstream gradient `g` and the
/// saved output `y`, working on the `[outer, n, inner]` view around the axis.
private func softmaxBackward(_ g: Tensor, _ y: Tensor, axis: Int, logarithm: Bool) -> Tensor {
    guard y.count > 0 else { return g }
    let shape = y.shape
    let outer = shape[..<axis].reduce(1, *), n = shape[axis], inner = shape[(axis + 1)...].reduce(1, *)
    var sums = [Float](repeating: 0, count: inner == 1 ? 0 : inner)
    return Tensor(shape: shape, unsafeUninitializedScalars: { out in
        g.scalars.withUnsafeBufferPointer { pg in
            y.scalars.withUnsafeBufferPointer { py in
                if inner == 1 {
                    // Contiguous slices (the last axis): one dot product and one pass per row.
                    for i in 0..<outer {
                        let gRow = pg.baseAddress! + i * n, yRow = py.baseAddress! + i * n
                        let outRow = out.baseAddress! + i * n
                        var total: Float = 0
                        if logarithm {
                            for k in 0..<n { total += gRow[k] }
                            for k in 0..<n { outRow[k] = gRow[k] - expf(yRow[k]) * total }
                        } else {
                            for k in 0..<n { total += gRow[k] * yRow[k] }
                            for k in 0..<n { outRow[k] = yRow[k] * (gRow[k] - total) }
                        }
                    }
                    return
                }
                sums.withUnsafeMutableBufferPointer { s in
                    for i in 0..<outer {
                        let base = i * n * inner
                        let gb = pg.baseAddress! + base, yb = py.baseAddress! + base, ob = out.baseAddress! + base
                        // s = Σ_k g ⊙ y (softmax) or Σ_k g (log-softmax), per inner position.
                        for j in 0..<inner { s[j] = 0 }
                        for k in 0..<n {
                            let row = k * inner
                            if logarithm {
                                for j in 0..<inner { s[j] += gb[row + j] }
                            } else {
                                for j in 0..<inner { s[j] += gb[row + j] * yb[row + j] }
                            }
                        }
                        for k in 0..<n {
                            let row = k * inner
                            if logarithm {
                                for j in 0..<inner { ob[row + j] = gb[row + j] - expf(yb[row + j]) * s[j] }
                            } else {
                                for j in 0..<inner { ob[row + j] = yb[row + j] * (gb[row + j] - s[j]) }
                            }
                        }
                    }
                }
            }
        }
    })
}
