import CAutogradKernels
import Tensor

/// GELU, exact (erf) form: `gelu(x) = x·Φ(x)` with `Φ(x) = ½(1 + erf(x/√2))` the standard normal
/// CDF, and `gelu′(x) = Φ(x) + x·φ(x)` with `φ(x) = e^(−x²/2)/√(2π)`.
///
/// erf comes from Abramowitz & Stegun 7.1.26 — for u ≥ 0, `erfc(u) ≈ t·P(t)·e^(−u²)` with
/// `t = 1/(1 + 0.3275911·u)` and a degree-4 P, absolute error ≤ 1.5e-7 — evaluated at `u = |x|/√2`,
/// so that `e^(−u²) = e^(−x²/2)` is shared with φ, and `Φ(x) = 1 − ½erfc(u)` for x ≥ 0, `½erfc(u)`
/// for x < 0 (no cancellation in the negative tail). One fast exponential per element, eight lanes at
/// a time, in C (`adr_gelu_forward` / `_backward`, AVX2 + FMA when available); the result agrees with
/// libm's `erff` form to a few 1e-8 in absolute terms.
enum GELUKernel {
    /// `x·Φ(x)` elementwise.
    static func forward(_ x: Tensor) -> Tensor {
        Tensor(shape: x.shape, unsafeUninitializedScalars: { out in
            x.scalars.withUnsafeBufferPointer { input in
                guard input.count > 0 else { return }
                adr_gelu_forward(input.count, input.baseAddress!, out.baseAddress!)
            }
        })
    }

    /// `g ⊙ (Φ(x) + x·φ(x))` elementwise.
    static func backward(_ g: Tensor, _ x: Tensor) -> Tensor {
        Tensor(shape: x.shape, unsafeUninitializedScalars: { out in
            x.scalars.withUnsafeBufferPointer { input in
                g.scalars.withUnsafeBufferPointer { upstream in
                    guard input.count > 0 else { return }
                    adr_gelu_backward(input.count, input.baseAddress!, upstream.baseAddress!, out.baseAddress!)
                }
            }
        })
    }
}
