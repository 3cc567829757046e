import Foundation

/// One configuration value as written in a YAML file, a JSON file or on the command line.
///
/// Values keep the type their source gives them (`0.001` is a double, `50` an int, `True` a bool,
/// `[1, 4]` a list, `~` null); the key declarations (`ConfigKey`, `ModelConfig.keys`) then check
/// each known key's type and range. Literals work too: `["model": "GRU4Rec", "embedding_size": 64]`.
public enum ConfigValue: Equatable, Sendable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case list([ConfigValue])
    /// A nested mapping (e.g. the `Ada-Ranker:` section or the demo's `synthetic:` settings).
    case mapping([String: ConfigValue])

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

extension ConfigValue: ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
                       ExpressibleByStringLiteral, ExpressibleByArrayLiteral {
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: ConfigValue...) { self = .list(elements) }
}

extension ConfigValue {
    /// The value as an integer: an int, a decimal with no fraction (JSON's `20.0`), or a string
    /// holding one (`"32"`).
    public var integerValue: Int? {
        switch self {
        case .int(let i): return i
        case .double(let d) where d.rounded() == d && abs(d) < 1e15: return Int(d)
        case .string(let s): return Int(s.trimmingCharacters(in: .whitespaces))
        default: return nil
        }
    }

    /// The value as a number: an int, a decimal, or a string holding one (`"0.1"`).
    public var numberValue: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .double(let d): return d
        case .string(let s): return Double(s.trimmingCharacters(in: .whitespaces))
        default: return nil
        }
    }

    /// The value as a boolean: `true`/`false`, the reference's `1`/`0`, or a string of either.
    public var flagValue: Bool? {
        switch self {
        case .bool(let b): return b
        case .int(0): return false
        case .int(1): return true
        case .string(let s):
            switch s.lowercased() {
            case "true", "1": return true
            case "false", "0": return false
            default: return nil
            }
        default: return nil
        }
    }

    /// The value as a list of integers: a list, a single integer, or a string such as `"[1, 4]"`.
    public var integerListValue: [Int]? {
        switch self {
        case .int(let i): return [i]
        case .list(let items):
            let values = items.map(\.integerValue)
            return values.allSatisfy { $0 != nil } ? values.map { $0! } : nil
        case .string(let s):
            let body = s.trimmingCharacters(in: CharacterSet(charactersIn: "[] "))
            if body.isEmpty { return [] }
            let parts = body.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
            return parts.allSatisfy { $0 != nil } ? parts.map { $0! } : nil
        default: return nil
        }
    }

    /// A short rendering of an offending value for error messages: `"abc" (a string)`, `12.5 (a number)`.
    public var shown: String {
        switch self {
        case .bool(let b): return "\(b) (a boolean)"
        case .int(let i): return "\(i) (an integer)"
        case .double(let d): return "\(d) (a number)"
        case .string(let s): return "\"\(s)\" (a string)"
        default: return "\(description) (\(typeName))"
        }
    }
}
