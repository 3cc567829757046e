import Metrics

/// The typed training settings of a run, decoded from a `Configuration` by `TrainingSettings.keys`
/// (model hyper-parameters go to `ModelConfig` instead; the Ada-Ranker's model-building settings to
/// `AdaptationSettings`). Each property's doc names its key.
struct TrainingSettings: DeclaredSettings, Equatable {
    /// `seed` (a model key): seeds shuffling and negative sampling.
    public var seed: UInt64
    /// `epochs`.
    public var epochs: Int
    /// `batch_size`.
    public var batchSize: Int
    /// `eval_batch_size` (default `batch_size`).
    public var evalBatchSize: Int
    /// `learning_rate`.
    public var learningRate: Float
    /// `ada_lr_scale`: factor on `learningRate` for an Ada-Ranker's adaptation parameters (default 1).
    public var adaptationLearningRateScale: Float
    /// `learner` (alias `optimizer`).
    public var optimizer: OptimizerKind
    /// `weight_decay`.
    public var weightDecay: Float
    /// `clip_grad_norm`: the largest global L2 norm of the gradients (nil = no clipping).
    public var clipGradNorm: Float?
    /// `eval_step` (default 1).
    public var evalStep: Int
    /// `stopping_step`.
    public var stoppingStep: Int
    /// `valid_metric`: one of `RankingMetrics.names` (default `group_auc`).
    public var validMetric: String
    /// `MAX_SEQ_LEN` (a model key).
    public var maxSeqLen: Int
    /// `neg_items_num` (a model key).
    public var negativeCount: Int
    /// `use_pre_item_emb` (a model key).
    public var usePretrainedItemEmbeddings: Bool
    /// `freeze`: fine-tuning trains only the adaptation layers (default false).
    public var freeze: Bool
    /// `show_progress` (default true).
    public var showProgress: Bool
    /// `state` (default INFO).
    public var logLevel: LogLevel

    /// The loop schedule of these settings.
    public var schedule: FitSchedule {
        FitSchedule(epochs: epochs, evalStep: evalStep, stoppingStep: stoppingStep, validMetric: validMetric)
    }
}

extension TrainingSettings {
    /// Every training key, declared once: name, aliases, type and range, default, doc and the
    /// property it fills. A key without a default must be set (`Configs/overall.yaml` sets them
    /// all); the defaults apply to a configuration that leaves a key out, such as the `config.json`
    /// of a run made before the key existed. `ConfigSchema.trainingKeys` lists these declarations.
    static let keys: [SettingKey<TrainingSettings>] = [
        // Run.
        .flag("freeze", \.freeze, default: .value(false), "fine-tuning: 1 trains only the adaptation layers, 0 trains everything"),
        .choice("state", \.logLevel, default: .value(.info), "log level"),
        .flag("show_progress", \.showProgress, default: .value(true), "progress bars (only shown on a terminal)"),
        // Optimisation.
        .integer("epochs", \.epochs, minimum: 0, "maximum number of training epochs"),
        .integer("batch_size", \.batchSize, minimum: 1, "training rows per step"),
        .integer("eval_batch_size", \.evalBatchSize, minimum: 1, default: .sameAs(\.batchSize),
                 "rows per evaluation step (does not change the metrics)"),
        .number("learning_rate", \.learningRate, .atLeast(0), "optimiser learning rate"),
        .choice("learner", \.optimizer, aliases: ["optimizer"], "optimiser"),
        .number("weight_decay", \.weightDecay, .atLeast(0), "L2 penalty added to the gradients"),
        .optionalNumber("clip_grad_norm", \.clipGradNorm, minimum: 0, "clip the global gradient norm to this value (~ = off)"),
        .integer("eval_step", \.evalStep, minimum: 1, default: .value(1), "evaluate on valid every this many epochs"),
        .integer("stopping_step", \.stoppingStep, minimum: 0, "stop after more than this many evaluations without improvement"),
        .choice("valid_metric", \.validMetric, among: RankingMetrics.names, default: .value("group_auc"),
                "metric that selects the best checkpoint"),
        // Ada-Ranker training.
        .number("ada_lr_scale", \.adaptationLearningRateScale, .atLeast(0), default: .value(1),
                "Ada-Ranker: factor on learning_rate for the adaptation layers (extractor, FiLM, memory units); 1 = one rate for all"),
    ]

    /// The model keys (declared in SeqModels' `ModelConfig.keys`) that training reads as well.
    static let borrowedKeys: [SettingKey<TrainingSettings>] = [
        .integer(modelKey: "seed", \.seedValue),
        .integer(modelKey: "MAX_SEQ_LEN", \.maxSeqLen),
        .integer(modelKey: "neg_items_num", \.negativeCount),
        .flag(modelKey: "use_pre_item_emb", \.usePretrainedItemEmbeddings),
    ]

    /// Where decoding starts; every property is set by its key.
    static let unfilled = TrainingSettings(
        seed: 0, epochs: 0, batchSize: 0, evalBatchSize: 0, learningRate: 0, adaptationLearningRateScale: 0,
        optimizer: .adam, weightDecay: 0, clipGradNorm: nil, evalStep: 0, stoppingStep: 0, validMetric: "",
        maxSeqLen: 0, negativeCount: 0, usePretrainedItemEmbeddings: false, freeze: false, showProgress: false,
        logLevel: .info)

    /// `seed` as the key's integer (its range, ≥ 0, is checked on reading).
    private var seedValue: Int {
        get { Int(truncatingIfNeeded: seed) }
        set { seed = UInt64(newValue) }
    }
}
