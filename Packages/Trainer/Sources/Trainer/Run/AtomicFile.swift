import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whole-file writes that never leave a half-written file: the bytes go to a temporary file in
/// the same folder (`.<name>.<UUID>.tmp`), are flushed to disk, and the file is then renamed over
/// the destination (atomic on POSIX file systems). A temporary left by a killed process is removed
/// by `removeLeftovers(in:)` (the next run in the folder calls it).
enum AtomicFile {
    /// A failed write, naming the file.
    struct WriteError: Error, CustomStringConvertible {
        let path: String
        let reason: String
        var description: String { "cannot write \(path): \(reason)" }
    }

    /// Writes `data` to `url` atomically, creating the parent folder if needed.
    static func write(_ data: Data, to url: URL) throws {
        let folder = url.deletingLastPathComponent()
        let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try writeDurably(data, to: temporary, reportedAs: url)
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error as? WriteError ?? WriteError(path: url.path, reason: error.localizedDescription)
        }
        guard rename(temporary.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw WriteError(path: url.path, reason: reason)
        }
    }

    /// Writes UTF-8 `text` to `url` atomically.
    static func write(_ text: String, to url: URL) throws {
        try write(Data(text.utf8), to: url)
    }

    /// Creates or truncates `url`, writes `data` and flushes it to the disk (`fsync`) before
    /// returning; a failure (e.g. a full disk) is a `WriteError` naming `reportedAs` (default `url`).
    static func writeDurably(_ data: Data, to url: URL, reportedAs: URL? = nil) throws {
        let name = (reportedAs ?? url).path
        let descriptor = open(url.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw WriteError(path: name, reason: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        try data.withUnsafeBytes { raw in
            var done = 0
            while done < raw.count {
                let written = systemWrite(descriptor, raw.baseAddress! + done, raw.count - done)
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else { throw WriteError(path: name, reason: String(cString: strerror(errno))) }
                done += written
            }
        }
        guard fsync(descriptor) == 0 else { throw WriteError(path: name, reason: String(cString: strerror(errno))) }
    }

    /// Flushes a folder's entries (the renames done in it) to the disk; best effort.
    static func syncFolder(_ folder: URL) {
        let descriptor = open(folder.path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        close(descriptor)
    }

    /// Deletes the temporaries (`.<name>.<UUID>.tmp`) that killed writers left in `folder`.
    /// Call it only while holding the folder's lock (`FolderLock`), so no live writer is affected.
    static func removeLeftovers(in folder: URL) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        for name in names where name.hasPrefix(".") && name.hasSuffix(".tmp") {
            try? FileManager.default.removeItem(at: folder.appendingPathComponent(name))
        }
    }
}

/// POSIX `write`, named apart from `AtomicFile.write`.
private func systemWrite(_ descriptor: Int32, _ pointer: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, pointer, count)
}
