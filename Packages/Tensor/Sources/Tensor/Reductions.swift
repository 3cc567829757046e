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

    /// Σ of all elements as a `Float` (blockwise: vector partial sums, blocks combined in `Double`).
    public func sumAll() -> Float {
        scalars.withUnsafeBufferPointer { x in
            guard let base = x.baseAddress else { return 0 }
            let block = 4096
            var total: Double = 0
            var start = 0
            while start < x.count {
                total += Double(contiguousSum(base + start, Swift.min(block, x.count - start)))
                start += block
            }
            return Float(total)
        }
    }
}

/// Σ of `count` contiguous floats with eight independent partial sums (so the loop vectorises).
@usableFromInline
func contiguousSum(_ x: UnsafePointer<Float>, _ count: Int) -> Float {
    var lanes = SIMD8<Float>(repeating: 0)
    var i = 0
    while i + 8 <= count {
        lanes += UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self)
        i += 8
    }
    var total = lanes.sum()
    while i < count { total += x[i]; i += 1 }
    return total
}
