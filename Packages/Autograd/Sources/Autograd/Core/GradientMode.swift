#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whether ops record the graph. Evaluation and inference run inside `withoutGradients`.
///
/// The flag is per thread: training on one thread and evaluating on another do not interfere.
/// It lives in a POSIX thread-specific slot (non-nil while disabled), so `isEnabled` — read by
/// every op — is one `pthread_getspecific` call. Internal: callers use `withoutGradients`.
@usableFromInline
enum GradientMode {
    /// The thread-specific slot; holds a non-nil marker while recording is off on that thread.
    @usableFromInline static let key: pthread_key_t = {
        var key = pthread_key_t()
        let status = pthread_key_create(&key, nil)
        precondition(status == 0, "GradientMode: pthread_key_create failed (\(status))")
        return key
    }()

    /// `true` unless the current thread is inside `withoutGradients`.
    @inlinable
    static var isEnabled: Bool {
        pthread_getspecific(key) == nil
    }

    /// Runs `body` with graph recording off on this thread (nested calls are fine).
    static func withoutGradients<T>(_ body: () throws -> T) rethrows -> T {
        let previous = pthread_getspecific(key)
        pthread_setspecific(key, UnsafeRawPointer(bitPattern: 1))
        defer { pthread_setspecific(key, previous) }
        return try body()
    }
}

/// Runs `body` with graph recording off (evaluation, inference, optimiser updates).
public func withoutGradients<T>(_ body: () throws -> T) rethrows -> T {
    try GradientMode.withoutGradients(body)
}
