import CAutogradKernels
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
    /// All three products run as direct convolutions (C `adr_conv_rows`, `adr_conv_weight_gradient`):
    /// no column matrix is written, each output row reads its k input rows through pointers (the causal
    /// padding through a row of zeros), and every entry is one fused multiply-add chain, so the
    /// results do not depend on the batch or the CPU's vector width. Blocks of whole sequences (about
    /// 2,048 rows, `sequenceBlocks`) run in parallel (`forEachBlockInParallel`):
    /// - forward: `y[t] = bias + Σ_j x[t − shift_j] · W_jᵀ`, `W_j = weight[:, :, 0, j]` `[Cout, Cin]`;
    /// - ∂x: `∂x[s] = Σ_j ∂y[s + shift_j] · W_j` (anti-causal: zero past the end), no scatter-add;
    /// - ∂W: `∂W_j = Σ_t ∂y[t]ᵀ · x[t − shift_j]`, one partial per block added in block order (so it
    ///   does not depend on the number of threads); ∂bias: the column sums of ∂y, per block with ∂W.
    public func causalConv1d(weight: Variable, bias: Variable?, dilation: Int, outputLength: Int? = nil) -> Variable {
        let x = value, w = weight.value, biasValue = bias?.value
        let geometry = ConvolutionGeometry(validating: x, weight: w, bias: biasValue, dilation: dilation,
                                           outputLength: outputLength)
        let y = geometry.forward(x, weight: w, bias: biasValue)

        var inputs = [self, weight]
        if let bias { inputs.append(bias) }
        return Variable.record(y, inputs: inputs) {
            [needX = requiresGrad, needW = weight.requiresGrad, hasBias = bias != nil, needBias = bias?.requiresGrad ?? false] g in
            let (dx, dWeight, dBias) = geometry.backward(g, x: x, weight: w, needInput: needX, needWeight: needW,
                                                         needBias: needBias)
            return hasBias ? [dx, dWeight, dBias] : [dx, dWeight]
        }
    }
}

/// Shapes of a causal convolution. Output position u (of L′) is input position t = u + (L − L′); tap j
/// of output u reads input `u + offset − shift(j)` (zeros before 0), and ∂x at input s gathers ∂y at
/// `s − offset + shift(j)` (zeros outside 0..<L′).
struct ConvolutionGeometry {
    let batch: Int, inLength: Int, outLength: Int, inChannels: Int, outChannels: Int, kernel: Int, dilation: Int

    /// The input position of output position 0: L − L′.
    var offset: Int { inLength - outLength }

    /// How far back in time tap `j` reads.
    func shift(_ j: Int) -> Int { (kernel - 1 - j) * dilation }

    /// Per tap, where an output row reads its input (forward, ∂W) relative to its own position.
    var causalOffsets: [Int] { (0..<kernel).map { offset - shift($0) } }

    /// Per tap, where an input row reads ∂y (∂x) relative to its own position.
    var antiCausalOffsets: [Int] { (0..<kernel).map { shift($0) - offset } }

    /// The blocks of whole sequences, in order: `(firstSequence, sequenceCount)`, about 2,048
    /// positions each (`sequenceBlocks`; 26 blocks for 1,024 sequences of 50, an even share per thread).
    var blocks: [(first: Int, count: Int)] { sequenceBlocks(sequences: batch, length: inLength, targetRows: 2048) }

    /// `weight [Cout, Cin, 1, k]` packed for `adr_conv_rows`: for the forward pass the taps' `[Cin, Cout]`
    /// matrices `W_jᵀ` (`transposed`), for ∂x their `[Cout, Cin]` matrices `W_j`.
    func packed(_ w: Tensor, transposed: Bool) -> [Float] {
        let (rows, columns) = transposed ? (inChannels, outChannels) : (outChannels, inChannels)
        // weight[o, c, 0, j] sits at (o·Cin + c)·k + j.
        let (rowStride, columnStride) = transposed ? (kernel, inChannels * kernel) : (inChannels * kernel, kernel)
        return w.scalars.withUnsafeBufferPointer { source in
            [Float](unsafeUninitializedCapacity: adr_conv_packed_count(kernel, rows, columns)) { packed, count in
                adr_conv_pack(kernel, rows, columns, source.baseAddress!, 1, rowStride, columnStride, packed.baseAddress!)
                count = packed.count
            }
        }
    }
}

