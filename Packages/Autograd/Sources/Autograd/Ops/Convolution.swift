import Tensor

extension Variable {
    /// Causal dilated 1-D convolution over time, as PyTorch's `Conv2d` with a 1×k kernel applied to
    /// the `(1, L)` plane after a left zero-padding of (k − 1)·dilation (NextItNet's residual blocks).
    ///
    /// `self [B, L, Cin]`, `weight [Cout, Cin, 1, k]`, `bias [Cout]` → `[B, L, Cout]` with
    /// `y[b, t, o] = bias[o] + Σ_j Σ_c weight[o, c, 0, j] · x[b, t − (k − 1 − j)·dilation, c]`
    /// (terms before time 0 are zero), so output t never depends on inputs after t.
    ///
    /// Forward: im2col (`cols [B·L, k·Cin]`, tap-major so each tap copies one contiguous channel row)
    /// and one GEMM against the weight reordered to `[Cout, k, Cin]`, bias pre-loaded.
    /// Backward: ∂cols = ∂y·W (one GEMM) folded back onto ∂x (col2im); ∂W = ∂yᵀ·cols (one GEMM,
    /// the columns recomputed rather than kept alive); ∂bias = column sums of ∂y.
    public func causalConv1d(weight: Variable, bias: Variable?, dilation: Int) -> Variable {
        let x = value, w = weight.value, biasValue = bias?.value
        precondition(x.rank == 3, "causalConv1d input must be [B, L, Cin], got \(x.shape)")
        precondition(w.rank == 4 && w.shape[2] == 1 && w.shape[1] == x.shape[2],
                     "causalConv1d weight must be [Cout, \(x.shape[2]), 1, k], got \(w.shape)")
        precondition(dilation >= 1, "causalConv1d dilation must be ≥ 1, got \(dilation)")
        let outChannels = w.shape[0]
        precondition(biasValue == nil || biasValue!.shape == [outChannels],
                     "causalConv1d bias must be [\(outChannels)], got \(biasValue!.shape)")
        let geometry = ConvolutionGeometry(batch: x.shape[0], length: x.shape[1], inChannels: x.shape[2],
                                           outChannels: outChannels, kernel: w.shape[3], dilation: dilation)
        let rows = geometry.batch * geometry.length, columns = geometry.columns
        let tapWeight = geometry.tapMajor(w)

        let cols = geometry.im2col(x)
        let y = geometry.convolve(cols, tapWeight: tapWeight, bias: biasValue)

        var inputs = [self, weight]
        if let bias { inputs.append(bias) }
        return Variable.record(y, inputs: inputs) {
            [needX = requiresGrad, needW = weight.requiresGrad, hasBias = bias != nil, needBias = bias?.requiresGrad ?? false] g in
            var grads: [Tensor?] = [nil, nil]
            g.scalars.withUnsafeBufferPointer { pg in
                if needX {
                    let columnGrads = [Float](unsafeUninitializedCapacity: rows * columns) { buffer, initialized in
                        tapWeight.scalars.withUnsafeBufferPointer { pw in
                            gemm(false, false, m: rows, n: columns, k: outChannels, a: pg.baseAddress!, lda: outChannels,
                                 b: pw.baseAddress!, ldb: columns, c: buffer.baseAddress!, ldc: columns, accumulate: false)
                        }
                        initialized = rows * columns
                    }
                    grads[0] = geometry.col2im(columnGrads)
                }
                if needW {
                    let columnValues = geometry.im2col(x)
                    let dTap = Tensor(shape: [outChannels, geometry.kernel, geometry.inChannels], unsafeUninitializedScalars: { dw in
                        columnValues.withUnsafeBufferPointer { pc in
                            gemm(true, false, m: outChannels, n: columns, k: rows, a: pg.baseAddress!, lda: outChannels,
                                 b: pc.baseAddress!, ldb: columns, c: dw.baseAddress!, ldc: columns, accumulate: false)
                        }
                    })
                    grads[1] = geometry.fromTapMajor(dTap)
                }
            }
            if hasBias { grads.append(needBias ? g.sum(toShape: [outChannels]) : nil) }
            return grads
        }
    }
}

/// Shapes of a causal convolution and its im2col layout: row `(b, t)` of the column matrix holds,
/// for each tap `j` in order, the `Cin` channels of `x[b, t − (k − 1 − j)·dilation]` (zeros before 0).
private struct ConvolutionGeometry {
    let batch: Int, length: Int, inChannels: Int, outChannels: Int, kernel: Int, dilation: Int

    /// Columns of the im2col matrix: k·Cin.
    var columns: Int { kernel * inChannels }

