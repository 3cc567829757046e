import Foundation

/// Reads typed values out of a loosely typed configuration dictionary, as produced by
/// `JSONSerialization` (numbers and booleans arrive as `NSNumber`), by a YAML decoder (native
/// `Int`, `Double`, `Bool`, `String`, `[Any]`) or by command-line overrides (strings such as `"32"`).
///
/// Every accessor returns `nil` when the key is absent and throws `ModelConfigError.wrongType`
/// naming the key when the value cannot be read as the requested type.
struct ConfigValues {
    let values: [String: Any]

    /// A scalar after removing Foundation's bridging ambiguity (on Linux an `NSNumber` holding 1
    /// also answers `is Bool`).
    enum Scalar {
        case bool(Bool), int(Int), double(Double), string(String)
    }

    static func scalar(_ value: Any) -> Scalar? {
        if type(of: value) == Bool.self, let b = value as? Bool { return .bool(b) }
        if type(of: value) == Int.self, let i = value as? Int { return .int(i) }
        if type(of: value) == Double.self, let d = value as? Double { return .double(d) }
        if type(of: value) == Float.self, let f = value as? Float { return .double(Double(f)) }
        if let s = value as? String { return .string(s) }
        if let n = value as? NSNumber {
            switch String(cString: n.objCType) {
            case "c", "B": return .bool(n.boolValue)
            case "f", "d": return .double(n.doubleValue)
            default: return .int(n.intValue)
            }
        }
        if let i = value as? any BinaryInteger { return .int(Int(i)) }
        return nil
    }

    /// A short rendering of an offending value for error messages: `"abc" (a string)`.
    static func show(_ value: Any) -> String {
        switch scalar(value) {
        case .bool(let b): return "\(b) (a boolean)"
        case .int(let i): return "\(i) (an integer)"
        case .double(let d): return "\(d) (a number)"
        case .string(let s): return "\"\(s)\" (a string)"
        case nil: return "\(value) (\(type(of: value)))"
        }
    }

    func int(_ key: String) throws -> Int? {
        guard let raw = values[key] else { return nil }
        if let value = Self.integer(raw) { return value }
        throw ModelConfigError.wrongType(key: key, expected: "an integer", found: Self.show(raw))
    }

    func double(_ key: String) throws -> Double? {
        guard let raw = values[key] else { return nil }
        switch Self.scalar(raw) {
        case .int(let i): return Double(i)
        case .double(let d): return d
        case .string(let s): if let d = Double(s.trimmingCharacters(in: .whitespaces)) { return d }
        default: break
        }
        throw ModelConfigError.wrongType(key: key, expected: "a number", found: Self.show(raw))
    }

    func float(_ key: String) throws -> Float? { try double(key).map { Float($0) } }

    /// Booleans also accept 0/1 (the reference writes `use_pre_item_emb: 0`) and true/false strings.
    func bool(_ key: String) throws -> Bool? {
        guard let raw = values[key] else { return nil }
        switch Self.scalar(raw) {
        case .bool(let b): return b
        case .int(let i) where i == 0 || i == 1: return i == 1
        case .string(let s):
            switch s.lowercased() {
            case "true", "1": return true
            case "false", "0": return false
            default: break
            }
        default: break
        }
        throw ModelConfigError.wrongType(key: key, expected: "a boolean (true/false or 0/1)", found: Self.show(raw))
    }

    func string(_ key: String) throws -> String? {
        guard let raw = values[key] else { return nil }
        if case .string(let s) = Self.scalar(raw) { return s }
        throw ModelConfigError.wrongType(key: key, expected: "a string", found: Self.show(raw))
    }

    /// A list of integers: an array, or a string such as `"[1, 4]"` or `"1,4"`.
    func intList(_ key: String) throws -> [Int]? {
        guard let raw = values[key] else { return nil }
        let wrong = ModelConfigError.wrongType(key: key, expected: "a list of integers", found: Self.show(raw))
        if let array = raw as? [Any] {
            return try array.map { element in
                guard let value = Self.integer(element) else { throw wrong }
                return value
            }
        }
        if case .string(let s) = Self.scalar(raw) {
            let body = s.trimmingCharacters(in: CharacterSet(charactersIn: "[] "))
            if body.isEmpty { return [] }
            let parts = body.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
            if parts.allSatisfy({ $0 != nil }) { return parts.map { $0! } }
        }
        throw wrong
    }

    private static func integer(_ raw: Any) -> Int? {
        switch scalar(raw) {
        case .int(let i): return i
        case .double(let d) where d.rounded() == d && abs(d) < 1e15: return Int(d)
        case .string(let s): return Int(s.trimmingCharacters(in: .whitespaces))
        default: return nil
        }
    }
}
