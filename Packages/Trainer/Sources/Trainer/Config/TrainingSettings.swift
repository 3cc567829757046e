import Logging

/// The optimisers the trainer can build (`learner`).
enum OptimizerKind: String, Sendable, Codable {
    case adam, sgd, adagrad, rmsprop
}

/// The typed training settings of a run, read from a `Configuration` (model hyper-parameters go to
/// `ModelConfig` instead).
struct TrainingSettings: Sendable, Equatable {
    public var seed: UInt64
    public var epochs: Int
    public var batchSize: Int
    public var evalBatchSize: Int
    public var learningRate: Float
    /// Factor on `learningRate` for an Ada-Ranker's adaptation parameters (`ada_lr_scale`, default 1).
    public var adaptationLearningRateScale: Float
    public var optimizer: OptimizerKind
    public var weightDecay: Float
    /// `clip_grad_norm`: the largest global L2 norm of the gradients (nil = no clipping).
    public var clipGradNorm: Float?
    public var evalStep: Int
    public var stoppingStep: Int
    public var validMetric: String
    public var maxSeqLen: Int
    public var negativeCount: Int
    public var usePretrainedItemEmbeddings: Bool
    /// Fine-tuning: train only the adaptation layers.
    public var freeze: Bool
    public var showProgress: Bool
    public var logLevel: Logger.Level

    /// Reads and checks every training setting.
    /// - Throws: `ConfigError` naming the first missing or ill-typed key.
    public init(_ config: Configuration) throws {
        seed = UInt64(try config.int("seed"))
        epochs = try config.int("epochs")
        batchSize = try config.int("batch_size")
        evalBatchSize = config.contains("eval_batch_size") ? try config.int("eval_batch_size") : batchSize
        learningRate = Float(try config.double("learning_rate"))
        adaptationLearningRateScale = config.contains("ada_lr_scale") ? Float(try config.double("ada_lr_scale")) : 1
        optimizer = OptimizerKind(rawValue: try config.choice("learner"))!
        weightDecay = Float(try config.double("weight_decay"))
        clipGradNorm = try config.optionalDouble("clip_grad_norm").map(Float.init)
        evalStep = config.contains("eval_step") ? try config.int("eval_step") : 1
        stoppingStep = try config.int("stopping_step")
        validMetric = config.contains("valid_metric") ? try config.choice("valid_metric") : "group_auc"
        maxSeqLen = try config.int("MAX_SEQ_LEN")
        negativeCount = try config.int("neg_items_num")
        usePretrainedItemEmbeddings = try config.bool("use_pre_item_emb")
        freeze = config.contains("freeze") ? try config.bool("freeze") : false
        showProgress = config.contains("show_progress") ? try config.bool("show_progress") : true
        let level = config.contains("state") ? try config.choice("state") : "INFO"
        switch level {
        case "DEBUG": logLevel = .debug
        case "WARNING": logLevel = .warning
        case "ERROR": logLevel = .error
        case "CRITICAL": logLevel = .critical
        default: logLevel = .info
        }
    }

    /// The loop schedule of these settings.
    public var schedule: FitSchedule {
        FitSchedule(epochs: epochs, evalStep: evalStep, stoppingStep: stoppingStep, validMetric: validMetric)
    }
}
