import SeqModels

/// Every key the trainer understands, with its type. Keys outside this table are reported as unknown
/// (with the closest known spelling) and otherwise ignored, as the reference ignores them.
enum ConfigSchema {
    /// Keys whose value is taken from the prepared data's `stats.json`.
    static let dataDerivedKeys = ["user_num", "item_num", "cate_num"]

    /// The keys that select configuration layers (`dataset/<dataset>.yaml`, `protocol/<protocol>.yaml`);
    /// `ConfigLoader` reads them.
    static let selectionKeys: [ConfigKey] = [
        ConfigKey("dataset", .text, "dataset name; selects Configs/dataset/<dataset>.yaml"),
        ConfigKey("protocol", .text, "comparison protocol; selects Configs/protocol/<protocol>.yaml (fair: the defaults; paper: the paper's settings)"),
    ]

    /// The training keys: the selection keys, then those of `TrainingSettings.keys` and
    /// `AdaptationSettings.keys` (declared there with their defaults and the property each fills).
    /// The model keys are SeqModels' `ModelConfig.keys`.
    static let trainingKeys: [ConfigKey] =
        selectionKeys + TrainingSettings.keys.map(\.declaration) + AdaptationSettings.keys.map(\.declaration)

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
