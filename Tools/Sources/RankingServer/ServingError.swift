import Hummingbird
import Tensor

/// A request the server refuses or cannot answer: an HTTP status and a one-line message, sent as
/// `{"error":"<message>"}` (`APIError.jsonBody`).
public struct APIError: Error, Sendable, Equatable {
    public var status: HTTPResponse.Status
    public var message: String

    public init(_ status: HTTPResponse.Status, _ message: String) {
        self.status = status
        self.message = message
    }

    /// `{"error":"…"}` on one line: newlines in the message become spaces.
    public var jsonBody: String {
        "{\"error\":" + jsonStringLiteral(message.replacingOccurrences(of: "\n", with: " ")) + "}\n"
    }

    static func badRequest(_ message: String) -> APIError { APIError(.badRequest, message) }
}

/// Why the server could not start (unreadable id table, unloadable checkpoint, port in use …).
public enum ServingError: Error, CustomStringConvertible {
    case startup(String)

    public var description: String {
        switch self {
        case .startup(let message): return message
        }
    }
}
