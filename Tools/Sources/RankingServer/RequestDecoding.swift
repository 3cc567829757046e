import DataPipeline
import Foundation

/// Turns request bodies into typed requests, and decoding failures into one-line 400 messages
/// naming the field (`JSONFieldProblem`, in the server's `place: problem` form):
/// `candidates[2]: expected an integer, found a string`.
enum RequestDecoding {
    static func decode<T: Decodable>(_ type: T.Type, from body: Data) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: body)
        } catch let error as DecodingError {
            if case .dataCorrupted(let context) = error, context.codingPath.isEmpty {
                throw APIError.badRequest(wholeBodyMessage(body))
            }
            throw APIError.badRequest(message(JSONFieldProblem(error)))
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
            if let problem = JSONFieldProblem.firstNonInteger(in: object) { return message(problem) }
            return "malformed JSON"
        } catch {
            let detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? error.localizedDescription
            return "malformed JSON: \(detail)"
        }
    }

    /// `requests[3].candidates[0]: expected an integer, found 2.5`; `body: …` for the body as a whole.
    static func message(_ problem: JSONFieldProblem) -> String {
        "\(problem.field.isEmpty ? "body" : problem.field): \(problem.problem)"
    }
}
