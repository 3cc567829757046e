import CTensorKernels
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Elementwise functions; every result has the input's shape.
extension Tensor {
    /// `eˣ` (vectorised, see `VectorMath.swift`).
    public func exp() -> Tensor { vectorUnary(adr_vector_exp, vectorExp) }
    /// Natural logarithm (`-inf` at 0, NaN below).
    public func log() -> Tensor { unary { logf($0) } }
    /// Hyperbolic tangent (vectorised).
    public func tanh() -> Tensor { vectorUnary(adr_vector_tanh, vectorTanh) }
    /// Logistic sigmoid `1 / (1 + e⁻ˣ)` (vectorised); saturates cleanly to 0 and 1.
    public func sigmoid() -> Tensor { vectorUnary(adr_vector_sigmoid, vectorSigmoid) }
    /// `max(x, 0)`.
    public func relu() -> Tensor { unary { $0 > 0 ? $0 : 0 } }
    /// Square root.
    public func sqrt() -> Tensor { unary { $0.squareRoot() } }
    /// `x²`.
    public func squared() -> Tensor { unary { $0 * $0 } }
    /// The error function `erf(x) = 2/√π ∫₀ˣ e^(−t²) dt`.
    public func erf() -> Tensor { unary { erff($0) } }
    /// `|x|`.
    public func abs() -> Tensor { unary { Swift.abs($0) } }
    /// `1 / x`.
    public func reciprocal() -> Tensor { unary { 1 / $0 } }
    /// `xᵖ`.
    public func pow(_ exponent: Float) -> Tensor {
        if exponent == 2 { return squared() }
        return unary { powf($0, exponent) }
    }
    /// `x` limited to `[lower, upper]`.
    public func clamped(min lower: Float, max upper: Float) -> Tensor {
        precondition(lower <= upper, "clamped needs min ≤ max, got \(lower) > \(upper)")
        return unary { Swift.min(Swift.max($0, lower), upper) }
    }

    /// `f` over every scalar: the C kernel `wide` (AVX-512 or AVX2 registers, the same bits as `f`)
    /// when the CPU has one, else `f` eight lanes at a time.
    @inline(__always)
    private func vectorUnary(_ wide: (Int, UnsafePointer<Float>, UnsafeMutablePointer<Float>) -> Int32,
                             _ f: (FloatVector) -> FloatVector) -> Tensor {
        Tensor(shape: shape, unsafeUninitializedScalars: { out in
            scalars.withUnsafeBufferPointer { x in
                guard let base = x.baseAddress else { return }
                if wide(x.count, base, out.baseAddress!) == 0 { applyVectorized(base, out.baseAddress!, x.count, f) }
            }
        })
    }

    /// The in-module kernel behind the functions above (the closure is inlined into each).
    @inline(__always)
    private func unary(_ f: (Float) -> Float) -> Tensor {
        Tensor(shape: shape, unsafeUninitializedScalars: { out in
            scalars.withUnsafeBufferPointer { x in
                for i in 0..<out.count { out[i] = f(x[i]) }
            }
        })
    }
}
