import CAutogradKernels
import Tensor

extension Variable {
    /// `relu(layerNorm(x))` over the last axis as one op (NextItNet's `ReLU(LayerNorm(conv(x)))`), with
    /// exactly the forward values and ∂x of the two ops in a row: per row, `y = max(0, (x − μ)·r ⊙ weight
    /// + bias)`, r = 1/√(σ² + eps). Backward: with `h = g ⊙ [y > 0]`, the layer norm backward of `h`
    /// (see `layerNorm`).
    ///
    /// The rows run in blocks of 1,024 shared out over the BLAS threads (`forEachBlockInParallel`), each
    /// block normalised and rectified in one pass (C `adr_layer_norm_relu_forward`, `adr_layer_norm_relu_backward`); ∂weight and ∂bias are one partial per block
    /// added in block order, so they do not depend on the number of threads (they differ from the
    /// single pass of `layerNorm` by float reassociation only).
    public func layerNormReLU(weight: Variable, bias: Variable, eps: Float) -> Variable {
        let x = value, w = weight.value, b = bias.value
        let d = x.shape.last ?? 1
        precondition(x.rank >= 1 && d > 0 && w.shape == [d] && b.shape == [d],
                     "layerNormReLU over the last axis of \(x.shape) needs weight and bias [\(d)], got \(w.shape) and \(b.shape)")
        let rows = x.count / d
        let blocks = RowBlocks(rows: rows)
        // Per row: mean and 1/√(σ² + eps), saved for backward.
        var statistics = [Float](repeating: 0, count: 2 * rows)
        let y = Tensor(shape: x.shape, unsafeUninitializedScalars: { out in
            x.scalars.withUnsafeBufferPointer { px in
            w.scalars.withUnsafeBufferPointer { pw in
            b.scalars.withUnsafeBufferPointer { pb in
            statistics.withUnsafeMutableBufferPointer { stats in
                forEachBlockInParallel(blocks.count, scratchCount: 0) { block, _ in
                    let range = blocks[block], o = out.baseAddress! + range.lowerBound * d
                    adr_layer_norm_relu_forward(range.count, d, px.baseAddress! + range.lowerBound * d, pw.baseAddress!,
                                                pb.baseAddress!, eps, o, stats.baseAddress! + 2 * range.lowerBound)
                }
            }}}}
        })

        return Variable.record(y, inputs: [self, weight, bias]) {
            [needX = requiresGrad, needW = weight.requiresGrad, needB = bias.requiresGrad] g in
            var dx = needX ? Tensor(shape: x.shape, unsafeUninitializedScalars: { _ in }) : nil
            // Per block: ∂weight's d floats, then ∂bias's d floats.
            var partials = [Float](repeating: 0, count: blocks.count * 2 * d)
            x.scalars.withUnsafeBufferPointer { px in
            y.scalars.withUnsafeBufferPointer { py in
            g.scalars.withUnsafeBufferPointer { pg in
            w.scalars.withUnsafeBufferPointer { pw in
            statistics.withUnsafeBufferPointer { stats in
            partials.withUnsafeMutableBufferPointer { pPartials in
            withOptionalMutableScalars(&dx) { pdx in
                forEachBlockInParallel(blocks.count, scratchCount: 0) { block, _ in
                    let range = blocks[block], start = range.lowerBound * d
                    let partial = pPartials.baseAddress! + block * 2 * d
                    adr_layer_norm_relu_backward(range.count, d, px.baseAddress! + start, py.baseAddress! + start,
                                                 pg.baseAddress! + start, pw.baseAddress!,
                                                 stats.baseAddress! + 2 * range.lowerBound, pdx.map { $0 + start },
                                                 needW ? partial : nil, needB ? partial + d : nil)
                }
            }}}}}}}
            var sums = [Float](repeating: 0, count: 2 * d)
            partials.withUnsafeBufferPointer { p in
                sums.withUnsafeMutableBufferPointer { sumOfPartials(p.baseAddress!, blockCount: blocks.count, count: 2 * d, into: $0.baseAddress!) }
            }
            return [dx,
                    needW ? Tensor(shape: [d], scalars: Array(sums[0..<d])) : nil,
                    needB ? Tensor(shape: [d], scalars: Array(sums[d...])) : nil]
        }
    }
}

/// Consecutive blocks of `size` rows (the last one shorter) over `rows` rows.
struct RowBlocks {
    /// Rows per block: 1,024 rows of 64 floats are 256 KB, in L2 with their gradient and output.
    static let size = 1024
    let rows: Int

    var count: Int { (rows + Self.size - 1) / Self.size }

    subscript(block: Int) -> Range<Int> { (block * Self.size)..<Swift.min(rows, (block + 1) * Self.size) }
}
