/// Elementwise arithmetic with NumPy broadcasting: `a ⊙ b` has shape `broadcastShape(a.shape, b.shape)`.
extension Tensor {
    public static func + (a: Tensor, b: Tensor) -> Tensor { broadcastingBinary(a, b, AddOperation.self) }
    public static func - (a: Tensor, b: Tensor) -> Tensor { broadcastingBinary(a, b, SubtractOperation.self) }
    public static func * (a: Tensor, b: Tensor) -> Tensor { broadcastingBinary(a, b, MultiplyOperation.self) }
    public static func / (a: Tensor, b: Tensor) -> Tensor { broadcastingBinary(a, b, DivideOperation.self) }

    public static func + (a: Tensor, b: Float) -> Tensor { scalarBinary(a, b, scalarOnLeft: false, AddOperation.self) }
    public static func - (a: Tensor, b: Float) -> Tensor { scalarBinary(a, b, scalarOnLeft: false, SubtractOperation.self) }
    public static func * (a: Tensor, b: Float) -> Tensor { scalarBinary(a, b, scalarOnLeft: false, MultiplyOperation.self) }
    public static func / (a: Tensor, b: Float) -> Tensor { scalarBinary(a, b, scalarOnLeft: false, DivideOperation.self) }

    public static func + (a: Float, b: Tensor) -> Tensor { scalarBinary(b, a, scalarOnLeft: true, AddOperation.self) }
    public static func - (a: Float, b: Tensor) -> Tensor { scalarBinary(b, a, scalarOnLeft: true, SubtractOperation.self) }
    public static func * (a: Float, b: Tensor) -> Tensor { scalarBinary(b, a, scalarOnLeft: true, MultiplyOperation.self) }
    public static func / (a: Float, b: Tensor) -> Tensor { scalarBinary(b, a, scalarOnLeft: true, DivideOperation.self) }

    /// Elementwise negation.
    public static prefix func - (a: Tensor) -> Tensor { a.map { -$0 } }

    /// `a += b` in place; `b` has `a`'s shape or broadcasts to it. No copy when `a` is uniquely referenced.
    public static func += (a: inout Tensor, b: Tensor) { broadcastingBinaryInPlace(&a, b, AddOperation.self) }
    /// `a -= b` in place; `b` has `a`'s shape or broadcasts to it.
    public static func -= (a: inout Tensor, b: Tensor) { broadcastingBinaryInPlace(&a, b, SubtractOperation.self) }
    /// `a *= b` in place; `b` has `a`'s shape or broadcasts to it.
    public static func *= (a: inout Tensor, b: Tensor) { broadcastingBinaryInPlace(&a, b, MultiplyOperation.self) }
    /// `a /= b` in place; `b` has `a`'s shape or broadcasts to it.
    public static func /= (a: inout Tensor, b: Tensor) { broadcastingBinaryInPlace(&a, b, DivideOperation.self) }

    /// `a *= s` in place for a scalar `s`.
    public static func *= (a: inout Tensor, s: Float) {
        a.scalars.withUnsafeMutableBufferPointer { x in
            for i in 0..<x.count { x[i] *= s }
        }
    }

    /// `self += alpha · other` in place (an axpy); `other` must have this tensor's shape.
    public mutating func addScaled(_ other: Tensor, alpha: Float) {
        precondition(shape == other.shape, "addScaled needs equal shapes, got \(shape) and \(other.shape)")
        other.scalars.withUnsafeBufferPointer { y in
            scalars.withUnsafeMutableBufferPointer { x in
                for i in 0..<x.count { x[i] += alpha * y[i] }
            }
        }
    }

    /// `f` applied to every scalar; same shape.
    @inlinable
    public func map(_ f: (Float) -> Float) -> Tensor {
        Tensor(shape: shape, unsafeUninitializedScalars: { out in
            scalars.withUnsafeBufferPointer { x in
                for i in 0..<out.count { out[i] = f(x[i]) }
            }
        })
    }

    /// `f(a[i], b[i])` for every position of two tensors of the same shape.
    @inlinable
    public static func zipMap(_ a: Tensor, _ b: Tensor, _ f: (Float, Float) -> Float) -> Tensor {
        precondition(a.shape == b.shape, "zipMap needs equal shapes, got \(a.shape) and \(b.shape)")
        return Tensor(shape: a.shape, unsafeUninitializedScalars: { out in
            a.scalars.withUnsafeBufferPointer { x in
                b.scalars.withUnsafeBufferPointer { y in
                    for i in 0..<out.count { out[i] = f(x[i], y[i]) }
                }
            }
        })
    }

    /// The largest `|self[i] − other[i]|` over all positions (NaN if either side has a NaN);
    /// for comparing results in tests.
    public func maxAbsDifference(_ other: Tensor) -> Float {
        precondition(shape == other.shape, "maxAbsDifference needs equal shapes, got \(shape) and \(other.shape)")
        var largest: Float = 0
        scalars.withUnsafeBufferPointer { x in
            other.scalars.withUnsafeBufferPointer { y in
                for i in 0..<x.count where x[i] != y[i] {
                    let d = Swift.abs(x[i] - y[i])
                    if d.isNaN { largest = .nan; return }
                    largest = Swift.max(largest, d)
                }
            }
        }
        return largest
    }
}
