import Logging

/// The optimisers the trainer can build (`learner`; `OptimizerFactory` builds them). The raw
/// values are the words the key accepts.
enum OptimizerKind: String, Sendable, Codable, CaseIterable {
    case adam, sgd, adagrad, rmsprop
}

/// The log levels `state` accepts, spelled as the reference's (Python logging's names), in
/// increasing severity.
enum LogLevel: String, Sendable, CaseIterable {
    case debug = "DEBUG", info = "INFO", warning = "WARNING", error = "ERROR", critical = "CRITICAL"

    /// The swift-log level that shows this level's messages and the more severe ones.
    var loggerLevel: Logger.Level {
        switch self {
        case .debug: return .debug
        case .info: return .info
        case .warning: return .warning
        case .error: return .error
        case .critical: return .critical
        }
    }
}
