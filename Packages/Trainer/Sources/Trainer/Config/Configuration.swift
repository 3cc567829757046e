import Foundation
import SeqModels

/// One source of configuration values: a YAML file, a section of one, the command line, the data.
struct ConfigLayer: Sendable, Equatable {
    /// Where the values come from (`Configs/overall.yaml`, `command line`, …), for messages.
    public var source: String
    public var values: [String: ConfigValue]
    /// 1-based line of each key in `source`, when it is a file.
    public var lines: [String: Int]

    public init(source: String, values: [String: ConfigValue], lines: [String: Int] = [:]) {
        self.source = source
        self.values = values
        self.lines = lines
    }
}

/// A configuration assembled from layers, later layers overriding earlier ones (Trainer README
/// § Configuration: `overall.yaml` → `model/<Model>.yaml` → `dataset/<Dataset>.yaml` →
/// `protocol/<protocol>.yaml` → the command's settings → `--key=value`).
///
/// Values are checked against `ConfigSchema` when read through the typed accessors, so an error
/// names the key, the expected type and the file line or argument the value came from.
public struct Configuration: Sendable, Equatable {
    private(set) var layers: [ConfigLayer]

    init(layers: [ConfigLayer] = []) {
        self.layers = []
        for layer in layers { append(layer) }
    }

    /// Adds a layer on top (its values win). Alias spellings are stored under their canonical key.
    mutating func append(_ layer: ConfigLayer) {
        var canonical = ConfigLayer(source: layer.source, values: [:], lines: [:])
        for (key, value) in layer.values {
            let name = ConfigSchema.canonicalName(key)
            canonical.values[name] = value
            if let line = layer.lines[key] { canonical.lines[name] = line }
        }
        layers.append(canonical)
    }

    /// The merged values (the last layer that sets a key wins).
    public var values: [String: ConfigValue] {
        var merged: [String: ConfigValue] = [:]
        for layer in layers { merged.merge(layer.values) { _, new in new } }
        return merged
    }

    /// The value of `key` with the layer it came from, or nil when no layer sets it.
    public func lookup(_ key: String) -> (value: ConfigValue, origin: String)? {
        let name = ConfigSchema.canonicalName(key)
        for layer in layers.reversed() {
            if let value = layer.values[name] {
                return (value, layer.lines[name].map { "\(layer.source):\($0)" } ?? layer.source)
            }
        }
        return nil
    }

    /// Whether any layer sets `key`.
    public func contains(_ key: String) -> Bool { lookup(key) != nil }

    /// Keys that no entry of `ConfigSchema` knows, with where they were set and a likely intended key.
    public var unknownKeys: [(key: String, origin: String, suggestion: String?)] {
        var seen = Set<String>()
        var result: [(String, String, String?)] = []
        for layer in layers {
            for key in layer.values.keys.sorted() where ConfigSchema.key(named: key) == nil && seen.insert(key).inserted {
                let origin = layer.lines[key].map { "\(layer.source):\($0)" } ?? layer.source
                result.append((key, origin, ConfigSchema.suggestion(for: key)))
            }
        }
        return result
    }

    /// Messages for `unknownKeys`, one per key (for the run log).
    public var unknownKeyWarnings: [String] {
        unknownKeys.map { entry in
            "unknown config key '\(entry.key)' (\(entry.origin)) is ignored"
                + (entry.suggestion.map { "; did you mean '\($0)'?" } ?? "")
        }
    }

    // MARK: Typed access

    private func required(_ key: String) throws -> (value: ConfigValue, origin: String) {
        guard let found = lookup(key) else {
            throw ConfigError.missingKey(key: key, searched: layers.map(\.source).filter { $0 != "command line" })
        }
        return found
    }

    private func kind(of key: String) -> ConfigKind {
        guard let entry = ConfigSchema.key(named: key) else { preconditionFailure("'\(key)' is not in ConfigSchema") }
        return entry.kind
    }

    /// The error for a value of `key` that has the wrong type or lies outside its range. Numbers
    /// must be finite (`.inf`, `1e400` and `.nan` are read as text, see `ConfigValue.init(node:)`).
    private func mismatch(_ key: String, _ found: (value: ConfigValue, origin: String)) -> ConfigError {
        let shown: String
        if case .string(let s) = found.value { shown = "the string '\(s)'" } else { shown = "\(found.value.typeName) \(found.value)" }
        let expected = kind(of: key).expectation.replacingOccurrences(of: "a number", with: "a finite number")
        return .wrongType(key: key, expected: expected, found: shown, origin: found.origin)
    }

    /// An integer key, checked against its minimum.
    public func int(_ key: String) throws -> Int {
        let found = try required(key)
        guard case .integer(let minimum) = kind(of: key) else { preconditionFailure("'\(key)' is not an integer key") }
        guard case .int(let value) = found.value, value >= minimum else { throw mismatch(key, found) }
        return value
    }

    /// A number key (integers accepted), checked against its range.
    public func double(_ key: String) throws -> Double {
        let found = try required(key)
        guard case .number(let range) = kind(of: key) else { preconditionFailure("'\(key)' is not a number key") }
        let value: Double
        switch found.value {
        case .int(let i): value = Double(i)
        case .double(let d): value = d
        default: throw mismatch(key, found)
        }
        guard range.contains(value) else { throw mismatch(key, found) }
        return value
    }

