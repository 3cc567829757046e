/// Broadcasting by NumPy rules: shapes are aligned at their last axis; two extents are compatible
/// when they are equal or one of them is 1, and the result takes the larger extent.
///
/// Kernels iterate a broadcast with a `BroadcastLoop`: the output shape is simplified by dropping
/// extent-1 axes and merging neighbouring axes that every operand walks contiguously, so the
/// common cases collapse to one tight inner loop per row, e.g.
/// `[B, L, D] + [D]` → rows of `D` with the right operand restarting at 0,
/// `[B, L, D] * [B, 1, 1]` → rows of `L·D` against one scalar of the right operand.
extension Tensor {
    /// The shape of `a ⊙ b` under NumPy broadcasting.
    /// - Precondition: the shapes are compatible.
    public static func broadcastShape(_ a: [Int], _ b: [Int]) -> [Int] {
        let rank = Swift.max(a.count, b.count)
        var result = [Int](repeating: 1, count: rank)
        for i in 0..<rank {
            let x = i < rank - a.count ? 1 : a[i - (rank - a.count)]
            let y = i < rank - b.count ? 1 : b[i - (rank - b.count)]
            precondition(x == y || x == 1 || y == 1,
                         "shapes \(a) and \(b) cannot be broadcast together (axis \(i - rank): \(x) vs \(y))")
            result[i] = x == 1 ? y : x
        }
        return result
    }

    /// Whether `shape` broadcasts to `target` without changing `target` (every axis of `shape`,
    /// aligned at the end, is 1 or equal to the target's extent).
    public static func isBroadcastable(_ shape: [Int], to target: [Int]) -> Bool {
        guard shape.count <= target.count else {
            // Leading extent-1 axes may be dropped.
            let extra = shape.count - target.count
            return shape.prefix(extra).allSatisfy { $0 == 1 }
                && isBroadcastable(Array(shape.dropFirst(extra)), to: target)
        }
        let offset = target.count - shape.count
        for (i, extent) in shape.enumerated() where extent != 1 && extent != target[offset + i] {
            return false
        }
        return true
    }

    /// This tensor repeated along its extent-1 (or missing leading) axes to `shape`, materialised.
    /// - Precondition: `self.shape` broadcasts to `shape`.
    public func broadcast(to shape: [Int]) -> Tensor {
        precondition(Tensor.isBroadcastable(self.shape, to: shape),
                     "cannot broadcast shape \(self.shape) to \(shape)")
        if self.shape == shape { return self }
        if count == 1 { return Tensor(repeating: scalars[0], shape: shape) }
        var loop = BroadcastLoop(outputShape: shape, operandShapes: [self.shape])
        let inner = loop.innerCount, step = loop.innerStrides[0]
        return Tensor(shape: shape, unsafeUninitializedScalars: { out in
            scalars.withUnsafeBufferPointer { source in
                let o = out.baseAddress!, s = source.baseAddress!
                for row in 0..<loop.rowCount {
                    let dst = o + row * inner, src = s + loop.offsets[0]
                    if step == 1 {
                        dst.update(from: src, count: inner)
                    } else {
                        dst.update(repeating: src[0], count: inner)
                    }
                    loop.advance()
                }
            }
        })
    }

    /// The sum of this tensor over the axes along which `shape` was broadcast to `self.shape`:
    /// the adjoint of `broadcast(to:)`, used to reduce a gradient back to an operand's shape.
    ///
    /// For example `[B, L, D].sum(toShape: [D])` sums over `B` and `L`, and
    /// `[B, L, D].sum(toShape: [B, 1, 1])` sums over `L` and `D`.
    /// - Precondition: `shape` broadcasts to `self.shape`.
    public func sum(toShape shape: [Int]) -> Tensor {
        precondition(Tensor.isBroadcastable(shape, to: self.shape),
                     "cannot sum shape \(self.shape) to \(shape): \(shape) does not broadcast to it")
        if self.shape == shape { return self }
        if Tensor.elementCount(shape) == 1 { return Tensor(shape: shape, scalars: [sumAll()]) }
        // Iterate over `self`; the target is an operand with zero strides on its summed axes.
        var loop = BroadcastLoop(outputShape: self.shape, operandShapes: [shape])
        let inner = loop.innerCount, step = loop.innerStrides[0]
        var result = Tensor.zeros(shape)
        result.scalars.withUnsafeMutableBufferPointer { target in
            scalars.withUnsafeBufferPointer { source in
                let t = target.baseAddress!, s = source.baseAddress!
                for row in 0..<loop.rowCount {
                    let src = s + row * inner, dst = t + loop.offsets[0]
                    if step == 1 {
                        for j in 0..<inner { dst[j] += src[j] }
                    } else {
                        dst[0] += contiguousSum(src, inner)
                    }
                    loop.advance()
                }
            }
        }
        return result
    }
}

