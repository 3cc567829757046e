import Autograd

/// Builds the optimiser named by `learner` (PyTorch defaults besides the learning rate and weight decay).
enum OptimizerFactory {
    /// An optimiser over every named parameter; frozen ones (`requiresGrad == false`) are skipped
    /// at each step, so they stay bit-identical. The parameters named in `adaptationParameters`
    /// step with `learning_rate × ada_lr_scale`.
    public static func make(_ settings: TrainingSettings, parameters: [(String, Parameter)],
                            adaptationParameters: Set<String> = []) throws -> any Optimizer {
        let lr = settings.learningRate, decay = settings.weightDecay
        let optimizer: any Optimizer
        switch settings.optimizer {
        case .adam: optimizer = Adam(parameters: parameters, learningRate: lr, weightDecay: decay)
        case .sgd: optimizer = SGD(parameters: parameters, learningRate: lr, weightDecay: decay)
        case .adagrad: optimizer = Adagrad(parameters: parameters, learningRate: lr, weightDecay: decay)
        case .rmsprop: optimizer = RMSprop(parameters: parameters, learningRate: lr, weightDecay: decay)
        }
        if settings.adaptationLearningRateScale != 1 {
            optimizer.setLearningRateScale(settings.adaptationLearningRateScale, forParametersNamed: adaptationParameters)
        }
        return optimizer
    }
}
