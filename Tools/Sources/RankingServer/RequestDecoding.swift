import Foundation

/// Turns request bodies into typed requests, and decoding failures into one-line 400 messages
/// naming the field: `candidates[2]: expected an integer id`.
enum RequestDecoding {
    static func decode<T: Decodable>(_ type: T.Type, from body: Data) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: body)
        } catch let error as DecodingError {
            if case .dataCorrupted(let context) = error, context.codingPath.isEmpty {
                throw APIError.badRequest(wholeBodyMessage(body))
            }
            throw APIError.badRequest(message(error))
        } catch {
            throw APIError.badRequest("malformed JSON: \(error.localizedDescription)")
        }
    }

    /// Why a body the decoder refused as a whole is wrong. The decoder says only "not valid JSON",
    /// also for valid JSON holding a number that is no `Int` (`2.5`, `1e30`), so the body is parsed
    /// again to tell the two apart and name the field.
    static func wholeBodyMessage(_ body: Data) -> String {
        do {
            let object = try JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed])
            if let (keys, number) = firstNonInteger(in: object, at: []) {
                return "\(path(keys)): expected an integer id, found \(number)"
            }
            return "malformed JSON"
        } catch {
            let detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? error.localizedDescription
            return "malformed JSON: \(detail)"
        }
    }

    /// The path and value of the first number in `value` (objects in key order) that is not an `Int`.
    private static func firstNonInteger(in value: Any, at keys: [any CodingKey]) -> ([any CodingKey], NSNumber)? {
        if let object = value as? [String: Any] {
            for key in object.keys.sorted() {
                if let found = firstNonInteger(in: object[key]!, at: keys + [FieldKey(key)]) { return found }
            }
        } else if let array = value as? [Any] {
            for (index, element) in array.enumerated() {
                if let found = firstNonInteger(in: element, at: keys + [IndexKey(index)]) { return found }
            }
        } else if let number = value as? NSNumber, !(value is Bool), Int(exactly: number.doubleValue) == nil {
            return (keys, number)
        }
        return nil
    }

    /// The message of a decoding failure: where it happened and what was expected.
    static func message(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, let context):
            return "\(path(context.codingPath + [key])): missing field"
        case .valueNotFound(_, let context):
            return "\(path(context.codingPath)): expected a value, found null"
        case .typeMismatch(let type, let context):
            return "\(path(context.codingPath)): expected \(describe(type))"
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty { return "malformed JSON: \(context.debugDescription)" }
            return "\(path(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "malformed request: \(error)"
        }
    }

    /// `requests[3].candidates[0]` (`body` for the top level).
    static func path(_ keys: [any CodingKey]) -> String {
        var out = ""
        for key in keys {
            if let index = key.intValue { out += "[\(index)]" } else { out += (out.isEmpty ? "" : ".") + key.stringValue }
        }
        return out.isEmpty ? "body" : out
    }

    private static func describe(_ type: Any.Type) -> String {
        if type == Int.self { return "an integer id" }
        if type is [Any].Type || String(describing: type).hasPrefix("Array") { return "an array" }
        if type == String.self { return "a string" }
        return "a JSON object"
    }
}

/// An array index in a decoding path.
private struct IndexKey: CodingKey {
    var intValue: Int?
    var stringValue: String { "\(intValue!)" }
    init(_ index: Int) { intValue = index }
    init?(stringValue: String) { nil }
    init?(intValue: Int) { self.intValue = intValue }
}