    /// A number-or-null key; nil when null or unset.
    public func optionalDouble(_ key: String) throws -> Double? {
        guard let found = lookup(key) else { return nil }
        guard case .optionalNumber(let lo) = kind(of: key) else { preconditionFailure("'\(key)' is not an optional number key") }
        switch found.value {
        case .null: return nil
        case .int(let i) where Double(i) >= lo: return Double(i)
        case .double(let d) where d >= lo: return d
        default: throw mismatch(key, found)
        }
    }

    /// A flag key: `true`/`false` or the reference's `1`/`0`.
    public func bool(_ key: String) throws -> Bool {
        let found = try required(key)
        switch found.value {
        case .bool(let b): return b
        case .int(0): return false
        case .int(1): return true
        default: throw mismatch(key, found)
        }
    }

    /// A choice key, returned in the schema's spelling (`adam`, `GRU4Rec`, `Ada-Ranker`).
    public func choice(_ key: String) throws -> String {
        let found = try required(key)
        guard case .choice(let words) = kind(of: key) else { preconditionFailure("'\(key)' is not a choice key") }
        guard case .string(let text) = found.value,
              let word = words.first(where: { $0.lowercased() == text.lowercased() }) else { throw mismatch(key, found) }
        return word
    }

    /// `model` as its enum (the key's words are `ModelName`'s raw values).
    func modelName() throws -> ModelName { try choice("model", as: ModelName.self) }

    /// `train_type` as its enum (the key's words are `TrainType`'s raw values).
    func trainType() throws -> TrainType { try choice("train_type", as: TrainType.self) }

    /// A choice key declared with `E`'s raw values (`ConfigKind.choice(of:)`), as `E`.
    func choice<E: RawRepresentable>(_ key: String, as type: E.Type) throws -> E where E.RawValue == String {
        let word = try choice(key)
        guard let value = E(rawValue: word) else { preconditionFailure("'\(key)' is declared with other words than \(E.self)'s") }
        return value
    }

    /// A text key.
    public func string(_ key: String) throws -> String {
        let found = try required(key)
        switch found.value {
        case .string(let s): return s
        case .int, .double: return found.value.description
        default: throw mismatch(key, found)
        }
    }

    /// An integer-list key, each entry checked against its minimum.
    public func intList(_ key: String) throws -> [Int] {
        let found = try required(key)
        guard case .integerList(let minimum) = kind(of: key) else { preconditionFailure("'\(key)' is not an integer-list key") }
        let result: [Int]
        switch found.value {
        case .int(let i): result = [i]
        case .list(let items):
            result = try items.map { item in
                guard case .int(let i) = item else { throw mismatch(key, found) }
                return i
            }
        default: throw mismatch(key, found)
        }
        guard !result.isEmpty, result.allSatisfy({ $0 >= minimum }) else { throw mismatch(key, found) }
        return result
    }

    /// A section key's mapping (empty when unset).
    public func section(_ key: String) throws -> [String: ConfigValue] {
        guard let found = lookup(key) else { return [:] }
        guard case .mapping(let map) = found.value else { throw mismatch(key, found) }
        return map
    }

    /// Checks the type of every known key that is set, so a mistake anywhere is reported before
    /// training starts rather than when the value is first used.
    public func validate() throws {
        try validate(keys: values.keys.sorted())
    }

    /// Checks the type and range of each of `keys` that is set and known.
    public func validate(keys: [String]) throws {
        let set = values
        for key in keys where set[key] != nil {
            guard let entry = ConfigSchema.key(named: key) else { continue }
            switch entry.kind {
            case .integer: _ = try int(key)
            case .number: _ = try double(key)
            case .optionalNumber: _ = try optionalDouble(key)
            case .flag: _ = try bool(key)
            case .choice: _ = try choice(key)
            case .text: _ = try string(key)
            case .integerList: _ = try intList(key)
            case .section: _ = try section(key)
            }
        }
    }

    // MARK: Data-derived keys

    /// Sets `user_num`, `item_num`, `cate_num` (or any keys) from the data. A value configured
    /// explicitly that disagrees is an error, not a crash later; an agreeing one is accepted.
    public mutating func bindDataValues(_ derived: [String: Int], source: String) throws {
        for key in derived.keys.sorted() {
            let value = derived[key]!
            if let configured = lookup(key) {
                guard case .int(let number) = configured.value else { throw mismatch(key, configured) }
                if number != value {
                    throw ConfigError.conflictsWithData(key: key, configured: number, origin: configured.origin,
                                                        data: value, dataSource: source)
                }
            }
        }
        append(ConfigLayer(source: source, values: derived.mapValues { .int($0) }))
    }

    // MARK: Serialisation

    /// The merged values as pretty, key-sorted JSON (for checkpoint sidecars and the run folder).
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(values)
    }

    /// A one-layer configuration from values saved by `jsonData()`.
    public static func fromJSON(_ data: Data, source: String) throws -> Configuration {
        let values = try JSONDecoder().decode([String: ConfigValue].self, from: data)
        return Configuration(layers: [ConfigLayer(source: source, values: values)])
    }

    /// `key = value` lines of the merged values, sorted (for the log).
    public var summary: String {
        values.sorted { $0.key < $1.key }.map { "\($0.key) = \($0.value)" }.joined(separator: "\n")
    }
}