/// Walks an output shape row by row while tracking where each broadcast operand's matching
/// elements start.
///
/// The output is contiguous, with `rowCount` rows of `innerCount` elements. For operand `k`, the
/// row's elements are at `offsets[k] + j * innerStrides[k]` for `j < innerCount`, where
/// `innerStrides[k]` is 1 (the operand varies along the row) or 0 (it is constant along the row).
/// Call `advance()` after each row.
@usableFromInline
struct BroadcastLoop {
    /// Elements per row (the extent of the merged innermost axis).
    @usableFromInline let innerCount: Int
    /// Number of rows (product of the merged outer axes).
    @usableFromInline let rowCount: Int
    /// Per operand: the stride along the row, 0 or 1.
    @usableFromInline let innerStrides: [Int]
    /// Per operand: offset of the current row's first element.
    @usableFromInline private(set) var offsets: [Int]

    /// Extents of the merged outer axes and, per operand, their strides (`outerStrides[k][axis]`).
    private let outerShape: [Int]
    private let outerStrides: [[Int]]
    private var counters: [Int]

    /// - Precondition: every operand shape broadcasts to `outputShape`.
    @usableFromInline
    init(outputShape: [Int], operandShapes: [[Int]]) {
        // Per operand, strides aligned to the output axes (0 where the operand is broadcast).
        let rank = outputShape.count
        var axes: [(extent: Int, strides: [Int])] = []
        let aligned: [[Int]] = operandShapes.map { shape in
            let own = Tensor.strides(of: shape)
            return (0..<rank).map { axis in
                let i = axis - (rank - shape.count)
                return i < 0 || shape[i] == 1 ? 0 : own[i]
            }
        }
        for axis in 0..<rank where outputShape[axis] != 1 {
            let strides = aligned.map { $0[axis] }
            if let last = axes.last,
               zip(last.strides, strides).allSatisfy({ $0 == $1 * outputShape[axis] }) {
                axes[axes.count - 1] = (last.extent * outputShape[axis], strides)
            } else {
                axes.append((outputShape[axis], strides))
            }
        }
        let innermost = axes.popLast() ?? (extent: 1, strides: [Int](repeating: 0, count: operandShapes.count))
        innerCount = innermost.extent
        innerStrides = innermost.strides
        outerShape = axes.map(\.extent)
        outerStrides = (0..<operandShapes.count).map { k in axes.map { $0.strides[k] } }
        rowCount = outerShape.reduce(1, *)
        offsets = [Int](repeating: 0, count: operandShapes.count)
        counters = [Int](repeating: 0, count: outerShape.count)
        precondition(innerStrides.allSatisfy { $0 <= 1 }, "internal: unmerged inner axis")
    }

    /// Moves to the next row (odometer over the outer axes).
    @usableFromInline
    mutating func advance() {
        var axis = outerShape.count - 1
        while axis >= 0 {
            counters[axis] += 1
            if counters[axis] < outerShape[axis] {
                for k in offsets.indices { offsets[k] += outerStrides[k][axis] }
                return
            }
            counters[axis] = 0
            for k in offsets.indices { offsets[k] -= outerStrides[k][axis] * (outerShape[axis] - 1) }
            axis -= 1
        }
    }
}
