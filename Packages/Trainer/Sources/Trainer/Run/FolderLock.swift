import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An exclusive lock on a folder being written (a run folder, or a prepared-data folder being
/// built), held from `acquire` until the lock is released or the process ends.
///
/// The lock is `flock(2)` on a lock file (`<run>/.lock`, or `.<name>.lock` beside a prepared-data
/// folder), which records the holder's PID. The kernel releases the lock when the holder exits
/// in any way (kill -9 included), so a lock file left behind never blocks anyone: only a live
/// process holds the lock. A second writer does not wait: `acquire` fails at once with
/// `FolderLock.Busy` naming the holder's PID.
public final class FolderLock {
    /// Another process holds the lock.
    public struct Busy: Error, CustomStringConvertible {
        public let folder: String
        public let lockFile: String
        /// The holder's PID as recorded in the lock file (nil if it has not written it yet).
        public let holder: Int32?
        public var description: String {
            let who = holder.map { "process \($0)" } ?? "another process"
            return "\(folder) is being written by \(who) (lock \(lockFile)); wait for it to finish or stop it, then run this command again"
        }
    }

    private var descriptor: Int32

    private init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    deinit { release() }

    /// Takes the lock of `folder` through `lockFile` (created if needed, with its parent folder).
    /// - Throws: `Busy` when another process (or another lock in this one) holds it;
    ///   `AtomicFile.WriteError` when the lock file cannot be created.
    public static func acquire(_ lockFile: URL, for folder: URL) throws -> FolderLock {
        do {
            try FileManager.default.createDirectory(at: lockFile.deletingLastPathComponent(), withIntermediateDirectories: true)
        } catch {
            throw AtomicFile.WriteError(path: lockFile.path, reason: error.localizedDescription)
        }
        let descriptor = open(lockFile.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw AtomicFile.WriteError(path: lockFile.path, reason: "cannot open the lock file (\(String(cString: strerror(errno))))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let busy = errno == EWOULDBLOCK
            let reason = String(cString: strerror(errno))
            close(descriptor)
            if busy { throw Busy(folder: folder.path, lockFile: lockFile.path, holder: recordedHolder(of: lockFile)) }
            throw AtomicFile.WriteError(path: lockFile.path, reason: "cannot lock (\(reason))")
        }
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(descriptor, 0)
        _ = pid.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
        return FolderLock(descriptor: descriptor)
    }

    /// Releases the lock (also done when the object goes away or the process ends).
    public func release() {
        guard descriptor >= 0 else { return }
        close(descriptor)
        descriptor = -1
    }

    /// The holder's PID, waiting up to about 0.1 s for a holder that has just taken the lock to record it.
    private static func recordedHolder(of lockFile: URL) -> Int32? {
        for _ in 0..<5 {
            if let pid = holder(of: lockFile) { return pid }
            usleep(20_000)
        }
        return nil
    }

    /// The PID a lock file records, if it holds one.
    static func holder(of lockFile: URL) -> Int32? {
        guard let text = try? String(contentsOf: lockFile, encoding: .utf8) else { return nil }
        return Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
