import CAutogradKernels
import Foundation
import Tensor

/// Adam (Kingma & Ba) with PyTorch's formula (`torch.optim.Adam`, L2 weight decay, no AMSGrad).
/// Per parameter p with gradient g at its step t:
/// ```
/// g ← g + weightDecay · p
/// m ← m + (1 − β1)(g − m)                  (= β1·m + (1 − β1)·g)
/// v ← β2·v + (1 − β2)·g²
/// p ← p − (lr / (1 − β1ᵗ)) · m / (√v / √(1 − β2ᵗ) + eps)
/// ```
/// State buffers: `exp_avg` (m), `exp_avg_sq` (v). One vectorised pass over the raw buffers per
/// parameter (`adr_adam_update` in CAutogradKernels).
public final class Adam: Optimizer {
    public var learningRate: Float
    public let beta1: Float
    public let beta2: Float
    public let eps: Float
    public let weightDecay: Float
    private let state: OptimizerState

    public init(parameters: [(String, Parameter)], learningRate: Float = 1e-3, betas: (Float, Float) = (0.9, 0.999),
                eps: Float = 1e-8, weightDecay: Float = 0) {
        self.learningRate = learningRate
        (beta1, beta2) = betas
        self.eps = eps
        self.weightDecay = weightDecay
        state = OptimizerState(parameters: parameters, bufferNames: ["exp_avg", "exp_avg_sq"])
    }

    public var parameters: [(String, Parameter)] { state.parameters }
    public var stepCount: Int { state.stepCount }

    public func step() {
        let (beta1, beta2, eps, weightDecay) = (self.beta1, self.beta2, self.eps, self.weightDecay)
        let learningRate = Double(self.learningRate)
        state.forEachUpdate { parameter, gradient, slot in
            let t = Double(slot.step)
            let stepSize = Float(learningRate * Double(slot.learningRateScale) / (1 - pow(Double(beta1), t)))
            let correction2Root = Float((1 - pow(Double(beta2), t)).squareRoot())
            let count = parameter.value.count
            gradient.scalars.withUnsafeBufferPointer { g in
            parameter.value.scalars.withUnsafeMutableBufferPointer { p in
            slot.first.withUnsafeMutableBufferPointer { m in
            slot.second.withUnsafeMutableBufferPointer { v in
                adr_adam_update(count, p.baseAddress!, g.baseAddress!, m.baseAddress!, v.baseAddress!, beta1, beta2,
                                eps, weightDecay, stepSize, correction2Root)
            }}}}
        }
    }

    public func setLearningRateScale(_ factor: Float, forParametersNamed names: Set<String>) {
        state.setLearningRateScale(factor, forParametersNamed: names)
    }

    public func stateDict() -> [String: Tensor] { state.export() }
    public func loadStateDict(_ state: [String: Tensor]) throws { try self.state.load(state) }
}
