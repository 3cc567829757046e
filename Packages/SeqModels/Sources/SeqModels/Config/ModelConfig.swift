import Foundation

/// The typed hyper-parameters of a ranker. Each property is the camel-case form of the reference's
/// config key (given in its doc); defaults are the reference's (`Configs/model/<Model>.yaml`,
/// SeqModels README § Models: D = 64, dropout 0.4, 2 heads, …).
///
/// Build one in code (`ModelConfig(model: .gru4Rec, itemNum: …, userNum: …)`), from a decoded
/// JSON/YAML dictionary (`try ModelConfig(["model": "SASRec", "embedding_size": 64, …])`), or from a
/// JSON file (`try ModelConfig(contentsOf:)`). Keys that are not model hyper-parameters (batch size,
/// learning rate, paths, …) are ignored.
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
    public var hiddenAct: String
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
                hiddenAct: String = "gelu", layerNormEps: Float = 1e-12, kernelSize: Int = 3,
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

    /// Reads the configuration from decoded JSON/YAML values under the reference's keys; absent keys
    /// keep their defaults. Numbers may also be given as strings (`"32"`, command-line overrides).
    ///
    /// - Throws: `ModelConfigError.wrongType` naming the first key of the wrong type,
    ///   `.unknownModel` for an unknown `model`, `.invalidValue` for inconsistent values (see `validate()`).
    public init(_ values: [String: Any]) throws {
        let v = ConfigValues(values: values)
        self.init()
        if let name = try v.string("model") { model = try ModelName(validating: name) }
        if let type = try v.string("train_type") {
            guard let parsed = TrainType(rawValue: type) else {
                throw ModelConfigError.invalidValue(
                    key: "train_type",
                    reason: "'\(type)'; expected one of \(TrainType.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            trainType = parsed
        }
        if let size = try v.int("embedding_size") {
            embeddingSize = size
        } else if let item = try v.int("item_embedding_size"), let cate = try v.int("cate_embedding_size") {
            embeddingSize = item + cate
        }
        hiddenSize = try v.int("hidden_size") ?? hiddenSize
        numLayers = try v.int("num_layers") ?? numLayers
        nLayers = try v.int("n_layers") ?? nLayers
        nHeads = try v.int("n_heads") ?? nHeads
        innerSize = try v.int("inner_size") ?? innerSize
        hiddenDropoutProb = try v.float("hidden_dropout_prob") ?? hiddenDropoutProb
        attnDropoutProb = try v.float("attn_dropout_prob") ?? attnDropoutProb
        hiddenAct = try v.string("hidden_act") ?? hiddenAct
        layerNormEps = try v.float("layer_norm_eps") ?? layerNormEps
        kernelSize = try v.int("kernel_size") ?? kernelSize
        blockNum = try v.int("block_num") ?? blockNum
        dilations = try v.intList("dilations") ?? dilations
        step = try v.int("step") ?? step
        shortItemLength = try v.int("short_item_length") ?? shortItemLength
        dropoutProb = try v.float("dropout_prob") ?? dropoutProb
        maxSeqLen = try v.int("MAX_SEQ_LEN") ?? maxSeqLen
        itemNum = try v.int("item_num") ?? itemNum
        userNum = try v.int("user_num") ?? userNum
        cateNum = try v.int("cate_num") ?? cateNum
        negItemsNum = try v.int("neg_items_num") ?? negItemsNum
        usePreItemEmb = try v.bool("use_pre_item_emb") ?? usePreItemEmb
        if let seedValue = try v.int("seed") {
            guard seedValue >= 0 else { throw ModelConfigError.invalidValue(key: "seed", reason: "\(seedValue) is negative") }
            seed = UInt64(seedValue)
        }
        try validate()
    }

    /// Reads a JSON object file (such as a parity fixture's `config.json`).
    public init(contentsOf url: URL) throws {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(contentsOf: url))
        } catch {
            throw ModelConfigError.unreadable(path: url.path, reason: "\(error.localizedDescription)")
        }
        guard let values = object as? [String: Any] else {
            throw ModelConfigError.unreadable(path: url.path, reason: "the top level is not a JSON object")
        }
        do {
            try self.init(values)
        } catch let error as ModelConfigError {
            throw ModelConfigError.unreadable(path: url.path, reason: error.description)
        }
    }

    /// The configuration under the reference's keys (JSON-serialisable; `hidden_size` only when set).
    public var dictionary: [String: Any] {
        var result: [String: Any] = [
            "model": model.rawValue, "train_type": trainType.rawValue, "embedding_size": embeddingSize,
            "num_layers": numLayers, "n_layers": nLayers, "n_heads": nHeads, "inner_size": innerSize,
            "hidden_dropout_prob": Double(hiddenDropoutProb), "attn_dropout_prob": Double(attnDropoutProb),
            "hidden_act": hiddenAct, "layer_norm_eps": Double(layerNormEps), "kernel_size": kernelSize,
            "block_num": blockNum, "dilations": dilations, "step": step, "short_item_length": shortItemLength,
            "dropout_prob": Double(dropoutProb), "MAX_SEQ_LEN": maxSeqLen, "item_num": itemNum,
            "user_num": userNum, "cate_num": cateNum, "neg_items_num": negItemsNum,
            "use_pre_item_emb": usePreItemEmb, "seed": Int(truncatingIfNeeded: seed),
        ]
        if let hiddenSize { result["hidden_size"] = hiddenSize }
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

    /// Checks that the values can build a model.
    /// - Throws: `ModelConfigError.invalidValue` naming the first offending key.
    public func validate() throws {
        func require(_ condition: Bool, _ key: String, _ reason: @autoclosure () -> String) throws {
            if !condition { throw ModelConfigError.invalidValue(key: key, reason: reason()) }
        }
        try require(embeddingSize > 0, "embedding_size", "\(embeddingSize) must be positive")
        if let hiddenSize { try require(hiddenSize > 0, "hidden_size", "\(hiddenSize) must be positive") }
        try require(numLayers >= 1, "num_layers", "\(numLayers) must be at least 1")
        try require(nLayers >= 1, "n_layers", "\(nLayers) must be at least 1")
        try require(nHeads >= 1, "n_heads", "\(nHeads) must be at least 1")
        try require(innerSize >= 1, "inner_size", "\(innerSize) must be at least 1")
        for (key, p) in [("hidden_dropout_prob", hiddenDropoutProb), ("attn_dropout_prob", attnDropoutProb),
                         ("dropout_prob", dropoutProb)] {
            try require(p >= 0 && p < 1, key, "\(p) is not a probability in [0, 1)")
        }
        try require(FeedForwardActivation(rawValue: hiddenAct) != nil, "hidden_act",
                    "'\(hiddenAct)'; expected one of \(FeedForwardActivation.allCases.map(\.rawValue).joined(separator: ", "))")
        try require(layerNormEps > 0, "layer_norm_eps", "\(layerNormEps) must be positive")
        try require(kernelSize >= 1, "kernel_size", "\(kernelSize) must be at least 1")
        try require(blockNum >= 1, "block_num", "\(blockNum) must be at least 1")
        try require(!dilations.isEmpty && dilations.allSatisfy { $0 >= 1 }, "dilations",
                    "\(dilations) must be a non-empty list of positive integers")
        try require(step >= 1, "step", "\(step) must be at least 1")
        try require(maxSeqLen >= 1, "MAX_SEQ_LEN", "\(maxSeqLen) must be at least 1")
        try require(shortItemLength >= 1 && shortItemLength <= maxSeqLen, "short_item_length",
                    "\(shortItemLength) must be between 1 and MAX_SEQ_LEN = \(maxSeqLen)")
        try require(itemNum >= 0, "item_num", "\(itemNum) is negative")
        try require(userNum >= 0, "user_num", "\(userNum) is negative")
        try require(negItemsNum >= 0, "neg_items_num", "\(negItemsNum) is negative")
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

/// The feed-forward activations SASRec accepts (`hidden_act`).
public enum FeedForwardActivation: String, CaseIterable, Sendable {
    case gelu, relu, swish, tanh, sigmoid
}
