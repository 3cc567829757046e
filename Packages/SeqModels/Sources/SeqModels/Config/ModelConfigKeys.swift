import Foundation

/// One model key: its declaration (reference name, type and range, doc) and how it reads and
/// writes its `ModelConfig` property. `ModelConfig.keys` lists every model key once; decoding
/// (`ModelConfig(_:)`), encoding (`ModelConfig.values`), range checks (`validate()`) and the
/// Trainer's schema of model keys all come from that table.
public struct ModelConfigKey: Sendable {
    /// Name, kind (type and range) and doc.
    public let declaration: ConfigKey
    /// Reads `value` into the property; `nil` when the value has the wrong type.
    let decode: @Sendable (inout ModelConfig, ConfigValue) -> Bool
    /// The property's value (`nil` for an unset optional).
    let encode: @Sendable (ModelConfig) -> ConfigValue?
    /// What the decoder accepts, for type errors (`an integer`, `a list of integers`, …).
    let typeExpectation: String

    public var name: String { declaration.name }
    public var kind: ConfigKind { declaration.kind }
    public var help: String { declaration.help }
    /// The value `ModelConfig()` has (`nil` for an optional key that is unset by default).
    public var defaultValue: ConfigValue? { encode(ModelConfig()) }

    /// Whether `value` (of the right type) lies in the key's range; `nil` = it does, else the reason.
    func rangeProblem(_ value: ConfigValue) -> String? {
        switch kind {
        case .integer(let minimum):
            if let i = value.integerValue, i < minimum { return "\(i) must be at least \(minimum)" }
        case .number(let range):
            if let x = value.numberValue, !range.contains(x) { return "\(x) is not \(range.description)" }
        case .integerList(let minimum):
            if let list = value.integerListValue, list.isEmpty || list.contains(where: { $0 < minimum }) {
                return "\(list) must be a non-empty list of integers ≥ \(minimum)"
            }
        case .choice(let words):
            if case .string(let s) = value, !words.contains(where: { $0.lowercased() == s.lowercased() }) {
                return "'\(s)'; expected one of \(words.joined(separator: ", "))"
            }
        default: break
        }
        return nil
    }
}

extension ModelConfigKey {
    static func integer(_ name: String, _ path: WritableKeyPath<ModelConfig, Int>, minimum: Int, _ help: String) -> ModelConfigKey {
        ModelConfigKey(declaration: ConfigKey(name, .integer(minimum: minimum), help),
                       decode: { config, value in
                           guard let i = value.integerValue else { return false }
                           config[keyPath: path] = i
                           return true
                       },
                       encode: { .int($0[keyPath: path]) }, typeExpectation: "an integer")
    }

    static func optionalInteger(_ name: String, _ path: WritableKeyPath<ModelConfig, Int?>, minimum: Int, _ help: String) -> ModelConfigKey {
        ModelConfigKey(declaration: ConfigKey(name, .integer(minimum: minimum), help),
                       decode: { config, value in
                           guard let i = value.integerValue else { return false }
                           config[keyPath: path] = i
                           return true
                       },
                       encode: { $0[keyPath: path].map { .int($0) } }, typeExpectation: "an integer")
    }

    static func number(_ name: String, _ path: WritableKeyPath<ModelConfig, Float>, _ range: NumberRange, _ help: String) -> ModelConfigKey {
        ModelConfigKey(declaration: ConfigKey(name, .number(range), help),
                       decode: { config, value in
                           guard let x = value.numberValue else { return false }
                           config[keyPath: path] = Float(x)
                           return true
                       },
                       encode: { .double(Double($0[keyPath: path])) }, typeExpectation: "a number")
    }

    static func flag(_ name: String, _ path: WritableKeyPath<ModelConfig, Bool>, _ help: String) -> ModelConfigKey {
        ModelConfigKey(declaration: ConfigKey(name, .flag, help),
                       decode: { config, value in
                           guard let b = value.flagValue else { return false }
                           config[keyPath: path] = b
                           return true
                       },
                       encode: { .bool($0[keyPath: path]) }, typeExpectation: "a boolean (true/false or 0/1)")
    }

    static func integerList(_ name: String, _ path: WritableKeyPath<ModelConfig, [Int]>, minimum: Int, _ help: String) -> ModelConfigKey {
        ModelConfigKey(declaration: ConfigKey(name, .integerList(minimum: minimum), help),
                       decode: { config, value in
                           guard let list = value.integerListValue else { return false }
                           config[keyPath: path] = list
                           return true
                       },
                       encode: { .list($0[keyPath: path].map { .int($0) }) }, typeExpectation: "a list of integers")
    }

