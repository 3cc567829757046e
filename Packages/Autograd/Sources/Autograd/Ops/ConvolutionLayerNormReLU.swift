import CAutogradKernels
import Tensor

extension Variable {
    /// `relu(layerNorm(causalConv1d(x)))` as one op, NextItNet's `ReLU(LayerNorm(conv(x)))`: the values
    /// and ∂x of the three ops in a row (see `causalConv1d` and `layerNorm`), with each block of whole
    /// sequences taken through all three while its rows are in cache.
    ///
    /// `self [B, L, Cin]`, `weight [Cout, Cin, 1, k]`, `bias [Cout]` (optional), `normWeight`, `normBias`
    /// `[Cout]` → `[B, L′, Cout]`: per row, `z = conv(x)`, `y = max(0, (z − μ)·r ⊙ normWeight + normBias)`,
    /// r = 1/√(σ² + eps) (a NaN gives 0). Backward: with `h = ∂y ⊙ [y > 0]` (applied as ∂y is read),
    /// the layer norm backward of `h` gives ∂z, from which the convolution's backward gives ∂x, ∂weight and
    /// ∂bias; ∂z never leaves its block's scratch. The parameter gradients are one partial per block,
    /// added in block order (they do not depend on the number of threads, and differ from the
    /// separate ops' sums by float reassociation only).
    public func causalConv1dLayerNormReLU(weight: Variable, bias: Variable?, dilation: Int, outputLength: Int? = nil,
                                          normWeight: Variable, normBias: Variable, eps: Float) -> Variable {
        let x = value, w = weight.value, biasValue = bias?.value, nw = normWeight.value, nb = normBias.value
        let geometry = ConvolutionGeometry(validating: x, weight: w, bias: biasValue, dilation: dilation,
                                           outputLength: outputLength)
        let channels = geometry.outChannels
        precondition(nw.shape == [channels] && nb.shape == [channels],
                     "causalConv1dLayerNormReLU norm weight and bias must be [\(channels)], got \(nw.shape) and \(nb.shape)")
        let blocks = geometry.blocks, rowLength = geometry.outLength
        // The convolution's output z, and per row its mean and 1/√(σ² + eps), kept for backward.
        var z = Tensor(shape: [geometry.batch, rowLength, channels], unsafeUninitializedScalars: { _ in })
        var statistics = [Float](repeating: 0, count: 2 * geometry.batch * rowLength)
        let y = Tensor(shape: z.shape, unsafeUninitializedScalars: { out in
            x.scalars.withUnsafeBufferPointer { px in
            nw.scalars.withUnsafeBufferPointer { pnw in
            nb.scalars.withUnsafeBufferPointer { pnb in
            z.scalars.withUnsafeMutableBufferPointer { pz in
            statistics.withUnsafeMutableBufferPointer { stats in
            withOptionalScalars(biasValue) { pb in
            geometry.withKernelInputs(w, forward: true, input: false) { kernels in
                forEachBlockInParallel(blocks.count, scratchCount: 0) { block, _ in
                    let (first, count) = blocks[block], start = first * rowLength
                    geometry.forwardBlock(first: first, count: count, x: px.baseAddress!, bias: pb, kernels: kernels,
                                          out: pz.baseAddress!)
                    adr_layer_norm_relu_forward(count * rowLength, channels, pz.baseAddress! + start * channels,
                                                pnw.baseAddress!, pnb.baseAddress!, eps, out.baseAddress! + start * channels,
                                                stats.baseAddress! + 2 * start)
                }
            }}}}}}}
        })

        let inputs = [self, weight] + (bias.map { [$0] } ?? []) + [normWeight, normBias]
        return Variable.record(y, inputs: inputs) {
            [needX = requiresGrad, needW = weight.requiresGrad, hasBias = bias != nil, needBias = bias?.requiresGrad ?? false,
             needNW = normWeight.requiresGrad, needNB = normBias.requiresGrad, z] g in
            let needConvPartials = needW || needBias, convCount = geometry.partialCount
            var dx = needX ? Tensor(shape: x.shape, unsafeUninitializedScalars: { _ in }) : nil
            var convPartials = [Float](repeating: 0, count: needConvPartials ? blocks.count * convCount : 0)
            // Per block: ∂normWeight's Cout floats, then ∂normBias's.
            var normPartials = [Float](repeating: 0, count: blocks.count * 2 * channels)
            let largestBlock = (blocks.map(\.count).max() ?? 0) * rowLength * channels
            x.scalars.withUnsafeBufferPointer { px in
            y.scalars.withUnsafeBufferPointer { py in
            z.scalars.withUnsafeBufferPointer { pz in
            g.scalars.withUnsafeBufferPointer { pg in
            nw.scalars.withUnsafeBufferPointer { pnw in
            statistics.withUnsafeBufferPointer { stats in
            withOptionalMutableScalars(&dx) { pdx in
            convPartials.withUnsafeMutableBufferPointer { pConv in
            normPartials.withUnsafeMutableBufferPointer { pNorm in
            geometry.withKernelInputs(w, forward: false, input: needX) { kernels in
                forEachBlockInParallel(blocks.count, scratchCount: largestBlock) { block, dz in
                    let (first, count) = blocks[block], start = first * rowLength, offset = start * channels
                    let normPartial = pNorm.baseAddress! + block * 2 * channels
                    adr_layer_norm_relu_backward(count * rowLength, channels, pz.baseAddress! + offset,
                                                 py.baseAddress! + offset, pg.baseAddress! + offset, pnw.baseAddress!,
                                                 stats.baseAddress! + 2 * start, dz, needNW ? normPartial : nil,
                                                 needNB ? normPartial + channels : nil)
                    geometry.backwardBlock(first: first, count: count, g: dz, x: px.baseAddress!, kernels: kernels,
                                           dx: pdx, partial: needConvPartials ? pConv.baseAddress! + block * convCount : nil)
                }
            }}}}}}}}}}
            let (dWeight, dBias) = needConvPartials
                ? geometry.parameterGradients(convPartials, blockCount: blocks.count, needWeight: needW, needBias: needBias)
                : (nil, nil)
            var normSums = [Float](repeating: 0, count: 2 * channels)
            normPartials.withUnsafeBufferPointer { p in
                normSums.withUnsafeMutableBufferPointer {
                    sumOfPartials(p.baseAddress!, blockCount: blocks.count, count: 2 * channels, into: $0.baseAddress!)
                }
            }
            let dNormWeight = needNW ? Tensor(shape: [channels], scalars: Array(normSums[..<channels])) : nil
            let dNormBias = needNB ? Tensor(shape: [channels], scalars: Array(normSums[channels...])) : nil
            return [dx, dWeight] + (hasBias ? [dBias] : []) + [dNormWeight, dNormBias]
        }
    }
}
