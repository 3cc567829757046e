import Autograd

/// Builds the optimiser named by `learner` (PyTorch defaults besides the learning rate and weight decay).
public enum OptimizerFactory {
    /// An optimiser over every named parameter; frozen ones (`requiresGrad == false`) are skipped
    /// at each step, so they stay bit-identical.
    public static func make(_ settings: TrainingSettings, parameters: [(String, Parameter)]) throws -> any Optimizer {
        let lr = settings.learningRate, decay = settings.weightDecay
        switch settings.optimizer {
        case .adam: return Adam(parameters: parameters, learningRate: lr, weightDecay: decay)
        case .sgd: return SGD(parameters: parameters, learningRate: lr, weightDecay: decay)
        case .adagrad: return Adagrad(parameters: parameters, learningRate: lr, weightDecay: decay)
        case .rmsprop: return RMSprop(parameters: parameters, learningRate: lr, weightDecay: decay)
        }
    }
}
