#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whole-file reads into a byte array through POSIX `open`/`read` (no `String`, no Foundation).
enum FileBytes {
    /// The bytes of the file at `path`.
    /// - Throws: `DataPipelineError.unreadableFile` naming the path and the system's reason.
    static func read(_ path: String) throws -> [UInt8] {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else {
            throw DataPipelineError(.unreadableFile, file: path, "expected a readable file (\(systemReason()))")
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw DataPipelineError(.unreadableFile, file: path, "cannot stat the file (\(systemReason()))")
        }
        guard (status.st_mode & S_IFMT) == S_IFREG else {
            throw DataPipelineError(.unreadableFile, file: path, "expected a regular file, found a folder or device")
        }
        let size = Int(status.st_size)
        var failure: String?
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
            var done = 0
            while done < size {
                let got = systemRead(descriptor, buffer.baseAddress! + done, size - done)
                if got < 0 {
                    if errno == EINTR { continue }
                    failure = systemReason()
                    break
                }
                if got == 0 { break }  // the file shrank while being read
                done += got
            }
            initialized = done
        }
        if let failure {
            throw DataPipelineError(.unreadableFile, file: path, "read failed (\(failure))")
        }
        return bytes
    }

    /// Whether `path` names an existing regular file.
    static func isFile(_ path: String) -> Bool {
        var status = stat()
        return stat(path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFREG
    }

    /// Whether `path` names an existing folder.
    static func isDirectory(_ path: String) -> Bool {
        var status = stat()
        return stat(path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFDIR
    }

    /// The text of the current `errno`.
    static func systemReason() -> String { String(cString: strerror(errno)) }
}

/// POSIX `read`, named apart from `FileBytes.read(_:)`.
private func systemRead(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    read(descriptor, buffer, count)
}
