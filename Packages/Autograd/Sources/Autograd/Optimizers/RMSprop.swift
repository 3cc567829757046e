import CAutogradKernels
import Tensor

/// RMSprop as `torch.optim.RMSprop` (not centred):
/// ```
/// g ← g + weightDecay · p
/// a ← α·a + (1 − α)·g²
/// b ← momentum · b + g / (√a + eps);  p ← p − lr · b      (momentum ≠ 0)
/// p ← p − lr · g / (√a + eps)                             (momentum = 0)
/// ```
/// State buffers: `square_avg` (a) and, with momentum, `momentum_buffer` (b). PyTorch's defaults:
/// lr 1e-2, α 0.99, eps 1e-8.
public final class RMSprop: Optimizer {
    public var learningRate: Float
    public let alpha: Float
    public let eps: Float
    public let weightDecay: Float
    public let momentum: Float
    private let state: OptimizerState

    public init(parameters: [(String, Parameter)], learningRate: Float = 1e-2, alpha: Float = 0.99, eps: Float = 1e-8,
                weightDecay: Float = 0, momentum: Float = 0) {
        self.learningRate = learningRate
        self.alpha = alpha
        self.eps = eps
        self.weightDecay = weightDecay
        self.momentum = momentum
        state = OptimizerState(parameters: parameters,
                               bufferNames: momentum != 0 ? ["square_avg", "momentum_buffer"] : ["square_avg"])
    }

    public var parameters: [(String, Parameter)] { state.parameters }
    public var stepCount: Int { state.stepCount }

    public func step() {
        let (learningRate, alpha, eps, weightDecay, momentum) = (self.learningRate, self.alpha, self.eps, self.weightDecay, self.momentum)
        state.forEachUpdate { parameter, gradient, slot in
            let learningRate = learningRate * slot.learningRateScale
            gradient.scalars.withUnsafeBufferPointer { g in
            parameter.value.scalars.withUnsafeMutableBufferPointer { p in
            slot.first.withUnsafeMutableBufferPointer { a in
                guard momentum != 0 else {
                    adr_rmsprop_update(p.count, p.baseAddress!, g.baseAddress!, a.baseAddress!, nil, learningRate, alpha,
                                       eps, weightDecay, 0)
                    return
                }
                slot.second.withUnsafeMutableBufferPointer { b in
                    adr_rmsprop_update(p.count, p.baseAddress!, g.baseAddress!, a.baseAddress!, b.baseAddress!,
                                       learningRate, alpha, eps, weightDecay, momentum)
                }
            }}}
        }
    }

    public func setLearningRateScale(_ factor: Float, forParametersNamed names: Set<String>) {
        state.setLearningRateScale(factor, forParametersNamed: names)
    }

    public func stateDict() -> [String: Tensor] { state.export() }
    public func loadStateDict(_ state: [String: Tensor]) throws { try self.state.load(state) }
}
