import CAutogradKernels
import Tensor

/// Adagrad as `torch.optim.Adagrad` (learning-rate decay 0, initial accumulator 0):
/// ```
/// g ← g + weightDecay · p
/// s ← s + g²
/// p ← p − lr · g / (√s + eps)
/// ```
/// State buffer: `sum` (s). PyTorch's default eps is 1e-10.
public final class Adagrad: Optimizer {
    public var learningRate: Float
    public let eps: Float
    public let weightDecay: Float
    private let state: OptimizerState

    public init(parameters: [(String, Parameter)], learningRate: Float = 1e-2, eps: Float = 1e-10, weightDecay: Float = 0) {
        self.learningRate = learningRate
        self.eps = eps
        self.weightDecay = weightDecay
        state = OptimizerState(parameters: parameters, bufferNames: ["sum"])
    }

    public var parameters: [(String, Parameter)] { state.parameters }
    public var stepCount: Int { state.stepCount }

    public func step() {
        let (learningRate, eps, weightDecay) = (self.learningRate, self.eps, self.weightDecay)
        state.forEachUpdate { parameter, gradient, slot in
            let learningRate = learningRate * slot.learningRateScale
            gradient.scalars.withUnsafeBufferPointer { g in
            parameter.value.scalars.withUnsafeMutableBufferPointer { p in
            slot.first.withUnsafeMutableBufferPointer { s in
                adr_adagrad_update(p.count, p.baseAddress!, g.baseAddress!, s.baseAddress!, learningRate, eps, weightDecay)
            }}}
        }
    }

    public func setLearningRateScale(_ factor: Float, forParametersNamed names: Set<String>) {
        state.setLearningRateScale(factor, forParametersNamed: names)
    }

    public func stateDict() -> [String: Tensor] { state.export() }
    public func loadStateDict(_ state: [String: Tensor]) throws { try self.state.load(state) }
}
