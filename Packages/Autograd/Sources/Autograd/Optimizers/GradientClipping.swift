/// Scales every gradient down so that their global L2 norm is at most `maxNorm` (PyTorch's
/// `clip_grad_norm_`): with ‖g‖ = sqrt(Σ over all parameters and entries of g²),
/// g ← g · maxNorm / (‖g‖ + 1e-6) when ‖g‖ > maxNorm; otherwise nothing changes. Parameters
/// without a gradient are skipped. Returns ‖g‖ before clipping.
@discardableResult
public func clipGradientNorm(_ parameters: [Parameter], maxNorm: Float) -> Float {
    var squared = 0.0
    for parameter in parameters {
        guard let grad = parameter.grad else { continue }
        grad.scalars.withUnsafeBufferPointer { g in for x in g { squared += Double(x) * Double(x) } }
    }
    let norm = Float(squared.squareRoot())
    guard norm > maxNorm else { return norm }
    let scale = maxNorm / (norm + 1e-6)
    for parameter in parameters where parameter.grad != nil {
        parameter.grad!.scalars.withUnsafeMutableBufferPointer { g in for i in g.indices { g[i] *= scale } }
    }
    return norm
}
