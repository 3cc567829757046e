/// The type (and allowed range) a configuration key must have.
public enum ConfigKind: Sendable, Equatable {
    /// An integer `≥ minimum`.
    case integer(minimum: Int)
    /// A number (integers accepted) in `minimum ... maximum`.
    case number(minimum: Double, maximum: Double)
    /// A number, or null (`~`) for "off".
    case optionalNumber(minimum: Double)
    /// A boolean; the reference's `0` / `1` are accepted too.
    case flag
    /// One of a fixed set of words (compared case-insensitively).
    case choice([String])
    /// Free text (names, paths).
    case text
    /// A list of integers (a single integer is read as a one-element list).
    case integerList
    /// A nested mapping that the trainer passes through untouched (generator settings, per-train-type sections).
    case section

    /// What a value of this kind looks like, for error messages.
    public var expectation: String {
        switch self {
        case .integer(let minimum): return "an integer ≥ \(minimum)"
        case .number(let lo, let hi):
            return hi == .infinity ? "a number ≥ \(lo)" : "a number in [\(lo), \(hi)]"
        case .optionalNumber(let lo): return "a number ≥ \(lo) or ~ (off)"
        case .flag: return "a boolean (true/false or 1/0)"
        case .choice(let words): return "one of \(words.joined(separator: ", "))"
        case .text: return "a string"
        case .integerList: return "a list of integers such as [1, 4]"
        case .section: return "a mapping"
        }
    }
}

/// One known configuration key.
public struct ConfigKey: Sendable {
    public let name: String
    public let kind: ConfigKind
    /// Other spellings accepted for this key (`optimizer` for the reference's `learner`).
    public let aliases: [String]
    /// What the key controls (shown by `train fit --help` and in messages).
    public let help: String

    public init(_ name: String, _ kind: ConfigKind, aliases: [String] = [], _ help: String) {
        self.name = name
        self.kind = kind
        self.aliases = aliases
        self.help = help
    }
}

/// Every key the trainer understands, with its type. Keys outside this table are reported as unknown
/// (with the closest known spelling) and otherwise ignored, as the reference ignores them.
public enum ConfigSchema {
    /// The model names the trainer can build.
    public static let modelNames = ["MF", "GRU4Rec", "SASRec", "NARM", "NextItNet", "SRGNN", "SHAN"]
    /// The reference's train types.
    public static let trainTypes = ["Base", "Ada-Ranker"]
    /// Keys whose value is taken from the prepared data's `stats.json`.
    public static let dataDerivedKeys = ["user_num", "item_num", "cate_num"]

