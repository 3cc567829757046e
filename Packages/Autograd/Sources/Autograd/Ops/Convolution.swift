import Tensor

extension Variable {
    /// Causal dilated 1-D convolution over time, as PyTorch's `Conv2d` with a 1×k kernel applied to
    /// the `(1, L)` plane after a left zero-padding of (k − 1)·dilation (NextItNet's residual blocks).
    ///
    /// `self [B, L, Cin]`, `weight [Cout, Cin, 1, k]`, `bias [Cout]` → `[B, L, Cout]` with
    /// `y[b, t, o] = bias[o] + Σ_j Σ_c weight[o, c, 0, j] · x[b, t − (k − 1 − j)·dilation, c]`
    /// (terms before time 0 are zero), so output t never depends on inputs after t.
    ///
    /// With `outputLength` L′ < L only the last L′ positions are computed, `[B, L′, Cout]` (position u of
    /// the result is position L − L′ + u of the full output, exactly as computed by the full call): a
    /// stack of convolutions whose caller needs only the final position narrows each layer to the
    /// positions the layers above it read.
    ///
    /// All three products are GEMMs over blocks of whole sequences (about 4,096 rows each,
    /// `sequenceBlocks`), the blocks shared out over the BLAS threads (`forEachBlockInParallel`, one
    /// small column buffer per thread that stays in cache):
    /// - forward: `y = bias + cols · Wᵀ` with `cols [rows, k·Cin]` the causal im2col (tap-major) and
    ///   `W [Cout, k·Cin]` the weight reordered tap-major;
    /// - ∂x: `dx = gcols · W′` with `gcols [rows, k·Cout]` the anti-causal im2col of ∂y (tap j of row t
    ///   holds `∂y[t + (k − 1 − j)·dilation]`, zero past the end) and `W′ [k·Cout, Cin]`,
    ///   `W′[j·Cout + o, c] = weight[o, c, 0, j]`, so no scatter-add is needed;
    /// - ∂W: `Σ_blocks ∂yᵀ · cols` (the columns recomputed rather than kept alive), one partial per block
    ///   added in block order; ∂bias: column sums of ∂y.
    public func causalConv1d(weight: Variable, bias: Variable?, dilation: Int, outputLength: Int? = nil) -> Variable {
        let x = value, w = weight.value, biasValue = bias?.value
        precondition(x.rank == 3, "causalConv1d input must be [B, L, Cin], got \(x.shape)")
        precondition(w.rank == 4 && w.shape[2] == 1 && w.shape[1] == x.shape[2],
                     "causalConv1d weight must be [Cout, \(x.shape[2]), 1, k], got \(w.shape)")
        precondition(dilation >= 1, "causalConv1d dilation must be ≥ 1, got \(dilation)")
        let outChannels = w.shape[0]
        precondition(biasValue == nil || biasValue!.shape == [outChannels],
                     "causalConv1d bias must be [\(outChannels)], got \(biasValue!.shape)")
        let outLength = outputLength ?? x.shape[1]
        precondition(outLength >= 1 && outLength <= x.shape[1],
                     "causalConv1d outputLength must be in 1...\(x.shape[1]), got \(outLength)")
        let geometry = ConvolutionGeometry(batch: x.shape[0], inLength: x.shape[1], outLength: outLength,
                                           inChannels: x.shape[2], outChannels: outChannels, kernel: w.shape[3],
                                           dilation: dilation)
        let y = geometry.forward(x, tapWeight: geometry.tapMajor(w), bias: biasValue)

        var inputs = [self, weight]
        if let bias { inputs.append(bias) }
        return Variable.record(y, inputs: inputs) {
            [needX = requiresGrad, needW = weight.requiresGrad, hasBias = bias != nil, needBias = bias?.requiresGrad ?? false] g in
            let (dx, dTap) = geometry.backward(g, x: x, inputWeight: needX ? geometry.inputMajor(w) : nil, needWeight: needW)
            var grads: [Tensor?] = [dx, dTap.map { geometry.fromTapMajor($0) }]
            if hasBias { grads.append(needBias ? g.sum(toShape: [outChannels]) : nil) }
            return grads
        }
    }
}

