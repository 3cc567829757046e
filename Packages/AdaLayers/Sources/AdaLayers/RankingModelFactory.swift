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
