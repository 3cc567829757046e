/// Layout changes. Every result is a new contiguous tensor; axes may be negative.
extension Tensor {
    /// Swaps the last two axes: `[..., M, N]` → `[..., N, M]`.
    public func transposed() -> Tensor {
        precondition(rank >= 2, "transposed needs rank ≥ 2, got shape \(shape)")
        let m = shape[rank - 2], n = shape[rank - 1]
        let batch = count / Swift.max(m * n, 1)
        var outShape = shape
        outShape.swapAt(rank - 2, rank - 1)
        return Tensor(shape: outShape, unsafeUninitializedScalars: { out in
            scalars.withUnsafeBufferPointer { source in
                guard let s = source.baseAddress else { return }
                for b in 0..<batch {
                    transposeMatrix(s + b * m * n, rows: m, columns: n, into: out.baseAddress! + b * m * n)
                }
            }
        })
    }

    /// The axes reordered: result axis `i` is input axis `axes[i]`.
    /// - Precondition: `axes` is a permutation of `0..<rank` (negative values allowed).
    public func permuted(_ axes: [Int]) -> Tensor {
        let order = axes.map(normalizedAxis)
        precondition(order.count == rank && Set(order).count == rank,
                     "permuted(\(axes)) is not a permutation of the axes of shape \(shape)")
        if order == Array(0..<rank) { return self }
        if order == Array(0..<(rank - 2)) + [rank - 1, rank - 2] { return transposed() }
        let outShape = order.map { shape[$0] }
        let inputStrides = Tensor.strides(of: shape)
        // Iterate the output in order, reading the input through permuted strides; a trailing
        // run of axes kept in place is copied as one block.
        var keptTail = 0
        while keptTail < rank && order[rank - 1 - keptTail] == rank - 1 - keptTail { keptTail += 1 }
        let block = shape.suffix(keptTail).reduce(1, *)
        let loopRank = rank - keptTail
        let loopShape = Array(outShape.prefix(loopRank))
        let loopStrides = order.prefix(loopRank).map { inputStrides[$0] }
        return Tensor(shape: outShape, unsafeUninitializedScalars: { out in
            scalars.withUnsafeBufferPointer { source in
                guard count > 0 else { return }
                let s = source.baseAddress!, o = out.baseAddress!
                let innerExtent = loopShape[loopRank - 1], innerStride = loopStrides[loopRank - 1]
                let rows = loopShape.dropLast().reduce(1, *)
                var counters = [Int](repeating: 0, count: loopRank - 1)
                var offset = 0
                var written = 0
                for _ in 0..<rows {
                    if block == 1 {
                        for j in 0..<innerExtent { o[written + j] = s[offset + j * innerStride] }
                        written += innerExtent
                    } else {
                        for j in 0..<innerExtent {
                            (o + written).update(from: s + offset + j * innerStride, count: block)
                            written += block
                        }
                    }
                    var axis = loopRank - 2
                    while axis >= 0 {
                        counters[axis] += 1
                        offset += loopStrides[axis]
                        if counters[axis] < loopShape[axis] { break }
                        offset -= loopStrides[axis] * loopShape[axis]
                        counters[axis] = 0
                        axis -= 1
                    }
                }
            }
        })
    }

    /// The elements with index in `range` along `axis`.
    public func slice(axis: Int, range: Range<Int>) -> Tensor {
        let a = normalizedAxis(axis)
        precondition(range.lowerBound >= 0 && range.upperBound <= shape[a],
                     "slice range \(range) out of bounds for axis \(axis) of shape \(shape)")
        let (outer, n, inner) = axisView(a)
        var outShape = shape
        outShape[a] = range.count
        let run = range.count * inner
        return Tensor(shape: outShape, unsafeUninitializedScalars: { out in
            scalars.withUnsafeBufferPointer { source in
                guard run > 0 else { return }
                for i in 0..<outer {
                    (out.baseAddress! + i * run).update(from: source.baseAddress! + (i * n + range.lowerBound) * inner, count: run)
                }
            }
        })
    }

