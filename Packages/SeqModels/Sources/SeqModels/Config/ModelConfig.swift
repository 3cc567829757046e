import Autograd
import Foundation

/// The typed hyper-parameters of a ranker. Each property is the camel-case form of the reference's
/// config key (given in its doc); defaults are the reference's (`Configs/model/<Model>.yaml`,
/// SeqModels README § Models: D = 64, dropout 0.4, 2 heads, …).
///
/// Build one in code (`ModelConfig(model: .gru4Rec, itemNum: …, userNum: …)`), from typed values
/// under the reference's keys (`try ModelConfig(["model": "SASRec", "embedding_size": 64, …])`, the
/// Trainer passes its merged `ConfigValue`s), or from a JSON file (`try ModelConfig(contentsOf:)`).
/// Every key is declared once in `ModelConfig.keys` (type, range, doc); keys that are not model
/// hyper-parameters (batch size, learning rate, paths, …) are ignored.
public struct ModelConfig: Equatable, Sendable {
    /// `model`: which encoder.
    public var model: ModelName
    /// `train_type`: Base or Ada-Ranker.
    public var trainType: TrainType
    /// `embedding_size` (D): width of the user and item embeddings and of `seq_emb`. When the key is
    /// absent, `item_embedding_size + cate_embedding_size` (the reference's composition) if both are given.
    public var embeddingSize: Int
    /// `hidden_size`: NARM's GRU width (default 2D) and SASRec's model width (must be D). GRU4Rec
    /// ignores it and always uses 2D, as the reference does. `nil` = the model's default.
    public var hiddenSize: Int?
    /// `num_layers`: stacked GRU layers in NARM (GRU4Rec always uses one, as the reference).
    public var numLayers: Int
    /// `n_layers`: SASRec transformer layers.
    public var nLayers: Int
    /// `n_heads`: SASRec attention heads (must divide D).
    public var nHeads: Int
    /// `inner_size`: SASRec feed-forward width.
    public var innerSize: Int
    /// `hidden_dropout_prob`: SASRec dropout on the input and after each sub-layer.
    public var hiddenDropoutProb: Float
    /// `attn_dropout_prob`: SASRec dropout on the attention probabilities.
    public var attnDropoutProb: Float
    /// `hidden_act`: SASRec feed-forward activation (`gelu` in its erf form, `relu`, `swish`, `tanh`, `sigmoid`).
    public var hiddenAct: FeedForwardActivation
    /// `layer_norm_eps`: SASRec LayerNorm epsilon.
    public var layerNormEps: Float
    /// `kernel_size`: NextItNet convolution width k.
    public var kernelSize: Int
    /// `block_num`: how many times NextItNet repeats `dilations`.
    public var blockNum: Int
    /// `dilations`: NextItNet dilation pattern of one repetition.
    public var dilations: [Int]
    /// `step`: SRGNN gated-GNN steps.
    public var step: Int
    /// `short_item_length`: SHAN's number of recent items s.
    public var shortItemLength: Int
    /// `dropout_prob`: scoring-head input dropout, and GRU4Rec/NARM embedding dropout.
    public var dropoutProb: Float
    /// `MAX_SEQ_LEN` (L): history length; SASRec's position table has L rows.
    public var maxSeqLen: Int
    /// `item_num`: rows of the item table (ids `0 ..< item_num`, 0 = padding).
    public var itemNum: Int
    /// `user_num`: rows of the user table.
    public var userNum: Int
    /// `cate_num`: number of categories (carried for the data pipeline; unused by the models).
    public var cateNum: Int
    /// `neg_items_num`: negatives per row (candidates = 1 + this).
    public var negItemsNum: Int
    /// `use_pre_item_emb`: the item table is loaded from pre-trained vectors; its row 0 then trains
    /// like any other row (except in NextItNet, which always keeps a padding row).
    public var usePreItemEmb: Bool
    /// `seed`: seeds initialisation and the dropout stream.
    public var seed: UInt64

    /// A configuration with the reference defaults for everything not given.
    public init(model: ModelName = .mf, trainType: TrainType = .base, embeddingSize: Int = 64,
                hiddenSize: Int? = nil, numLayers: Int = 1, nLayers: Int = 2, nHeads: Int = 2,
                innerSize: Int = 256, hiddenDropoutProb: Float = 0.5, attnDropoutProb: Float = 0.5,
                hiddenAct: FeedForwardActivation = .gelu, layerNormEps: Float = 1e-12, kernelSize: Int = 3,
                blockNum: Int = 5, dilations: [Int] = [1, 4], step: Int = 1, shortItemLength: Int = 2,
                dropoutProb: Float = 0.4, maxSeqLen: Int = 50, itemNum: Int = 0, userNum: Int = 0,
                cateNum: Int = 0, negItemsNum: Int = 19, usePreItemEmb: Bool = false, seed: UInt64 = 2020) {
        self.model = model
        self.trainType = trainType
        self.embeddingSize = embeddingSize
        self.hiddenSize = hiddenSize
        self.numLayers = numLayers
        self.nLayers = nLayers
        self.nHeads = nHeads
        self.innerSize = innerSize
        self.hiddenDropoutProb = hiddenDropoutProb
        self.attnDropoutProb = attnDropoutProb
        self.hiddenAct = hiddenAct
        self.layerNormEps = layerNormEps
        self.kernelSize = kernelSize
        self.blockNum = blockNum
        self.dilations = dilations
        self.step = step
        self.shortItemLength = shortItemLength
        self.dropoutProb = dropoutProb
        self.maxSeqLen = maxSeqLen
        self.itemNum = itemNum
        self.userNum = userNum
        self.cateNum = cateNum
        self.negItemsNum = negItemsNum
        self.usePreItemEmb = usePreItemEmb
        self.seed = seed
    }

