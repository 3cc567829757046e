import Foundation
import Logging

/// The destinations of a run's log: the run folder's log file (with timestamps) and, optionally,
/// the console (standard error, so that standard output stays free for results).
final class RunLogSink: @unchecked Sendable {
    private let lock = NSLock()
    private let file: FileHandle?
    /// The first error writing `file` (e.g. a full disk); afterwards the sink writes to the console only.
    private var fileError: Error?
    private let console: Bool
    private let formatter: DateFormatter

    /// - Parameters:
    ///   - fileURL: the log file (created or appended to), or nil for console only.
    ///   - console: whether lines also go to standard error.
    public init(fileURL: URL?, console: Bool) throws {
        self.console = console
        formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        if let fileURL {
            let fm = FileManager.default
            try fm.createDirectory(at: fileURL.deletingLastPathComponent(), withIntermediateDirectories: true)
            if !fm.fileExists(atPath: fileURL.path) { _ = fm.createFile(atPath: fileURL.path, contents: nil) }
            guard let handle = FileHandle(forWritingAtPath: fileURL.path) else {
                throw AtomicFile.WriteError(path: fileURL.path, reason: "cannot open the log file for writing")
            }
            _ = try? handle.seekToEnd()
            file = handle
        } else {
            file = nil
        }
    }

    deinit { try? file?.close() }

    /// The error that stopped writes to the log file, if any.
    var writeFailure: Error? {
        lock.lock()
        defer { lock.unlock() }
        return fileError
    }

    func write(level: Logger.Level, message: String) {
        lock.lock()
        defer { lock.unlock() }
        let tag = level.rawValue.uppercased().padding(toLength: 8, withPad: " ", startingAt: 0)
        if let file, fileError == nil {
            do {
                try file.write(contentsOf: Data("\(formatter.string(from: Date())) \(tag) \(message)\n".utf8))
            } catch {
                // A full disk must not kill the run here: checkpoints report their own write errors.
                fileError = error
                ConsoleOutput.writeLine("WARNING  cannot write the run log any more (\(error.localizedDescription)); logging to the console only")
            }
        }
        if console {
            ConsoleOutput.writeLine(level >= .warning ? "\(tag) \(message)" : message)
        }
    }

    /// A swift-log `Logger` writing to this sink at `level` and above.
    public func logger(label: String = "adaranker.trainer", level: Logger.Level = .info) -> Logger {
        var logger = Logger(label: label) { _ in RunLogHandler(sink: self) }
        logger.logLevel = level
        return logger
    }
}

/// The swift-log handler behind `RunLogSink.logger`.
struct RunLogHandler: LogHandler {
    let sink: RunLogSink
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        sink.write(level: event.level, message: event.message.description)
    }
}

/// Console output of the log: one line at a time on standard error, serialised across threads.
enum ConsoleOutput {
    private static let lock = NSLock()

    /// Writes one line to standard error.
    public static func writeLine(_ text: String) {
        lock.lock()
        defer { lock.unlock() }
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}
