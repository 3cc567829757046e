import CTensorKernels
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Softmax along one axis, computed stably by subtracting each slice's maximum first:
/// `softmax(x)ᵢ = e^(xᵢ − m) / Σⱼ e^(xⱼ − m)` and `logSoftmax(x)ᵢ = xᵢ − m − log Σⱼ e^(xⱼ − m)`,
/// with `m = maxⱼ xⱼ`. A slice that is entirely `-inf` yields NaN, as in PyTorch.
extension Tensor {
    /// Softmax along `axis`; same shape, each slice sums to 1.
    public func softmax(axis: Int) -> Tensor { softmaxKernel(axis: axis, logarithm: false) }

    /// Log-softmax along `axis`; same shape.
    public func logSoftmax(axis: Int) -> Tensor { softmaxKernel(axis: axis, logarithm: true) }

    private func softmaxKernel(axis: Int, logarithm: Bool) -> Tensor {
        let (outer, n, inner) = axisView(axis)
        guard n > 0 else { return self }
        return Tensor(shape: shape, unsafeUninitializedScalars: { out in
            scalars.withUnsafeBufferPointer { source in
                let s = source.baseAddress!, o = out.baseAddress!
                if inner == 1 {
                    // Contiguous rows: the C kernel (AVX2 + FMA when available).
                    adr_softmax_rows(outer, n, s, o, logarithm ? 1 : 0)
                    return
                }
                // Strided slices: work on `inner` slices at once, row by row, so every loop is contiguous.
                var maxima = [Float](repeating: 0, count: inner)
                var sums = [Float](repeating: 0, count: inner)
                for i in 0..<outer {
                    let block = s + i * n * inner, outBlock = o + i * n * inner
                    for j in 0..<inner { maxima[j] = block[j] }
                    for k in 1..<n {
                        for j in 0..<inner where block[k * inner + j] > maxima[j] { maxima[j] = block[k * inner + j] }
                    }
                    for j in 0..<inner { sums[j] = 0 }
                    for k in 0..<n {
                        for j in 0..<inner { outBlock[k * inner + j] = block[k * inner + j] - maxima[j] }
                        applyVectorized(outBlock + k * inner, outBlock + k * inner, inner, vectorExp)
                        for j in 0..<inner { sums[j] += outBlock[k * inner + j] }
                    }
                    if logarithm {
                        for j in 0..<inner { sums[j] = logf(sums[j]) }
                        for k in 0..<n {
                            for j in 0..<inner { outBlock[k * inner + j] = (block[k * inner + j] - maxima[j]) - sums[j] }
                        }
                    } else {
                        for k in 0..<n {
                            for j in 0..<inner { outBlock[k * inner + j] /= sums[j] }
                        }
                    }
                }
            }
        })
    }
}

/// Softmax of `rows` contiguous rows of `width` floats each, in place. The same kernel, and so the
/// same bits, as `softmax(axis: -1)` on a tensor made of those rows; for fused ops that build the
/// rows in their own buffer (and can then normalise them while they are still in cache).
public func softmaxRowsInPlace(_ buffer: UnsafeMutablePointer<Float>, rows: Int, width: Int) {
    guard rows > 0, width > 0 else { return }
    adr_softmax_rows(rows, width, buffer, buffer, 0)
}
