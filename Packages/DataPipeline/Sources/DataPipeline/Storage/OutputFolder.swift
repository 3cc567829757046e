#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Writes a set of output files so that a reader never sees a half-written one.
///
/// Every file is first written under a hidden temporary name in the destination folder
/// (`.NAME.partial-PID`); `commit()` then renames them into place in the order they were staged
/// (each rename is atomic on POSIX file systems). If the run fails before `commit()`,
/// `discard()` — also called on deinitialisation — deletes the temporary files, so an
/// interrupted or failed run leaves nothing that looks complete.
final class OutputFolder {
    let path: String
    private var staged: [(temporary: String, final: String)] = []
    private var committed = false

    /// Creates the folder (and its parents) if needed.
    init(path: String) throws {
        self.path = path
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw DataPipelineError(.writeFailed, file: path, "cannot create the output folder (\(error.localizedDescription))")
        }
    }

    deinit { discard() }

    /// The final path of file `name` inside the folder.
    func finalPath(_ name: String) -> String { URL(fileURLWithPath: path).appendingPathComponent(name).path }

    /// Opens a writer for file `name`; the data becomes visible under `name` only after `commit()`.
    func makeWriter(_ name: String) throws -> FileWriter {
        let temporary = URL(fileURLWithPath: path).appendingPathComponent(".\(name).partial-\(getpid())").path
        let writer = try FileWriter(path: temporary, displayName: finalPath(name))
        staged.append((temporary, finalPath(name)))
        return writer
    }

    /// Writes a whole file `name` from `bytes`.
    func write(_ name: String, bytes: [UInt8]) throws {
        let writer = try makeWriter(name)
        try bytes.withUnsafeBufferPointer { try writer.write($0) }
        try writer.close()
    }

    /// Renames every staged file into place, in staging order.
    func commit() throws {
        for (temporary, final) in staged {
            guard rename(temporary, final) == 0 else {
                throw DataPipelineError(.writeFailed, file: final, "cannot move the finished file into place (\(FileBytes.systemReason()))")
            }
        }
        staged.removeAll()
        committed = true
    }

    /// Deletes every staged temporary file that has not been committed.
    func discard() {
        for (temporary, _) in staged { unlink(temporary) }
        staged.removeAll()
    }
}

/// A buffered writer to one file through a POSIX descriptor, with fast ASCII formatting of
/// integers and bracketed lists for the TSV outputs.
final class FileWriter {
    let displayName: String
    private var descriptor: Int32
    private let capacity = 1 << 20
    private let buffer: UnsafeMutablePointer<UInt8>
    private var used = 0

    init(path: String, displayName: String) throws {
        self.displayName = displayName
        descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else {
            throw DataPipelineError(.writeFailed, file: displayName, "cannot create the file (\(FileBytes.systemReason()))")
        }
        buffer = .allocate(capacity: capacity)
    }

    deinit {
        if descriptor >= 0 { _ = posixClose(descriptor) }
        buffer.deallocate()
    }

    /// Writes raw bytes.
    func write(_ bytes: UnsafeBufferPointer<UInt8>) throws {
        if bytes.count > capacity - used {
            try flush()
            if bytes.count > capacity {
                try writeOut(bytes.baseAddress!, bytes.count)
                return
            }
        }
        (buffer + used).update(from: bytes.baseAddress!, count: bytes.count)
        used += bytes.count
    }

    /// Writes the raw bytes of an array of fixed-width values (little-endian hosts only).
    func writeRaw<T>(_ values: [T]) throws {
        try values.withUnsafeBytes { raw in try write(raw.bindMemory(to: UInt8.self)) }
    }

    /// Writes the UTF-8 of `text`.
    func write(_ text: String) throws {
        var text = text
        try text.withUTF8 { try write($0) }
    }

    /// Makes sure `count` bytes fit in the buffer.
    @inline(__always)
    func reserve(_ count: Int) throws {
        if capacity - used < count { try flush() }
        precondition(count <= capacity, "a single record of \(count) bytes exceeds the write buffer")
    }

    /// Appends one byte; call `reserve` first.
    @inline(__always)
    func appendByte(_ byte: UInt8) {
        buffer[used] = byte
        used += 1
    }

    /// Appends the decimal digits of `value`; call `reserve` first (at most 20 bytes).
    @inline(__always)
    func appendInt(_ value: Int) {
        var magnitude = value.magnitude
        if value < 0 { appendByte(0x2D) }
        var digits = 1
        var probe = magnitude
        while probe >= 10 { probe /= 10; digits += 1 }
        var position = used + digits - 1
        repeat {
            buffer[position] = UInt8(truncatingIfNeeded: 0x30 + magnitude % 10)
            magnitude /= 10
            position -= 1
        } while magnitude > 0
        used += digits
    }

    /// Appends `values` as a Python-style list `[a, b, c]`; call `reserve` first (≤ 13 bytes per value + 2).
    @inline(__always)
    func appendList(_ values: UnsafeBufferPointer<Int32>) {
        appendByte(0x5B)
        for index in 0..<values.count {
            if index > 0 { appendByte(0x2C); appendByte(0x20) }
            appendInt(Int(values[index]))
        }
        appendByte(0x5D)
    }

    /// Writes a list that may be longer than the buffer, flushing as needed.
    func writeList(_ values: UnsafeBufferPointer<Int32>) throws {
        let bound = 13 * values.count + 2
        if bound <= capacity {
            try reserve(bound)
            appendList(values)
            return
        }
        try reserve(1)
        appendByte(0x5B)
        for index in 0..<values.count {
            try reserve(13)
            if index > 0 { appendByte(0x2C); appendByte(0x20) }
            appendInt(Int(values[index]))
        }
        try reserve(1)
        appendByte(0x5D)
    }

    func flush() throws {
        guard used > 0 else { return }
        try writeOut(buffer, used)
        used = 0
    }

    /// Flushes and closes the file.
    func close() throws {
        try flush()
        guard descriptor >= 0 else { return }
        let status = posixClose(descriptor)
        descriptor = -1
        guard status == 0 else {
            throw DataPipelineError(.writeFailed, file: displayName, "closing failed (\(FileBytes.systemReason()))")
        }
    }

    private func writeOut(_ pointer: UnsafePointer<UInt8>, _ count: Int) throws {
        var done = 0
        while done < count {
            let written = posixWrite(descriptor, pointer + done, count - done)
            if written < 0 {
                if errno == EINTR { continue }
                throw DataPipelineError(.writeFailed, file: displayName, "write failed (\(FileBytes.systemReason()))")
            }
            done += written
        }
    }
}

/// POSIX `close` and `write`, named apart from `FileWriter`'s methods.
private func posixClose(_ descriptor: Int32) -> Int32 { close(descriptor) }
private func posixWrite(_ descriptor: Int32, _ pointer: UnsafeRawPointer, _ count: Int) -> Int { write(descriptor, pointer, count) }
