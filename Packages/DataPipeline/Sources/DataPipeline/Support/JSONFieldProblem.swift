import Foundation

/// What is wrong with a JSON document, and where: the one description of decoding failures shared
/// by every reader of JSON input (`stats.json`, checkpoint sidecars, the ranking server's request
/// bodies), so that each names the field and what was expected the same way.
///
/// `field` is the path from the top of the document in the JSON's own spelling (`train.rows`,
/// `requests[0].candidates`; empty for the document itself) and `problem` what is wrong there
/// (`expected an integer, found a string`). `description` joins them as
/// `field 'train.rows': expected an integer, found 2.5`; a caller with its own way of naming places
/// (the server's `candidates[1]: …`) joins them itself.
public struct JSONFieldProblem: CustomStringConvertible, Sendable {
    public let field: String
    public let problem: String

    public var description: String { field.isEmpty ? problem : "field '\(field)': \(problem)" }

    /// Describes a failure of `JSONDecoder`. `keyDecoding` is the decoder's key strategy: with
    /// `.convertFromSnakeCase` the keys in `error` are camel case and are shown snake case again,
    /// as the document spells them.
    public init(_ error: DecodingError, keyDecoding: JSONDecoder.KeyDecodingStrategy = .useDefaultKeys) {
        var fromSnakeCase = false
        if case .convertFromSnakeCase = keyDecoding { fromSnakeCase = true }
        func path(_ keys: [any CodingKey]) -> String {
            Self.path(keys.map { key in
                if let index = key.intValue { return .index(index) }
                return .key(fromSnakeCase ? Self.snakeCase(key.stringValue) : key.stringValue)
            })
        }
        switch error {
        case .typeMismatch(let type, let context):
            self.init(field: path(context.codingPath),
                      problem: "expected \(Self.noun(type))\(Self.found(context.debugDescription))")
        case .valueNotFound(let type, let context):
            self.init(field: path(context.codingPath), problem: "expected \(Self.noun(type)), found null")
        case .keyNotFound(let key, let context):
            self.init(field: path(context.codingPath + [key]), problem: "missing")
        case .dataCorrupted(let context):
            self.init(field: path(context.codingPath), problem: context.debugDescription)
        @unknown default:
            self.init(field: "", problem: "\(error)")
        }
    }

    private init(field: String, problem: String) {
        self.field = field
        self.problem = problem
    }

    /// The first number in `json` (a `JSONSerialization` result; object keys in sorted order) that
    /// is not an integer of `Int`'s range, as `expected an integer, found 2.5`; nil when there is
    /// none. Numbers under a key in `decimalFields` may be anything.
    ///
    /// `JSONDecoder` refuses such a number where an `Int` belongs only with "not valid JSON" and
    /// no path, so readers look for it themselves.
    public static func firstNonInteger(in json: Any, decimalFields: Set<String> = []) -> JSONFieldProblem? {
        func search(_ value: Any, _ path: [PathComponent]) -> JSONFieldProblem? {
            if let object = value as? [String: Any] {
                for key in object.keys.sorted() where !decimalFields.contains(key) {
                    if let found = search(object[key]!, path + [.key(key)]) { return found }
                }
            } else if let array = value as? [Any] {
                for (index, element) in array.enumerated() {
                    if let found = search(element, path + [.index(index)]) { return found }
                }
            } else if let number = value as? NSNumber, Int(exactly: number.doubleValue) == nil {
                return JSONFieldProblem(field: Self.path(path), problem: "expected an integer, found \(number)")
            }
            return nil
        }
        return search(json, [])
    }

    private enum PathComponent {
        case key(String)
        case index(Int)
    }

    /// `requests[3].candidates[0]`, `train.rows`; empty for the top level.
    private static func path(_ components: [PathComponent]) -> String {
        components.reduce(into: "") { path, component in
            switch component {
            case .key(let name): path += (path.isEmpty ? "" : ".") + name
            case .index(let index): path += "[\(index)]"
            }
        }
    }

    /// What a value of `type` is called in JSON terms.
    private static func noun(_ type: Any.Type) -> String {
        switch type {
        case is any BinaryInteger.Type: return "an integer"
        case is any BinaryFloatingPoint.Type: return "a number"
        case is String.Type: return "a string"
        case is Bool.Type: return "true or false"
        case is [Any].Type: return "an array"
        default: return String(describing: type).hasPrefix("Array") ? "an array" : "a JSON object"
        }
    }

    /// `, found a string` from the decoder's "Expected to decode Int but found a string instead.",
    /// or the whole description in parentheses when it does not have that form.
    private static func found(_ debugDescription: String) -> String {
        guard let start = debugDescription.range(of: " but found "),
              let end = debugDescription.range(of: " instead", range: start.upperBound..<debugDescription.endIndex)
        else { return debugDescription.isEmpty ? "" : " (\(debugDescription))" }
        let found = String(debugDescription[start.upperBound..<end.lowerBound])
        let jsonTerms = ["number": "a number", "bool": "true or false", "a dictionary": "a JSON object"]
        return ", found \(jsonTerms[found] ?? found)"
    }

    /// `itemNum` → `item_num`: the inverse of `.convertFromSnakeCase` for the keys this project writes.
    private static func snakeCase(_ name: String) -> String {
        name.reduce(into: "") { result, character in
            if character.isUppercase { result += "_" + character.lowercased() } else { result.append(character) }
        }
    }
}