    /// The tensors joined along `axis`; all other extents must agree.
    public static func concat(_ tensors: [Tensor], axis: Int) -> Tensor {
        precondition(!tensors.isEmpty, "concat needs at least one tensor")
        let first = tensors[0]
        let a = first.normalizedAxis(axis)
        for t in tensors {
            precondition(t.rank == first.rank && t.shape[..<a] == first.shape[..<a] && t.shape[(a + 1)...] == first.shape[(a + 1)...],
                         "concat along axis \(axis) needs matching other extents, got \(tensors.map(\.shape))")
        }
        let (outer, _, inner) = first.axisView(a)
        var outShape = first.shape
        outShape[a] = tensors.reduce(0) { $0 + $1.shape[a] }
        let outRun = outShape[a] * inner
        return Tensor(shape: outShape, unsafeUninitializedScalars: { out in
            var start = 0
            for t in tensors {
                let run = t.shape[a] * inner
                t.scalars.withUnsafeBufferPointer { source in
                    guard run > 0 else { return }
                    for i in 0..<outer {
                        (out.baseAddress! + i * outRun + start).update(from: source.baseAddress! + i * run, count: run)
                    }
                }
                start += run
            }
        })
    }

    /// Consecutive pieces along `axis` with the given extents (which must add up to the axis extent).
    public func split(axis: Int, sizes: [Int]) -> [Tensor] {
        let a = normalizedAxis(axis)
        return splitRanges(axis: axis, sizes: sizes).map { slice(axis: a, range: $0) }
    }

    /// `count` pieces along `axis` as in PyTorch's `chunk`: each has extent `⌈n / count⌉` except a
    /// smaller last one (so fewer than `count` pieces come back when `n` is not a multiple).
    public func chunked(_ count: Int, axis: Int) -> [Tensor] {
        split(axis: axis, sizes: chunkSizes(count, axis: axis))
    }

    /// The index ranges of `split(axis:sizes:)` along `axis`: `start_k ..< start_k + sizes[k]` with
    /// `start_k = Σ_{j<k} sizes[j]` (Autograd's `Variable.split` uses them too).
    /// - Precondition: the sizes are non-negative and add up to the axis extent.
    public func splitRanges(axis: Int, sizes: [Int]) -> [Range<Int>] {
        let a = normalizedAxis(axis)
        precondition(sizes.allSatisfy { $0 >= 0 } && sizes.reduce(0, +) == shape[a],
                     "split sizes \(sizes) do not add up to extent \(shape[a]) of axis \(axis) in shape \(shape)")
        var start = 0
        return sizes.map { size in
            defer { start += size }
            return start..<(start + size)
        }
    }

    /// The piece extents of `chunked(count, axis:)` along an axis of extent n: `⌈n / count⌉` each, the
    /// last one possibly smaller; `[0]` for an empty axis.
    public func chunkSizes(_ count: Int, axis: Int) -> [Int] {
        precondition(count > 0, "chunked needs a positive count, got \(count)")
        let n = shape[normalizedAxis(axis)]
        let size = Swift.max((n + count - 1) / count, 1)
        let sizes = stride(from: 0, to: n, by: size).map { Swift.min(size, n - $0) }
        return sizes.isEmpty ? [0] : sizes
    }

    /// A new axis of extent 1 at `axis` (in `-(rank + 1) ... rank`).
    public func expandingDims(at axis: Int) -> Tensor {
        let a = axis < 0 ? axis + rank + 1 : axis
        precondition(a >= 0 && a <= rank, "expandingDims(at: \(axis)) out of range for shape \(shape)")
        var newShape = shape
        newShape.insert(1, at: a)
        return reshaped(newShape)
    }

    /// The tensor without `axis`, which must have extent 1.
    public func squeezed(axis: Int) -> Tensor {
        let a = normalizedAxis(axis)
        precondition(shape[a] == 1, "squeezed(axis: \(axis)) needs extent 1, shape is \(shape)")
        var newShape = shape
        newShape.remove(at: a)
        return reshaped(newShape)
    }
}

/// Writes the transpose of the row-major `rows × columns` matrix at `source` to `destination`
/// (`columns × rows`), in cache-sized tiles.
func transposeMatrix(_ source: UnsafePointer<Float>, rows: Int, columns: Int, into destination: UnsafeMutablePointer<Float>) {
    let tile = 32
    var i0 = 0
    while i0 < rows {
        let i1 = Swift.min(i0 + tile, rows)
        var j0 = 0
        while j0 < columns {
            let j1 = Swift.min(j0 + tile, columns)
            for i in i0..<i1 {
                for j in j0..<j1 { destination[j * rows + i] = source[i * columns + j] }
            }
            j0 = j1
        }
        i0 = i1
    }
}
