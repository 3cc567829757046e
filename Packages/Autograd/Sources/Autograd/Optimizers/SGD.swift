import Tensor

/// Stochastic gradient descent with optional momentum (dampening 0) and L2 weight decay, as
/// `torch.optim.SGD`:
/// ```
/// g ← g + weightDecay · p
/// b ← g at the parameter's first step, then momentum · b + g     (only when momentum ≠ 0)
/// p ← p − lr · b      (p ← p − lr · g without momentum)
/// ```
/// State buffer: `momentum_buffer` (with momentum only).
public final class SGD: Optimizer {
    public var learningRate: Float
    public let momentum: Float
    public let weightDecay: Float
    private let state: OptimizerState

    public init(parameters: [(String, Parameter)], learningRate: Float, momentum: Float = 0, weightDecay: Float = 0) {
        self.learningRate = learningRate
        self.momentum = momentum
        self.weightDecay = weightDecay
        state = OptimizerState(parameters: parameters, bufferNames: momentum != 0 ? ["momentum_buffer"] : [])
    }

    public var parameters: [(String, Parameter)] { state.parameters }
    public var stepCount: Int { state.stepCount }

    public func step() {
        let (learningRate, momentum, weightDecay) = (self.learningRate, self.momentum, self.weightDecay)
        state.forEachUpdate { parameter, gradient, slot in
            let learningRate = learningRate * slot.learningRateScale
            gradient.scalars.withUnsafeBufferPointer { g in
            parameter.value.scalars.withUnsafeMutableBufferPointer { p in
                if momentum == 0 {
                    for i in 0..<p.count { p[i] -= learningRate * (g[i] + weightDecay * p[i]) }
                    return
                }
                // At the first step the buffer is the gradient itself: momentum · 0 + g.
                slot.first.withUnsafeMutableBufferPointer { b in
                    for i in 0..<p.count {
                        let bi = momentum * b[i] + (g[i] + weightDecay * p[i])
                        b[i] = bi
                        p[i] -= learningRate * bi
                    }
                }
            }}
        }
    }

    public func setLearningRateScale(_ factor: Float, forParametersNamed names: Set<String>) {
        state.setLearningRateScale(factor, forParametersNamed: names)
    }

    public func stateDict() -> [String: Tensor] { state.export() }
    public func loadStateDict(_ state: [String: Tensor]) throws { try self.state.load(state) }
}
