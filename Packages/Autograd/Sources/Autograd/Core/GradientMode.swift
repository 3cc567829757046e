import Foundation

/// Whether ops record the graph. Evaluation and inference run inside `withoutGradients`.
///
/// The flag is per thread: training on one thread and evaluating on another do not interfere.
public enum GradientMode {
    @usableFromInline static let key = "Autograd.GradientMode.disabled"

    /// `true` unless the current thread is inside `withoutGradients`.
    @inlinable
    public static var isEnabled: Bool {
        Thread.current.threadDictionary[key] == nil
    }

    /// Runs `body` with graph recording off on this thread (nested calls are fine).
    public static func withoutGradients<T>(_ body: () throws -> T) rethrows -> T {
        let dictionary = Thread.current.threadDictionary
        let previous = dictionary[key]
        dictionary[key] = true
        defer { dictionary[key] = previous }
        return try body()
    }
}

/// Runs `body` with graph recording off (evaluation, inference, optimiser updates).
public func withoutGradients<T>(_ body: () throws -> T) rethrows -> T {
    try GradientMode.withoutGradients(body)
}