/// Shapes of a causal convolution and its im2col layouts. Output position u (of L′) is input position
/// t = u + (L − L′). Row `(b, u)` of the causal column matrix holds, for each tap `j` in order, the `Cin`
/// channels of `x[b, t − (k − 1 − j)·dilation]` (zeros before 0); row `(b, s)` of the anti-causal one used
/// for ∂x holds the `Cout` channels of `∂y[b, s − (L − L′) + (k − 1 − j)·dilation]` (zeros outside 0..<L′).
private struct ConvolutionGeometry {
    let batch: Int, inLength: Int, outLength: Int, inChannels: Int, outChannels: Int, kernel: Int, dilation: Int

    /// The input position of output position 0: L − L′.
    var offset: Int { inLength - outLength }

    /// How far back in time tap `j` reads.
    func shift(_ j: Int) -> Int { (kernel - 1 - j) * dilation }

    /// The GEMM blocks of whole sequences, in order: `(firstSequence, sequenceCount)`, about 4,096
    /// positions each, so a block's column matrix (≤ 3 MB at k·C = 192) stays in cache between the
    /// im2col that writes it and the GEMM that reads it (`sequenceBlocks`).
    var blocks: [(first: Int, count: Int)] { sequenceBlocks(sequences: batch, length: inLength) }

    /// The most sequences any block holds.
    static func largestBlock(_ blocks: [(first: Int, count: Int)]) -> Int { blocks.map(\.count).max() ?? 0 }

    /// Writes the column matrix of `count` sequences starting at `first` into `cols`: row `(b, r)`
    /// (r < `rowLength`), tap `j` holds the `channels` values of `source[b, r + direction·(offset − shift(j))]`,
    /// zero outside `0..<sourceLength`. `direction` is +1 for the causal im2col of x (rows = output
    /// positions, source = x) and −1 for the anti-causal one of ∂y (rows = input positions, source = ∂y).
    func columns(of source: UnsafePointer<Float>, channels: Int, direction: Int, first: Int, count: Int,
                 into cols: UnsafeMutablePointer<Float>) {
        let width = kernel * channels
        let (rowLength, sourceLength) = direction > 0 ? (outLength, inLength) : (inLength, outLength)
        for b in first..<(first + count) {
            let sequence = source + b * sourceLength * channels
            for r in 0..<rowLength {
                let row = cols + ((b - first) * rowLength + r) * width
                for j in 0..<kernel {
                    let s = r + direction * (offset - shift(j)), tap = row + j * channels
                    if s >= 0 && s < sourceLength {
                        tap.update(from: sequence + s * channels, count: channels)
                    } else {
                        tap.update(repeating: 0, count: channels)
                    }
                }
            }
        }
    }
}

extension ConvolutionGeometry {
    /// The forward output `[B, L, Cout]`: per block, the bias broadcast over its rows, then
    /// `cols · tapWeightᵀ` accumulated onto it.
    func forward(_ x: Tensor, tapWeight: Tensor, bias biasValue: Tensor?) -> Tensor {
        let width = kernel * inChannels, blocks = self.blocks
        return Tensor(shape: [batch, outLength, outChannels], unsafeUninitializedScalars: { out in
            let o = out.baseAddress!
            if let biasValue {
                biasValue.scalars.withUnsafeBufferPointer { pb in
                    for r in 0..<(batch * outLength) { (o + r * outChannels).update(from: pb.baseAddress!, count: outChannels) }
                }
            }
            x.scalars.withUnsafeBufferPointer { px in
            tapWeight.scalars.withUnsafeBufferPointer { pw in
                forEachBlockInParallel(blocks.count, scratchCount: Self.largestBlock(blocks) * outLength * width) { block, cols in
                    let (first, count) = blocks[block]
                    columns(of: px.baseAddress!, channels: inChannels, direction: 1, first: first, count: count, into: cols)
                    gemm(false, true, m: count * outLength, n: outChannels, k: width, a: cols, lda: width,
                         b: pw.baseAddress!, ldb: width, c: o + first * outLength * outChannels, ldc: outChannels,
                         accumulate: biasValue != nil)
                }
            }}
        })
    }