    /// How far back in time tap `j` reads.
    func shift(_ j: Int) -> Int { (kernel - 1 - j) * dilation }

    /// The im2col matrix `[B·L, k·Cin]` of `x [B, L, Cin]`.
    func im2col(_ x: Tensor) -> [Float] {
        [Float](unsafeUninitializedCapacity: batch * length * columns) { buffer, initialized in
            x.scalars.withUnsafeBufferPointer { px in
                let source = px.baseAddress!, cols = buffer.baseAddress!
                for b in 0..<batch {
                    for t in 0..<length {
                        let row = cols + (b * length + t) * columns
                        for j in 0..<kernel {
                            let s = t - shift(j), tap = row + j * inChannels
                            if s >= 0 {
                                tap.update(from: source + (b * length + s) * inChannels, count: inChannels)
                            } else {
                                tap.update(repeating: 0, count: inChannels)
                            }
                        }
                    }
                }
            }
            initialized = batch * length * columns
        }
    }

    /// The adjoint of `im2col`: sums each column-matrix entry back onto the input position it was
    /// copied from, giving `[B, L, Cin]`.
    func col2im(_ columnGrads: [Float]) -> Tensor {
        var dx = Tensor.zeros([batch, length, inChannels])
        dx.scalars.withUnsafeMutableBufferPointer { pdx in
            columnGrads.withUnsafeBufferPointer { pc in
                let target = pdx.baseAddress!, cols = pc.baseAddress!
                for b in 0..<batch {
                    for t in 0..<length {
                        let row = cols + (b * length + t) * columns
                        for j in 0..<kernel {
                            let s = t - shift(j)
                            guard s >= 0 else { continue }
                            let dst = target + (b * length + s) * inChannels, tap = row + j * inChannels
                            for c in 0..<inChannels { dst[c] += tap[c] }
                        }
                    }
                }
            }
        }
        return dx
    }

    /// `[Cout, Cin, 1, k]` → `[Cout, k, Cin]` (tap-major, matching the column layout): per output
    /// channel, the `[Cin, k]` block transposed (a few thousand floats, all in L1; a plain loop is
    /// several times faster than the generic `permuted`, which matters at batch size 1).
    func tapMajor(_ w: Tensor) -> Tensor {
        Self.transposeBlocks(w, count: outChannels, rows: inChannels, columns: kernel, shape: [outChannels, kernel, inChannels])
    }

    /// `[Cout, k, Cin]` → `[Cout, Cin, 1, k]`.
    func fromTapMajor(_ w: Tensor) -> Tensor {
        Self.transposeBlocks(w, count: outChannels, rows: kernel, columns: inChannels, shape: [outChannels, inChannels, 1, kernel])
    }

    /// Transposes each of `count` consecutive `[rows, columns]` blocks of `w`.
    private static func transposeBlocks(_ w: Tensor, count: Int, rows: Int, columns: Int, shape: [Int]) -> Tensor {
        Tensor(shape: shape, unsafeUninitializedScalars: { out in
            w.scalars.withUnsafeBufferPointer { source in
                let block = rows * columns
                for o in 0..<count {
                    let src = source.baseAddress! + o * block, dst = out.baseAddress! + o * block
                    // Contiguous writes (one output row at a time), strided reads.
                    for c in 0..<columns {
                        let target = dst + c * rows
                        for r in 0..<rows { target[r] = src[r * columns + c] }
                    }
                }
            }
        })
    }
}

extension ConvolutionGeometry {
    /// The forward output `[B, L, Cout]`: the bias broadcast over rows, then `cols · tapWeightᵀ`
    /// accumulated onto it (one GEMM).
    @inline(__always)
    func convolve(_ cols: [Float], tapWeight: Tensor, bias biasValue: Tensor?) -> Tensor {
        let rows = batch * length
        return Tensor(shape: [batch, length, outChannels], unsafeUninitializedScalars: { out in
            let o = out.baseAddress!
            if let biasValue {
                biasValue.scalars.withUnsafeBufferPointer { pb in
                    for r in 0..<rows { (o + r * outChannels).update(from: pb.baseAddress!, count: outChannels) }
                }
            }
            cols.withUnsafeBufferPointer { pc in
                tapWeight.scalars.withUnsafeBufferPointer { pw in
                    gemm(false, true, m: rows, n: outChannels, k: columns, a: pc.baseAddress!, lda: columns,
                         b: pw.baseAddress!, ldb: columns, c: o, ldc: outChannels, accumulate: biasValue != nil)
                }
            }
        })
    }
}
