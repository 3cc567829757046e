import SeqModels

/// Every key the trainer understands, with its type. Keys outside this table are reported as unknown
/// (with the closest known spelling) and otherwise ignored, as the reference ignores them.
enum ConfigSchema {
    /// Keys whose value is taken from the prepared data's `stats.json`.
    static let dataDerivedKeys = ["user_num", "item_num", "cate_num"]

    /// The training keys, declared here; the model keys are SeqModels' `ModelConfig.keys`.
    static let trainingKeys: [ConfigKey] = [
        // What to train.
        ConfigKey("dataset", .text, "dataset name; selects Configs/dataset/<dataset>.yaml"),
        ConfigKey("protocol", .text, "comparison protocol; selects Configs/protocol/<protocol>.yaml (fair: the defaults; paper: the paper's settings)"),
        ConfigKey("freeze", .flag, "fine-tuning: 1 trains only the adaptation layers, 0 trains everything"),
        // Run.
        ConfigKey("state", .choice(["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]), "log level"),
        ConfigKey("show_progress", .flag, "progress bars (only shown on a terminal)"),
        // Optimisation.
        ConfigKey("epochs", .integer(minimum: 0), "maximum number of training epochs"),
        ConfigKey("batch_size", .integer(minimum: 1), "training rows per step"),
        ConfigKey("eval_batch_size", .integer(minimum: 1), "rows per evaluation step (does not change the metrics)"),
        ConfigKey("learning_rate", .number(.atLeast(0)), "optimiser learning rate"),
        ConfigKey("learner", .choice(["adam", "sgd", "adagrad", "rmsprop"]), aliases: ["optimizer"], "optimiser"),
        ConfigKey("weight_decay", .number(.atLeast(0)), "L2 penalty added to the gradients"),
        ConfigKey("clip_grad_norm", .optionalNumber(minimum: 0), "clip the global gradient norm to this value (~ = off)"),
        ConfigKey("eval_step", .integer(minimum: 1), "evaluate on valid every this many epochs"),
        ConfigKey("stopping_step", .integer(minimum: 0), "stop after more than this many evaluations without improvement"),
        ConfigKey("valid_metric", .choice(["group_auc", "ndcg", "ndcg@1", "ndcg@3", "ndcg@10", "hit@1", "hit@3", "hit@10", "mrr"]),
                  "metric that selects the best checkpoint"),
        // Ada-Ranker training.
        ConfigKey("ada_init", .choice(AdaptationInitialisation.allCases.map(\.rawValue)),
                  "Ada-Ranker adaptation layers' initialisation: identity (default; starts as its Base ranker) or reference (PyTorch/Xavier, the paper's)"),
        ConfigKey("ada_lr_scale", .number(.atLeast(0)),
                  "Ada-Ranker: factor on learning_rate for the adaptation layers (extractor, FiLM, memory units); 1 = one rate for all"),
        ConfigKey("kl_weight", .number(.atLeast(0)),
                  "Ada-Ranker: weight of KL(q(z) ‖ N(0, I)) added to the loss (0 = the reference's objective)"),
        ConfigKey("log_sigma_max", .optionalNumber(minimum: 0),
                  "Ada-Ranker: bound on log_sigma in the sample's noise scale exp(0.5·min(log_sigma, s)) (~ = unbounded, the reference's, which can overflow to NaN)"),
    ]

    /// Nested sections.
    static let sectionKeys: [ConfigKey] = [
        ConfigKey("Base", .section, "settings applied only when train_type is Base"),
        ConfigKey("Ada-Ranker", .section, "settings applied only when train_type is Ada-Ranker"),
        ConfigKey("synthetic", .section, "settings of the built-in synthetic data generator (dataset demo)"),
    ]

    /// Every key: the training keys, the model keys (SeqModels' `ModelConfig.keys`, declared there
    /// once with their ranges) and the sections.
    static let keys: [ConfigKey] = trainingKeys + ModelConfig.keys.map(\.declaration) + sectionKeys

    /// The key named `name` or one of its aliases.
    static func key(named name: String) -> ConfigKey? {
        keys.first { $0.name == name || $0.aliases.contains(name) }
    }

    /// The canonical spelling of `name` (aliases map to their key), or `name` itself when unknown.
    static func canonicalName(_ name: String) -> String { key(named: name)?.name ?? name }

    /// The known key spelled most like `name`, when it is close (a likely typo).
    static func suggestion(for name: String) -> String? {
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