    /// `∂x [B, L, Cin]` (when `inputWeight`, the `[k·Cout, Cin]` reordering, is given) and the tap-major
    /// `∂W [Cout, k, Cin]` (when `needWeight`) from `g = ∂y [B, L′, Cout]`, block by block in parallel.
    /// ∂W is summed from one partial product per block, added in block order, so it does not depend
    /// on the number of threads.
    func backward(_ g: Tensor, x: Tensor, inputWeight: Tensor?, needWeight: Bool) -> (Tensor?, Tensor?) {
        let blocks = self.blocks, sequences = Self.largestBlock(blocks)
        let inWidth = kernel * inChannels, outWidth = kernel * outChannels, tapCount = outChannels * inWidth
        var dx = inputWeight == nil ? nil : Tensor.zeros([batch, inLength, inChannels])
        var partials = [Float](repeating: 0, count: needWeight ? blocks.count * tapCount : 0)
        let bufferCount = Swift.max(needWeight ? sequences * outLength * inWidth : 0,
                                    inputWeight == nil ? 0 : sequences * inLength * outWidth)
        g.scalars.withUnsafeBufferPointer { pg in
        x.scalars.withUnsafeBufferPointer { px in
        (inputWeight ?? Tensor.zeros([0])).scalars.withUnsafeBufferPointer { pw in
        withOptionalMutableScalars(&dx) { pdx in
        partials.withUnsafeMutableBufferPointer { pPartials in
            forEachBlockInParallel(blocks.count, scratchCount: bufferCount) { block, cols in
                let (first, count) = blocks[block]
                if let pdx {
                    columns(of: pg.baseAddress!, channels: outChannels, direction: -1, first: first, count: count, into: cols)
                    gemm(false, false, m: count * inLength, n: inChannels, k: outWidth, a: cols, lda: outWidth,
                         b: pw.baseAddress!, ldb: inChannels, c: pdx + first * inLength * inChannels,
                         ldc: inChannels, accumulate: false)
                }
                if needWeight {
                    columns(of: px.baseAddress!, channels: inChannels, direction: 1, first: first, count: count, into: cols)
                    gemm(true, false, m: outChannels, n: inWidth, k: count * outLength,
                         a: pg.baseAddress! + first * outLength * outChannels, lda: outChannels,
                         b: cols, ldb: inWidth, c: pPartials.baseAddress! + block * tapCount, ldc: inWidth, accumulate: false)
                }
            }
        }}}}}
        guard needWeight else { return (dx, nil) }
        let dTap = Tensor(shape: [outChannels, kernel, inChannels], unsafeUninitializedScalars: { out in
            partials.withUnsafeBufferPointer { sumOfPartials($0.baseAddress!, blockCount: blocks.count, count: tapCount, into: out.baseAddress!) }
        })
        return (dx, dTap)
    }
}

/// Runs `body` with a pointer to the scalars of `tensor`, or `nil` when there is no tensor.
private func withOptionalMutableScalars<R>(_ tensor: inout Tensor?, _ body: (UnsafeMutablePointer<Float>?) -> R) -> R {
    guard tensor != nil else { return body(nil) }
    return tensor!.scalars.withUnsafeMutableBufferPointer { body($0.baseAddress!) }
}

extension ConvolutionGeometry {
    /// `[Cout, Cin, 1, k]` → `[Cout, k, Cin]` (tap-major, matching the causal column layout): per output
    /// channel, the `[Cin, k]` block transposed (a few thousand floats, all in L1; a plain loop is
    /// several times faster than the generic `permuted`, which matters at batch size 1).
    func tapMajor(_ w: Tensor) -> Tensor {
        Self.transposeBlocks(w, count: outChannels, rows: inChannels, columns: kernel, shape: [outChannels, kernel, inChannels])
    }

    /// `[Cout, k, Cin]` → `[Cout, Cin, 1, k]`.
    func fromTapMajor(_ w: Tensor) -> Tensor {
        Self.transposeBlocks(w, count: outChannels, rows: kernel, columns: inChannels, shape: [outChannels, inChannels, 1, kernel])
    }

    /// `[Cout, Cin, 1, k]` → `[k, Cout, Cin]`, the right-hand side of the ∂x GEMM (row `j·Cout + o`
    /// holds `weight[o, :, 0, j]`, matching the anti-causal column layout of ∂y).
    func inputMajor(_ w: Tensor) -> Tensor {
        Tensor(shape: [kernel, outChannels, inChannels], unsafeUninitializedScalars: { out in
            w.scalars.withUnsafeBufferPointer { source in
                for j in 0..<kernel {
                    for o in 0..<outChannels {
                        let target = out.baseAddress! + (j * outChannels + o) * inChannels
                        let row = source.baseAddress! + o * inChannels * kernel + j
                        for c in 0..<inChannels { target[c] = row[c * kernel] }
                    }
                }
            }
        })
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