    /// A key whose values are the raw values of `E` (matched case-insensitively); an unknown word
    /// is an error listing the allowed ones.
    static func choice<E: CaseIterable & RawRepresentable & Sendable>(
        _ name: String, _ path: WritableKeyPath<ModelConfig, E>, _ help: String
    ) -> ModelConfigKey where E.RawValue == String {
        ModelConfigKey(declaration: ConfigKey(name, .choice(of: E.self), help),
                       decode: { config, value in
                           guard case .string(let text) = value else { return false }
                           // An unknown word keeps the old value; `rangeProblem` reports it.
                           if let match = E.allCases.first(where: { $0.rawValue.lowercased() == text.lowercased() }) {
                               config[keyPath: path] = match
                           }
                           return true
                       },
                       encode: { .string($0[keyPath: path].rawValue) }, typeExpectation: "a string")
    }
}

extension ModelConfig {
    /// Every model key, declared once: the reference's name, type and range, and what it controls.
    /// Defaults are `ModelConfig()`'s (`ModelConfigKey.defaultValue`). The Trainer's configuration
    /// schema takes its model keys from this table.
    public static let keys: [ModelConfigKey] = [
        .choice("model", \.model, "sequence encoder"),
        .choice("train_type", \.trainType, "Base ranker or Ada-Ranker"),
        .integer("seed", \.seedValue, minimum: 0, "seed of every random draw (initialisation, shuffling, dropout, sampling)"),
        .integer("MAX_SEQ_LEN", \.maxSeqLen, minimum: 1, "history length L (left padding / keep the last L items)"),
        .integer("neg_items_num", \.negItemsNum, minimum: 1, "negatives per row (must match the data)"),
        .integer("user_num", \.userNum, minimum: 0, "user table size incl. padding row 0 (from stats.json; 0 = not known yet)"),
        .integer("item_num", \.itemNum, minimum: 0, "item table size incl. padding row 0 (from stats.json; 0 = not known yet)"),
        .integer("cate_num", \.cateNum, minimum: 0, "category id count incl. padding 0 (from stats.json; unused by the models)"),
        .flag("use_pre_item_emb", \.usePreItemEmb, "initialise the item table from the word2vec vectors (item_emb_<D>)"),
        .integer("embedding_size", \.embeddingSize, minimum: 1, "embedding dimension D"),
        .optionalInteger("hidden_size", \.hiddenSize, minimum: 1, "GRU / NARM hidden size H (SASRec: must equal D)"),
        .integer("num_layers", \.numLayers, minimum: 1, "NARM stacked GRU layers"),
        .integer("n_layers", \.nLayers, minimum: 1, "SASRec transformer layers"),
        .integer("n_heads", \.nHeads, minimum: 1, "SASRec attention heads (must divide D)"),
        .integer("inner_size", \.innerSize, minimum: 1, "SASRec feed-forward size"),
        .number("hidden_dropout_prob", \.hiddenDropoutProb, .probability, "SASRec hidden dropout"),
        .number("attn_dropout_prob", \.attnDropoutProb, .probability, "SASRec attention dropout"),
        .choice("hidden_act", \.hiddenAct, "SASRec feed-forward activation"),
        .number("layer_norm_eps", \.layerNormEps, .greaterThan(0), "SASRec LayerNorm epsilon"),
        .integer("kernel_size", \.kernelSize, minimum: 1, "NextItNet convolution width"),
        .integer("block_num", \.blockNum, minimum: 1, "NextItNet: how often the dilation list repeats"),
        .integerList("dilations", \.dilations, minimum: 1, "NextItNet dilations of one block group"),
        .integer("step", \.step, minimum: 1, "SRGNN gated-GNN steps"),
        .integer("short_item_length", \.shortItemLength, minimum: 1, "SHAN short-term window (at most MAX_SEQ_LEN)"),
        .number("dropout_prob", \.dropoutProb, .probability, "dropout of embeddings, scoring head and extractor"),
    ]

    /// The declaration of the model key `name`.
    public static func key(named name: String) -> ModelConfigKey? { keys.first { $0.name == name } }

    /// `seed` as the table's integer (the property is a `UInt64`).
    var seedValue: Int {
        get { Int(truncatingIfNeeded: seed) }
        set { seed = UInt64(max(newValue, 0)) }
    }
}