extension ConvolutionGeometry {
    /// The geometry of `x [B, L, Cin]` convolved with `weight [Cout, Cin, 1, k]` (and `bias [Cout]`),
    /// keeping the last `outputLength` positions (all when nil); traps with the expected shapes otherwise.
    init(validating x: Tensor, weight w: Tensor, bias: Tensor?, dilation: Int, outputLength: Int?) {
        precondition(x.rank == 3, "causalConv1d input must be [B, L, Cin], got \(x.shape)")
        precondition(w.rank == 4 && w.shape[2] == 1 && w.shape[1] == x.shape[2],
                     "causalConv1d weight must be [Cout, \(x.shape[2]), 1, k], got \(w.shape)")
        precondition(dilation >= 1, "causalConv1d dilation must be ≥ 1, got \(dilation)")
        precondition(bias == nil || bias!.shape == [w.shape[0]],
                     "causalConv1d bias must be [\(w.shape[0])], got \(bias!.shape)")
        let outLength = outputLength ?? x.shape[1]
        precondition(outLength >= 1 && outLength <= x.shape[1],
                     "causalConv1d outputLength must be in 1...\(x.shape[1]), got \(outLength)")
        self.init(batch: x.shape[0], inLength: x.shape[1], outLength: outLength, inChannels: x.shape[2],
                  outChannels: w.shape[0], kernel: w.shape[3], dilation: dilation)
    }
}

/// The read-only inputs of one convolution's blocks: the packed weights (for the forward pass, for ∂x:
/// each only when asked for) and the taps' offsets, as pointers valid during
/// `ConvolutionGeometry.withKernelInputs`.
struct ConvolutionKernelInputs {
    let forwardWeights: UnsafePointer<Float>?, inputWeights: UnsafePointer<Float>?
    let causal: UnsafePointer<Int>, antiCausal: UnsafePointer<Int>
}

extension ConvolutionGeometry {
    /// Floats of one block's ∂W and ∂bias partial: `[k, Cin, Cout]`, then `[Cout]`.
    var partialCount: Int { kernel * inChannels * outChannels + outChannels }

    /// Runs `body` with the weights packed for the forward pass (when `forward`) and for ∂x (when
    /// `input`), and the offsets.
    func withKernelInputs<R>(_ w: Tensor, forward forForward: Bool, input forInput: Bool,
                             _ body: (ConvolutionKernelInputs) -> R) -> R {
        let forward = forForward ? packed(w, transposed: true) : [], input = forInput ? packed(w, transposed: false) : []
        let causal = causalOffsets, antiCausal = antiCausalOffsets
        return forward.withUnsafeBufferPointer { pf in
        input.withUnsafeBufferPointer { pi in
        causal.withUnsafeBufferPointer { pc in
        antiCausal.withUnsafeBufferPointer { pa in
            body(ConvolutionKernelInputs(forwardWeights: forForward ? pf.baseAddress! : nil,
                                         inputWeights: forInput ? pi.baseAddress! : nil,
                                         causal: pc.baseAddress!, antiCausal: pa.baseAddress!))
        }}}}
    }

    /// The forward rows of the sequences `first..<first + count` into `out` (the whole `[B, L′, Cout]`).
    func forwardBlock(first: Int, count: Int, x: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                      kernels: ConvolutionKernelInputs, out: UnsafeMutablePointer<Float>) {
        adr_conv_rows(count * outLength, outLength, inLength, kernel, kernels.causal, inChannels, outChannels,
                      x + first * inLength * inChannels, kernels.forwardWeights!, bias, out + first * outLength * outChannels)
    }

    /// The gradients of the sequences `first..<first + count` from their ∂y rows `g` (`[count, L′, Cout]`):
    /// their ∂x rows into `dx` (the whole `[B, L, Cin]`, when given; `kernels` must then hold the ∂x
    /// weights, as `withKernelInputs(_:forward:input: true)` packs them) and their ∂W and ∂bias into `partial`
    /// (`partialCount` floats, when given).
    func backwardBlock(first: Int, count: Int, g: UnsafePointer<Float>, x: UnsafePointer<Float>,
                       kernels: ConvolutionKernelInputs, dx: UnsafeMutablePointer<Float>?,
                       partial: UnsafeMutablePointer<Float>?) {
        if let dx {
            adr_conv_rows(count * inLength, inLength, outLength, kernel, kernels.antiCausal, outChannels, inChannels,
                          g, kernels.inputWeights!, nil, dx + first * inLength * inChannels)
        }
        if let partial {
            adr_conv_weight_gradient(count * outLength, outLength, inLength, kernel, kernels.causal, inChannels,
                                     outChannels, x + first * inLength * inChannels, g, partial,
                                     partial + kernel * inChannels * outChannels)
        }
    }