    public static let keys: [ConfigKey] = [
        // What to train.
        ConfigKey("model", .choice(modelNames), "sequence encoder"),
        ConfigKey("dataset", .text, "dataset name; selects Configs/dataset/<dataset>.yaml"),
        ConfigKey("train_type", .choice(trainTypes), "Base ranker or Ada-Ranker"),
        ConfigKey("protocol", .text, "comparison protocol; selects Configs/protocol/<protocol>.yaml (fair: the defaults; paper: the paper's settings)"),
        ConfigKey("freeze", .flag, "fine-tuning: 1 trains only the adaptation layers, 0 trains everything"),
        ConfigKey("use_pre_item_emb", .flag, "initialise the item table from the word2vec vectors (item_emb_<D>)"),
        // Run.
        ConfigKey("seed", .integer(minimum: 0), "seed of every random draw (initialisation, shuffling, dropout, sampling)"),
        ConfigKey("state", .choice(["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]), "log level"),
        ConfigKey("show_progress", .flag, "progress bars (only shown on a terminal)"),
        // Optimisation.
        ConfigKey("epochs", .integer(minimum: 0), "maximum number of training epochs"),
        ConfigKey("batch_size", .integer(minimum: 1), "training rows per step"),
        ConfigKey("eval_batch_size", .integer(minimum: 1), "rows per evaluation step (does not change the metrics)"),
        ConfigKey("learning_rate", .number(minimum: 0, maximum: .infinity), "optimiser learning rate"),
        ConfigKey("learner", .choice(["adam", "sgd", "adagrad", "rmsprop"]), aliases: ["optimizer"], "optimiser"),
        ConfigKey("weight_decay", .number(minimum: 0, maximum: .infinity), "L2 penalty added to the gradients"),
        ConfigKey("clip_grad_norm", .optionalNumber(minimum: 0), "clip the global gradient norm to this value (~ = off)"),
        ConfigKey("eval_step", .integer(minimum: 1), "evaluate on valid every this many epochs"),
        ConfigKey("stopping_step", .integer(minimum: 0), "stop after more than this many evaluations without improvement"),
        ConfigKey("valid_metric", .choice(["group_auc", "ndcg", "ndcg@1", "ndcg@3", "ndcg@10", "hit@1", "hit@3", "hit@10", "mrr"]),
                  "metric that selects the best checkpoint"),
        // Data.
        ConfigKey("MAX_SEQ_LEN", .integer(minimum: 1), "history length L (left padding / keep the last L items)"),
        ConfigKey("neg_items_num", .integer(minimum: 1), "negatives per row (must match the data)"),
        ConfigKey("user_num", .integer(minimum: 1), "user table size incl. padding row 0 (from stats.json)"),
        ConfigKey("item_num", .integer(minimum: 1), "item table size incl. padding row 0 (from stats.json)"),
        ConfigKey("cate_num", .integer(minimum: 1), "category id count incl. padding 0 (from stats.json)"),
        // Model hyper-parameters (SeqModels README § Models).
        ConfigKey("embedding_size", .integer(minimum: 1), "embedding dimension D"),
        ConfigKey("hidden_size", .integer(minimum: 1), "GRU / NARM hidden size H (SASRec: must equal D)"),
        ConfigKey("num_layers", .integer(minimum: 1), "NARM stacked GRU layers"),
        ConfigKey("n_layers", .integer(minimum: 1), "SASRec transformer layers"),
        ConfigKey("n_heads", .integer(minimum: 1), "SASRec attention heads"),
        ConfigKey("inner_size", .integer(minimum: 1), "SASRec feed-forward size"),
        ConfigKey("hidden_dropout_prob", .number(minimum: 0, maximum: 1), "SASRec hidden dropout"),
        ConfigKey("attn_dropout_prob", .number(minimum: 0, maximum: 1), "SASRec attention dropout"),
        ConfigKey("hidden_act", .choice(["gelu", "relu", "swish", "tanh", "sigmoid"]), "SASRec feed-forward activation"),
        ConfigKey("layer_norm_eps", .number(minimum: 0, maximum: 1), "LayerNorm epsilon"),
        ConfigKey("kernel_size", .integer(minimum: 1), "NextItNet convolution width"),
        ConfigKey("block_num", .integer(minimum: 1), "NextItNet: how often the dilation list repeats"),
        ConfigKey("dilations", .integerList, "NextItNet dilations of one block group"),
        ConfigKey("step", .integer(minimum: 1), "SRGNN gated-GNN steps"),
        ConfigKey("short_item_length", .integer(minimum: 1), "SHAN short-term window"),
        ConfigKey("dropout_prob", .number(minimum: 0, maximum: 1), "dropout of embeddings, scoring head and extractor"),
        ConfigKey("ada_init", .choice(["reference", "identity"]),
                  "Ada-Ranker adaptation layers' initialisation: identity (default; starts as its Base ranker) or reference (PyTorch/Xavier, the paper's)"),
        ConfigKey("kl_weight", .number(minimum: 0, maximum: .infinity),
                  "Ada-Ranker: weight of KL(q(z) ‖ N(0, I)) added to the loss (0 = the reference's objective)"),
        // Sections.
        ConfigKey("Base", .section, "settings applied only when train_type is Base"),
        ConfigKey("Ada-Ranker", .section, "settings applied only when train_type is Ada-Ranker"),
        ConfigKey("synthetic", .section, "settings of the built-in synthetic data generator (dataset demo)"),
    ]

    /// The key named `name` or one of its aliases.
    public static func key(named name: String) -> ConfigKey? {
        keys.first { $0.name == name || $0.aliases.contains(name) }
    }

    /// The canonical spelling of `name` (aliases map to their key), or `name` itself when unknown.
    public static func canonicalName(_ name: String) -> String { key(named: name)?.name ?? name }

    /// The known key spelled most like `name`, when it is close (a likely typo).
    public static func suggestion(for name: String) -> String? {
        let lowered = name.lowercased()
        let scored = keys.map { ($0.name, editDistance(lowered, $0.name.lowercased())) }
        guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= max(2, name.count / 4) else { return nil }
        return best.0
    }

    /// Levenshtein distance between two strings.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        var previous = Array(0...b.count)
        var current = previous
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
