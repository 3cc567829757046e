#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Tensor

extension Variable {
    /// Binary cross-entropy as PyTorch's `BCELoss` (mean reduction): with probabilities p and
    /// targets t of the same shape and n entries,
    /// `loss = −(1/n) Σ [t·max(ln p, −100) + (1 − t)·max(ln(1 − p), −100)]`, shape `[]`
    /// (summed in `Double`).
    ///
    /// Backward uses PyTorch's formula `∂p = g·(p − t) / max(p·(1 − p), 1e-12) / n`, which is the
    /// exact derivative away from the clamp and stays finite at p = 0 or 1.
    public static func binaryCrossEntropy(_ probabilities: Variable, targets: Tensor) -> Variable {
        let p = probabilities.value
        precondition(p.shape == targets.shape,
                     "binaryCrossEntropy needs probabilities and targets of one shape, got \(p.shape) and \(targets.shape)")
        let n = p.count
        var total: Double = 0
        p.scalars.withUnsafeBufferPointer { pp in
            targets.scalars.withUnsafeBufferPointer { pt in
                for i in 0..<n {
                    let logP = Swift.max(logf(pp[i]), -100), logNotP = Swift.max(logf(1 - pp[i]), -100)
                    total += Double(pt[i] * logP + (1 - pt[i]) * logNotP)
                }
            }
        }
        let loss = Tensor(Float(-total / Double(n)))
        return record(loss, inputs: [probabilities]) { g in
            let scale = g.item / Float(n)
            return [Tensor.zipMap(p, targets) { p, t in scale * (p - t) / Swift.max(p * (1 - p), 1e-12) }]
        }
    }
}
