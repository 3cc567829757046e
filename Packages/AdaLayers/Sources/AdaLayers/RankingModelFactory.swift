import SeqModels

/// The model `config` asks for: a Base `Ranker` when `train_type` is `Base`, an `AdaRanker` around
/// the same encoder when it is `Ada-Ranker`; initialised from `config.seed`, an Ada-Ranker then set
/// up as `adaRanker` says (by default exactly as `AdaRanker(config:)` builds it).
///
/// This is the one place that chooses between the two kinds of model.
/// - Throws: `ModelConfigError` for invalid hyper-parameters or table sizes;
///   `RankingModelFactoryError.freezingBaseRanker` when `adaRanker.freezesBase` is asked of a Base ranker.
public func makeRankingModel(config: ModelConfig, adaRanker: AdaRankerOptions = AdaRankerOptions()) throws
    -> any RankingModel {
    switch config.trainType {
    case .base:
        guard !adaRanker.freezesBase else { throw RankingModelFactoryError.freezingBaseRanker }
        return try Ranker(config: config)
    case .adaRanker:
        let model = try AdaRanker(config: config)
        adaRanker.apply(to: model)
        return model
    }
}

/// How `makeRankingModel` sets up an Ada-Ranker beyond its `ModelConfig`: the training objective,
/// the noise bound, the adaptation layers' starting point and which parameters train. A Base ranker
/// ignores these, except `freezesBase`, which it refuses (it would have nothing left to train).
public struct AdaRankerOptions: Sendable, Equatable {
    /// `AdaRanker.klWeight`: weight of the KL term in `trainingLoss` (0 = the reference's objective).
    public var klWeight: Float
    /// `AdaRanker.logSigmaLimit`: bound on `log_sigma` in the sample's noise scale (`nil` = unbounded).
    public var logSigmaLimit: Float?
    /// Start exactly as the Base ranker (`AdaRanker.startAsBaseRanker()`) instead of with the
    /// reference's random adaptation layers.
    public var startsAsBaseRanker: Bool
    /// Leave only the adaptation layers trainable (`AdaRanker.freezeBaseParameters()`, fine-tuning).
    public var freezesBase: Bool

    public init(klWeight: Float = 0, logSigmaLimit: Float? = nil, startsAsBaseRanker: Bool = false,
                freezesBase: Bool = false) {
        self.klWeight = klWeight
        self.logSigmaLimit = logSigmaLimit
        self.startsAsBaseRanker = startsAsBaseRanker
        self.freezesBase = freezesBase
    }

    /// Sets `model` up as these options say.
    func apply(to model: AdaRanker) {
        model.klWeight = klWeight
        model.logSigmaLimit = logSigmaLimit
        if startsAsBaseRanker { model.startAsBaseRanker() }
        if freezesBase { model.freezeBaseParameters() }
    }
}

/// Options `makeRankingModel` cannot honour for the model `config` describes.
public enum RankingModelFactoryError: Error, Equatable, CustomStringConvertible {
    /// `freezesBase` for a Base ranker, which has no adaptation layers to train.
    case freezingBaseRanker

    public var description: String {
        switch self {
        case .freezingBaseRanker: return "freezing the Base parameters applies to an Ada-Ranker only"
        }
    }
}