    /// ∂weight `[Cout, Cin, 1, k]` and ∂bias `[Cout]` (each when asked for) from the blocks' partials
    /// (`partialCount` floats each), added in block order.
    func parameterGradients(_ partials: [Float], blockCount: Int, needWeight: Bool, needBias: Bool) -> (Tensor?, Tensor?) {
        let tapCount = kernel * inChannels * outChannels, count = partialCount
        var sum = [Float](repeating: 0, count: count)
        partials.withUnsafeBufferPointer { p in
            sum.withUnsafeMutableBufferPointer { sumOfPartials(p.baseAddress!, blockCount: blockCount, count: count, into: $0.baseAddress!) }
        }
        // ∂W from `[k, Cin, Cout]` to `[Cout, Cin, 1, k]`.
        let dWeight = needWeight ? Tensor(shape: [outChannels, inChannels, 1, kernel], unsafeUninitializedScalars: { out in
            for j in 0..<kernel {
                for c in 0..<inChannels {
                    for o in 0..<outChannels { out[(o * inChannels + c) * kernel + j] = sum[(j * inChannels + c) * outChannels + o] }
                }
            }
        }) : nil
        return (dWeight, needBias ? Tensor(shape: [outChannels], scalars: Array(sum[tapCount...])) : nil)
    }
}

extension ConvolutionGeometry {
    /// The forward output `[B, L′, Cout]`.
    func forward(_ x: Tensor, weight: Tensor, bias biasValue: Tensor?) -> Tensor {
        let blocks = self.blocks
        return Tensor(shape: [batch, outLength, outChannels], unsafeUninitializedScalars: { out in
            x.scalars.withUnsafeBufferPointer { px in
            withOptionalScalars(biasValue) { pb in
            withKernelInputs(weight, forward: true, input: false) { kernels in
                forEachBlockInParallel(blocks.count, scratchCount: 0) { block, _ in
                    forwardBlock(first: blocks[block].first, count: blocks[block].count, x: px.baseAddress!, bias: pb,
                                 kernels: kernels, out: out.baseAddress!)
                }
            }}}
        })
    }

    /// `∂x [B, L, Cin]` (when `needInput`), `∂weight [Cout, Cin, 1, k]` (when `needWeight`) and `∂bias [Cout]`
    /// (when `needBias`) from `g = ∂y [B, L′, Cout]`, block by block in parallel. ∂W and ∂bias are summed
    /// from one partial per block (the kernel computes both together), added in block order, so they do
    /// not depend on the number of threads.
    func backward(_ g: Tensor, x: Tensor, weight: Tensor, needInput: Bool, needWeight: Bool,
                  needBias: Bool) -> (Tensor?, Tensor?, Tensor?) {
        let blocks = self.blocks, partialCount = self.partialCount, needPartials = needWeight || needBias
        // Every row of ∂x is written by `adr_conv_rows`.
        var dx = needInput ? Tensor(shape: [batch, inLength, inChannels], unsafeUninitializedScalars: { _ in }) : nil
        var partials = [Float](repeating: 0, count: needPartials ? blocks.count * partialCount : 0)
        g.scalars.withUnsafeBufferPointer { pg in
        x.scalars.withUnsafeBufferPointer { px in
        withOptionalMutableScalars(&dx) { pdx in
        partials.withUnsafeMutableBufferPointer { pPartials in
        withKernelInputs(weight, forward: false, input: needInput) { kernels in
            forEachBlockInParallel(blocks.count, scratchCount: 0) { block, _ in
                let (first, count) = blocks[block]
                backwardBlock(first: first, count: count, g: pg.baseAddress! + first * outLength * outChannels,
                              x: px.baseAddress!, kernels: kernels, dx: pdx,
                              partial: needPartials ? pPartials.baseAddress! + block * partialCount : nil)
            }
        }}}}}
        guard needPartials else { return (dx, nil, nil) }
        let (dWeight, dBias) = parameterGradients(partials, blockCount: blocks.count, needWeight: needWeight, needBias: needBias)
        return (dx, dWeight, dBias)
    }
}
