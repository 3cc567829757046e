import SeqModels

/// The model `config` asks for: a Base `Ranker` when `train_type` is `Base`, an `AdaRanker` around
/// the same encoder when it is `Ada-Ranker`; initialised from `config.seed`.
/// - Throws: `ModelConfigError` for invalid hyper-parameters or table sizes.
public func makeRankingModel(config: ModelConfig) throws -> any RankingModel {
    switch config.trainType {
    case .base: return try Ranker(config: config)
    case .adaRanker: return try AdaRanker(config: config)
    }
}

/// `makeRankingModel(config:)` with the training type given by its reference spelling
/// (`"Base"` or `"Ada-Ranker"`), which overrides `config.trainType`.
/// - Throws: `ModelConfigError.invalidValue(key: "train_type", …)` listing the accepted values.
public func makeRankingModel(trainType: String, config: ModelConfig) throws -> any RankingModel {
    guard let type = TrainType(rawValue: trainType) else {
        let accepted = TrainType.allCases.map { "'\($0.rawValue)'" }.joined(separator: " or ")
        throw ModelConfigError.invalidValue(key: "train_type", reason: "'\(trainType)'; expected \(accepted)")
    }
    var config = config
    config.trainType = type
    return try makeRankingModel(config: config)
}
