/// Reductions over all elements or one axis. An axis may be negative (`-1` = last).
///
/// An axis reduction views the tensor as `[outer, n, inner]` (`n` the reduced extent) and yields
/// `[outer, inner]`, reshaped to the input shape without that axis (or with extent 1 when `keepDims`).
extension Tensor {
    /// Σ of all elements, shape `[]`.
    public func sum() -> Tensor { Tensor(sumAll()) }

    /// Mean of all elements, shape `[]` (NaN for an empty tensor).
    public func mean() -> Tensor { Tensor(sumAll() / Float(count)) }

    /// Σ along `axis`.
    public func sum(axis: Int, keepDims: Bool = false) -> Tensor {
        let (outer, n, inner) = axisView(axis)
        let result = Tensor(shape: reducedShape(axis, keepDims: keepDims), unsafeUninitializedScalars: { out in
            scalars.withUnsafeBufferPointer { source in
                let s = source.baseAddress!, o = out.baseAddress!
                if inner == 1 {
                    for i in 0..<outer { o[i] = contiguousSum(s + i * n, n) }
                    return
                }
                for i in 0..<outer {
                    let dst = o + i * inner, block = s + i * n * inner
                    if n == 0 { dst.update(repeating: 0, count: inner); continue }
                    dst.update(from: block, count: inner)
                    for k in 1..<n {
                        let row = block + k * inner
                        for j in 0..<inner { dst[j] += row[j] }
                    }
                }
            }
        })
        return result
    }

    /// Mean along `axis`.
    public func mean(axis: Int, keepDims: Bool = false) -> Tensor {
        let n = shape[normalizedAxis(axis)]
        var result = sum(axis: axis, keepDims: keepDims)
        result *= 1 / Float(n)
        return result
    }

    /// Maximum along `axis`.
    /// - Precondition: the axis is not empty.
    public func max(axis: Int, keepDims: Bool = false) -> Tensor {
        let (outer, n, inner) = axisView(axis)
        precondition(n > 0, "max over the empty axis \(axis) of shape \(shape)")
        return Tensor(shape: reducedShape(axis, keepDims: keepDims), unsafeUninitializedScalars: { out in
            scalars.withUnsafeBufferPointer { source in
                let s = source.baseAddress!, o = out.baseAddress!
                for i in 0..<outer {
                    let dst = o + i * inner, block = s + i * n * inner
                    dst.update(from: block, count: inner)
                    for k in 1..<n {
                        let row = block + k * inner
                        for j in 0..<inner where row[j] > dst[j] { dst[j] = row[j] }
                    }
                }
            }
        })
    }

    /// Index of the maximum along `axis` (the first one on ties); the axis is removed.
    /// - Precondition: the axis is not empty.
    public func argmax(axis: Int) -> IndexTensor {
        let (outer, n, inner) = axisView(axis)
        precondition(n > 0, "argmax over the empty axis \(axis) of shape \(shape)")
        var indices = [Int](repeating: 0, count: outer * inner)
        scalars.withUnsafeBufferPointer { s in
            indices.withUnsafeMutableBufferPointer { result in
                for i in 0..<outer {
                    for j in 0..<inner {
                        var best = s[i * n * inner + j], bestIndex = 0
                        for k in 1..<n {
                            let v = s[(i * n + k) * inner + j]
                            if v > best { best = v; bestIndex = k }
                        }
                        result[i * inner + j] = bestIndex
                    }
                }
            }
        }
        return IndexTensor(shape: reducedShape(axis, keepDims: false), indices: indices)
    }

    /// The tensor seen as `[outer, n, inner]` around `axis`.
    @usableFromInline
    func axisView(_ axis: Int) -> (outer: Int, n: Int, inner: Int) {
        let a = normalizedAxis(axis)
        return (shape[..<a].reduce(1, *), shape[a], shape[(a + 1)...].reduce(1, *))
    }

    /// The shape after reducing `axis`: removed, or kept with extent 1.
    @usableFromInline
    func reducedShape(_ axis: Int, keepDims: Bool) -> [Int] {
        let a = normalizedAxis(axis)
        var result = shape
        if keepDims { result[a] = 1 } else { result.remove(at: a) }
        return result
    }

    /// Σ of all elements as a `Float`.
    public func sumAll() -> Float {
        scalars.withUnsafeBufferPointer { x in x.isEmpty ? 0 : contiguousSum(x.baseAddress!, x.count) }
    }
}

/// Σ of `count` contiguous floats: blocks of 1024 are summed with 32 independent partial sums
/// (so the loop vectorises and each partial sum stays short), and block sums are combined in `Double`.
@usableFromInline
func contiguousSum(_ x: UnsafePointer<Float>, _ count: Int) -> Float {
    if count <= 1024 { return blockSum(x, count) }
    var total: Double = 0
    var start = 0
    while start < count {
        total += Double(blockSum(x + start, Swift.min(1024, count - start)))
        start += 1024
    }
    return Float(total)
}

@inline(__always)
private func blockSum(_ x: UnsafePointer<Float>, _ count: Int) -> Float {
    let raw = UnsafeRawPointer(x)
    var s0 = SIMD8<Float>(repeating: 0), s1 = s0, s2 = s0, s3 = s0
    var i = 0
    while i + 32 <= count {
        s0 += raw.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<Float>.self)
        s1 += raw.loadUnaligned(fromByteOffset: 4 * (i + 8), as: SIMD8<Float>.self)
        s2 += raw.loadUnaligned(fromByteOffset: 4 * (i + 16), as: SIMD8<Float>.self)
        s3 += raw.loadUnaligned(fromByteOffset: 4 * (i + 24), as: SIMD8<Float>.self)
        i += 32
    }
    while i + 8 <= count {
        s0 += raw.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<Float>.self)
        i += 8
    }
    var total = ((s0 + s1) + (s2 + s3)).sum()
    while i < count { total += x[i]; i += 1 }
    return total
}
