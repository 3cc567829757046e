import Yams

/// One configuration value as written in a YAML file or on the command line.
///
/// Values keep the type YAML gives them (`0.001` is a double, `50` an int, `True` a bool,
/// `[1, 4]` a list, `~` null); `ConfigSchema` then checks each known key's type.
public enum ConfigValue: Equatable, Sendable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case list([ConfigValue])
    /// A nested mapping (e.g. the `Ada-Ranker:` section or the demo's `synthetic:` settings).
    case mapping([String: ConfigValue])

    /// Parses a command-line value the way YAML reads a scalar, plus Python's `None`, so that
    /// reference-style arguments (`--use_pre_item_emb=1`, `--freeze=True`, `--dilations=[1,4]`) work.
    public init(commandLineText text: String) {
        if text == "None" { self = .null; return }
        guard let node = try? Yams.compose(yaml: text) else { self = .string(text); return }
        self = ConfigValue(node: node)
        if case .mapping = self { self = .string(text) }
    }

    /// Converts a composed YAML node, resolving scalars by YAML's core tags.
    init(node: Node) {
        if let sequence = node.sequence {
            self = .list(sequence.map(ConfigValue.init(node:)))
        } else if let mapping = node.mapping {
            var result: [String: ConfigValue] = [:]
            for (key, value) in mapping { result[key.string ?? "\(key)"] = ConfigValue(node: value) }
            self = .mapping(result)
        } else if node.null != nil {
            self = .null
        } else if let b = node.bool {
            self = .bool(b)
        } else if let i = node.int {
            self = .int(i)
        } else if let d = node.float {
            self = .double(d)
        } else {
            self = .string(node.string ?? "")
        }
    }

    /// Equality up to number representation: `.int(1)` and `.double(1.0)` agree (a value read
    /// back from JSON loses the distinction), lists and mappings element by element.
    public func isEquivalent(to other: ConfigValue) -> Bool {
        switch (self, other) {
        case (.int(let a), .double(let b)), (.double(let b), .int(let a)): return Double(a) == b
        case (.list(let a), .list(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.isEquivalent(to: $1) }
        case (.mapping(let a), .mapping(let b)):
            return Set(a.keys) == Set(b.keys) && a.allSatisfy { key, value in value.isEquivalent(to: b[key]!) }
        default: return self == other
        }
    }

    /// A short name of the value's type for error messages.
    public var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .int: return "an integer"
        case .double: return "a decimal number"
        case .string: return "a string"
        case .list: return "a list"
        case .mapping: return "a mapping"
        }
    }
}

extension ConfigValue: Codable {
    /// Decodes any JSON value; numbers without a fraction become `.int`.
    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let b = try? container.decode(Bool.self) { self = .bool(b) }
        else if let i = try? container.decode(Int.self) { self = .int(i) }
        else if let d = try? container.decode(Double.self) { self = .double(d) }
        else if let s = try? container.decode(String.self) { self = .string(s) }
        else if let items = try? container.decode([ConfigValue].self) { self = .list(items) }
        else { self = .mapping(try container.decode([String: ConfigValue].self)) }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let b): try container.encode(b)
        case .int(let i): try container.encode(i)
        case .double(let d): try container.encode(d)
        case .string(let s): try container.encode(s)
        case .list(let items): try container.encode(items)
        case .mapping(let map): try container.encode(map)
        }
    }
}

extension ConfigValue: CustomStringConvertible {
    /// The value in YAML flow style (`0.001`, `[1, 4]`, `Ada-Ranker`, `~`).
    public var description: String {
        switch self {
        case .null: return "~"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .double(let d): return String(d)
        case .string(let s): return s
        case .list(let items): return "[" + items.map(\.description).joined(separator: ", ") + "]"
        case .mapping(let map):
            return "{" + map.keys.sorted().map { "\($0): \(map[$0]!)" }.joined(separator: ", ") + "}"
        }
    }
}
