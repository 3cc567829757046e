/// A scalar binary operation, as a type so that each kernel is specialised per operation and its
/// loops compile to straight vector code (no closure call per element).
@usableFromInline
protocol BinaryScalarOperation {
    static func apply(_ x: Float, _ y: Float) -> Float
}

@usableFromInline enum AddOperation: BinaryScalarOperation {
    @inlinable @inline(__always) static func apply(_ x: Float, _ y: Float) -> Float { x + y }
}
@usableFromInline enum SubtractOperation: BinaryScalarOperation {
    @inlinable @inline(__always) static func apply(_ x: Float, _ y: Float) -> Float { x - y }
}
@usableFromInline enum MultiplyOperation: BinaryScalarOperation {
    @inlinable @inline(__always) static func apply(_ x: Float, _ y: Float) -> Float { x * y }
}
@usableFromInline enum DivideOperation: BinaryScalarOperation {
    @inlinable @inline(__always) static func apply(_ x: Float, _ y: Float) -> Float { x / y }
}

extension Tensor {
    /// `op(a, b)` elementwise with broadcasting; the result has `broadcastShape(a.shape, b.shape)`.
    @inline(__always)
    static func broadcastingBinary<Op: BinaryScalarOperation>(_ a: Tensor, _ b: Tensor, _: Op.Type) -> Tensor {
        if a.shape == b.shape {
            return Tensor(shape: a.shape, unsafeUninitializedScalars: { out in
                a.scalars.withUnsafeBufferPointer { x in
                    b.scalars.withUnsafeBufferPointer { y in
                        for i in 0..<out.count { out[i] = Op.apply(x[i], y[i]) }
                    }
                }
            })
        }
        let shape = broadcastShape(a.shape, b.shape)
        var loop = BroadcastLoop(outputShape: shape, operandShapes: [a.shape, b.shape])
        let inner = loop.innerCount
        let stepA = loop.innerStrides[0], stepB = loop.innerStrides[1]
        return Tensor(shape: shape, unsafeUninitializedScalars: { out in
            a.scalars.withUnsafeBufferPointer { x in
                b.scalars.withUnsafeBufferPointer { y in
                    let o = out.baseAddress!, px = x.baseAddress!, py = y.baseAddress!
                    for row in 0..<loop.rowCount {
                        binaryRow(Op.self, o + row * inner, px + loop.offsets[0], stepA,
                                  py + loop.offsets[1], stepB, inner)
                        loop.advance()
                    }
                }
            }
        })
    }

    /// `a = op(a, b)` in place; `b` must broadcast to `a.shape`. Writes straight into `a`'s
    /// storage when it is uniquely referenced.
    @inline(__always)
    static func broadcastingBinaryInPlace<Op: BinaryScalarOperation>(_ a: inout Tensor, _ b: Tensor, _: Op.Type) {
        precondition(isBroadcastable(b.shape, to: a.shape),
                     "in-place operand of shape \(b.shape) does not broadcast to \(a.shape)")
        if a.shape == b.shape {
            b.scalars.withUnsafeBufferPointer { y in
                a.scalars.withUnsafeMutableBufferPointer { x in
                    for i in 0..<x.count { x[i] = Op.apply(x[i], y[i]) }
                }
            }
            return
        }
        var loop = BroadcastLoop(outputShape: a.shape, operandShapes: [b.shape])
        let inner = loop.innerCount, stepB = loop.innerStrides[0]
        b.scalars.withUnsafeBufferPointer { y in
            a.scalars.withUnsafeMutableBufferPointer { x in
                let px = x.baseAddress!, py = y.baseAddress!
                for row in 0..<loop.rowCount {
                    let dst = px + row * inner
                    binaryRow(Op.self, dst, UnsafePointer(dst), 1, py + loop.offsets[0], stepB, inner)
                    loop.advance()
                }
            }
        }
    }

    /// `op(a, s)` for a scalar `s` on the right (`scalarOnLeft == false`) or `op(s, a)`.
    @inline(__always)
    static func scalarBinary<Op: BinaryScalarOperation>(_ a: Tensor, _ s: Float, scalarOnLeft: Bool, _: Op.Type) -> Tensor {
        Tensor(shape: a.shape, unsafeUninitializedScalars: { out in
            a.scalars.withUnsafeBufferPointer { x in
                if scalarOnLeft {
                    for i in 0..<out.count { out[i] = Op.apply(s, x[i]) }
                } else {
                    for i in 0..<out.count { out[i] = Op.apply(x[i], s) }
                }
            }
        })
    }
}

/// One row of a broadcast binary kernel: `out[j] = op(x[j·stepX], y[j·stepY])` for `j < count`,
/// with each step 0 or 1, split into separately vectorisable loops.
@inline(__always)
func binaryRow<Op: BinaryScalarOperation>(
    _: Op.Type, _ out: UnsafeMutablePointer<Float>,
    _ x: UnsafePointer<Float>, _ stepX: Int, _ y: UnsafePointer<Float>, _ stepY: Int, _ count: Int
) {
    switch (stepX, stepY) {
    case (1, 1):
        for j in 0..<count { out[j] = Op.apply(x[j], y[j]) }
    case (1, _):
        let c = y[0]
        for j in 0..<count { out[j] = Op.apply(x[j], c) }
    case (_, 1):
        let c = x[0]
        for j in 0..<count { out[j] = Op.apply(c, y[j]) }
    default:
        out.update(repeating: Op.apply(x[0], y[0]), count: count)
    }
}
