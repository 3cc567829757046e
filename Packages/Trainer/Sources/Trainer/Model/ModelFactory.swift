import AdaLayers
import Autograd
import DataPipeline
import Foundation
import SeqModels
import Tensor

/// Builds the ranking model of a run from its configuration and fills it with pre-trained item
/// vectors or checkpoint weights, checking that names and shapes agree.
enum ModelFactory {
    /// The model's hyper-parameters from the configuration (the keys of `ModelConfig.keys`; `seed`
    /// seeds the initialisation). Each model key that is set is first checked here against its
    /// declaration, so a wrong type or range is an error naming the key and the file line it came from.
    public static func modelConfig(_ config: Configuration) throws -> ModelConfig {
        try config.validate(keys: ModelConfig.keys.map(\.name))
        do {
            return try ModelConfig(config.values)
        } catch let error as ModelConfigError {
            throw TrainerError.invalidSetting(error.description)
        }
    }

    /// A new model (Base or Ada-Ranker per `train_type`, built by AdaLayers' `makeRankingModel`),
    /// initialised from `seed`. An Ada-Ranker gets `kl_weight` and `log_sigma_max` and starts as
    /// `ada_init` says (`identity`: exactly its Base ranker); a Base ranker ignores those keys.
    /// - Parameter freezeBase: leave only the adaptation layers trainable (`freeze = 1` fine-tuning).
    /// - Throws: `TrainerError.invalidSetting` for invalid hyper-parameters, or `freezeBase` for a Base model.
    public static func makeModel(_ config: Configuration, freezeBase: Bool = false) throws -> any RankingModel {
        let modelConfig = try modelConfig(config)
        let adaptation = try AdaptationSettings(config)
        let adaRanker = AdaRankerOptions(
            klWeight: adaptation.klWeight, logSigmaLimit: adaptation.logSigmaLimit,
            startsAsBaseRanker: adaptation.initialisation == .identity, freezesBase: freezeBase)
        do {
            return try makeRankingModel(config: modelConfig, adaRanker: adaRanker)
        } catch let error as ModelConfigError {
            throw TrainerError.invalidSetting(error.description)
        } catch RankingModelFactoryError.freezingBaseRanker {
            throw TrainerError.invalidSetting("freeze = 1 applies to an Ada-Ranker only")
        }
    }

    /// Copies pre-trained item vectors into `item_embedding.weight` (row 0 stays as given: zeros).
    ///
    /// Looks in `folder` for `item_emb_<D>.safetensors`, then `item_emb_<D>.txt` (DataPipeline README § Item-embedding pre-training).
    /// - Throws: `TrainerError.invalidSetting` when neither exists or the table does not fit.
    public static func loadPretrainedItemEmbeddings(into model: any RankingModel, folder: String,
                                                    itemNum: Int, dimension: Int) throws -> String {
        let base = URL(fileURLWithPath: folder)
        let binary = base.appendingPathComponent(ItemEmbeddings.safeTensorsFileName(vectorSize: dimension)).path
        let text = base.appendingPathComponent(ItemEmbeddings.textFileName(vectorSize: dimension)).path
        let embeddings: ItemEmbeddings
        let source: String
        if FileManager.default.fileExists(atPath: binary) {
            embeddings = try ItemEmbeddings.readSafeTensors(from: binary)
            source = binary
        } else if FileManager.default.fileExists(atPath: text) {
            embeddings = try ItemEmbeddings.readText(from: text, itemCount: itemNum - 1, vectorSize: dimension)
            source = text
        } else {
            throw TrainerError.invalidSetting(
                "use_pre_item_emb = 1 but \(folder) has neither \(URL(fileURLWithPath: binary).lastPathComponent) nor \(URL(fileURLWithPath: text).lastPathComponent); run `train prepare` without --no-pretrain or pass --use_pre_item_emb=0")
        }
        guard embeddings.itemCount + 1 == itemNum, embeddings.vectorSize == dimension else {
            throw TrainerError.invalidSetting(
                "\(source) holds \(embeddings.itemCount + 1) × \(embeddings.vectorSize) item vectors (padding row included), the model needs item_num \(itemNum) × embedding_size \(dimension)")
        }
        try model.loadStateDict(["item_embedding.weight": embeddings.tensor], strict: false)
        return source
    }

    /// Loads checkpoint weights into a model of the same kind, requiring exactly its parameters.
    /// - Throws: `TrainerError.checkpointMismatch` naming the first missing, unexpected or
    ///   mis-shaped parameter (with both shapes).
    public static func loadWeights(_ weights: [String: Tensor], into model: any RankingModel, path: String) throws {
        do {
            try model.loadCheckedStateDict(weights, strict: true, source: path)
        } catch let error as StateDictFileError {
            throw TrainerError.checkpointMismatch(path: path, reason: error.reason)
        }
    }

    /// Loads a Base checkpoint into an Ada-Ranker for fine-tuning: the checkpoint must hold exactly
    /// the parameters of its Base part (`RankingModel.baseRanker`); the adaptation layers keep their values.
    /// - Throws: `TrainerError.checkpointMismatch` as `loadWeights` does, or when `model` has no Base part.
    public static func loadBaseWeights(_ weights: [String: Tensor], into model: any RankingModel, path: String) throws {
        guard let base = model.baseRanker else {
            throw TrainerError.checkpointMismatch(path: path, reason: "a Base checkpoint loads into an Ada-Ranker only")
        }
        try loadWeights(weights, into: base, path: path)
    }
}