    /// Reads the configuration from typed values under the reference's keys (`ModelConfig.keys`);
    /// absent keys (and null values) keep their defaults. Numbers may also be given as strings
    /// (`"32"`, `"[1, 4]"`). When `embedding_size` is absent, `item_embedding_size +
    /// cate_embedding_size` (the reference's composition) is used if both are given.
    ///
    /// - Throws: `ModelConfigError.wrongType` naming the first key of the wrong type,
    ///   `.unknownModel` for an unknown `model`, `.invalidValue` for a value outside its key's range
    ///   or inconsistent values (see `validate()`).
    public init(_ values: [String: ConfigValue]) throws {
        self.init()
        for key in Self.keys {
            guard let value = values[key.name], value != .null else { continue }
            var decoded = self
            guard key.decode(&decoded, value) else {
                throw ModelConfigError.wrongType(key: key.name, expected: key.typeExpectation, found: value.shown)
            }
            if let problem = key.rangeProblem(value) {
                if key.name == "model", case .string(let name) = value { throw ModelConfigError.unknownModel(name) }
                throw ModelConfigError.invalidValue(key: key.name, reason: problem)
            }
            self = decoded
        }
        if values["embedding_size"] == nil, let item = values["item_embedding_size"]?.integerValue,
           let cate = values["cate_embedding_size"]?.integerValue {
            embeddingSize = item + cate
        }
        try validate()
    }

    /// Reads a JSON object file (such as a parity fixture's `config.json`).
    /// - Throws: `ModelConfigError.unreadable` naming the file and the problem.
    public init(contentsOf url: URL) throws {
        let values: [String: ConfigValue]
        do {
            values = try JSONDecoder().decode([String: ConfigValue].self, from: Data(contentsOf: url))
        } catch {
            throw ModelConfigError.unreadable(path: url.path, reason: "not a JSON object of configuration values (\(error.localizedDescription))")
        }
        do {
            try self.init(values)
        } catch let error as ModelConfigError {
            throw ModelConfigError.unreadable(path: url.path, reason: error.description)
        }
    }

    /// The configuration under the reference's keys, one entry per `ModelConfig.keys` entry
    /// (`hidden_size` only when set); `ModelConfig(values)` gives it back.
    public var values: [String: ConfigValue] {
        var result: [String: ConfigValue] = [:]
        for key in Self.keys { result[key.name] = key.encode(self) }
        return result
    }

    /// GRU width H: 2D for GRU4Rec (the reference ignores `hidden_size` there); `hidden_size`, or
    /// 2D when unset, for NARM.
    public var recurrentHiddenSize: Int { model == .gru4Rec ? 2 * embeddingSize : hiddenSize ?? 2 * embeddingSize }

    /// NextItNet's dilation of every residual block: `dilations` repeated `block_num` times.
    public var blockDilations: [Int] { Array(repeatElement(dilations, count: blockNum).joined()) }

    /// Whether the item table's row 0 is a padding row (zero, no gradient). It is unless pre-trained
    /// item embeddings are used; NextItNet always keeps it (reference behaviour).
    public var itemTableHasPaddingRow: Bool { !usePreItemEmb || model == .nextItNet }

    /// Checks that the values can build a model: every key within its declared range
    /// (`ModelConfig.keys`), then the constraints between keys.
    /// - Throws: `ModelConfigError.invalidValue` naming the first offending key.
    public func validate() throws {
        for key in Self.keys {
            guard let value = key.encode(self), let problem = key.rangeProblem(value) else { continue }
            throw ModelConfigError.invalidValue(key: key.name, reason: problem)
        }
        func require(_ condition: Bool, _ key: String, _ reason: @autoclosure () -> String) throws {
            if !condition { throw ModelConfigError.invalidValue(key: key, reason: reason()) }
        }
        try require(shortItemLength <= maxSeqLen, "short_item_length",
                    "\(shortItemLength) must be between 1 and MAX_SEQ_LEN = \(maxSeqLen)")
        if model == .sasRec {
            let width = hiddenSize ?? embeddingSize
            try require(width == embeddingSize, "hidden_size",
                        "SASRec adds position embeddings to item embeddings, so hidden_size (\(width)) must equal embedding_size (\(embeddingSize))")
            try require(width % nHeads == 0, "n_heads", "\(nHeads) heads do not divide hidden_size \(width)")
        }
    }

    /// Checks the table sizes, which a configuration may leave at 0 until the dataset is known.
    func validateTables() throws {
        if itemNum < 2 {
            throw ModelConfigError.invalidValue(key: "item_num", reason: "\(itemNum); the item table needs the padding row 0 and at least one item")
        }
        if userNum < 1 {
            throw ModelConfigError.invalidValue(key: "user_num", reason: "\(userNum); the user table needs at least one row")
        }
    }
}

/// The feed-forward activations SASRec accepts (`hidden_act`): gelu, relu, swish, tanh, sigmoid.
public typealias FeedForwardActivation = FeedForward.Activation
