import CZlib

/// Reads entries of a zip archive held in memory: the central directory, stored (method 0) and
/// deflated (method 8) entries inflated through zlib's raw-deflate mode, with a CRC-32 check.
///
/// Layout used (PKWARE APPNOTE): the end-of-central-directory record (signature `PK\5\6`) sits in
/// the last 22 + 65,535 bytes and points at the central directory; each central record
/// (`PK\1\2`) gives an entry's name, method, CRC-32, sizes and the offset of its local header
/// (`PK\3\4`), after which the entry's data starts. ZIP64 and encrypted entries are rejected
/// with a clear error (GroupLens archives use neither).
struct ZipArchive {
    /// One file of the archive, as described by its central-directory record.
    struct Entry: Equatable {
        /// Path inside the archive, e.g. `ml-10M100K/ratings.dat`.
        let name: String
        /// 0 = stored, 8 = deflated.
        let method: UInt16
        let flags: UInt16
        let crc32: UInt32
        let compressedSize: Int
        let uncompressedSize: Int
        let localHeaderOffset: Int

        var isDirectory: Bool { name.hasSuffix("/") }
        /// The last path component (`ratings.dat`).
        var fileName: String { name.split(separator: "/").last.map(String.init) ?? name }
    }

    /// Where the archive came from, for messages.
    let path: String
    /// Every entry, in central-directory order.
    let entries: [Entry]
    private let bytes: [UInt8]

    /// Reads the archive at `path` and its central directory.
    init(contentsOf path: String) throws {
        try self.init(bytes: FileBytes.read(path), path: path)
    }

    /// Parses the central directory of an archive already in memory.
    init(bytes: [UInt8], path: String) throws {
        self.bytes = bytes
        self.path = path
        self.entries = try ZipArchive.readCentralDirectory(bytes, path: path)
    }

    /// The entry whose full name is `name`.
    func entry(named name: String) -> Entry? { entries.first { $0.name == name } }

    /// The uncompressed bytes of `entry`, checked against its size and CRC-32.
    func contents(of entry: Entry) throws -> [UInt8] {
        func fail(_ kind: DataPipelineError.Kind, _ message: String) -> DataPipelineError {
            DataPipelineError(kind, file: path, location: .entry(entry.name), message)
        }
        if entry.flags & 0x0001 != 0 { throw fail(.unsupportedFormat, "expected an unencrypted entry, found an encrypted one") }
        let header = entry.localHeaderOffset
        guard header + 30 <= bytes.count else {
            throw fail(.corruptArchive, "local header at byte \(header) lies beyond the end of the file (\(bytes.count) bytes): the archive is truncated")
        }
        guard ZipArchive.uint32(bytes, header) == 0x0403_4B50 else {
            throw fail(.corruptArchive, "expected a local file header signature PK\\3\\4 at byte \(header)")
        }
        let dataStart = header + 30 + Int(ZipArchive.uint16(bytes, header + 26)) + Int(ZipArchive.uint16(bytes, header + 28))
        guard dataStart + entry.compressedSize <= bytes.count else {
            throw fail(.corruptArchive, "expected \(entry.compressedSize) bytes of data from byte \(dataStart), but the file ends at byte \(bytes.count): the archive is truncated")
        }
        let output: [UInt8]
        switch entry.method {
        case 0:
            guard entry.compressedSize == entry.uncompressedSize else {
                throw fail(.corruptArchive, "stored entry has compressed size \(entry.compressedSize) ≠ uncompressed size \(entry.uncompressedSize)")
            }
            output = Array(bytes[dataStart ..< dataStart + entry.compressedSize])
        case 8:
            output = try inflateRaw(from: dataStart, entry: entry)
        default:
            throw fail(.unsupportedFormat, "expected compression method 0 (stored) or 8 (deflate), found \(entry.method)")
        }
        let actual = output.withUnsafeBufferPointer { ZipArchive.crc32(of: $0) }
        guard actual == entry.crc32 else {
            throw fail(.checksumMismatch, "expected CRC-32 \(ZipArchive.hex(entry.crc32)), computed \(ZipArchive.hex(actual)) from the extracted data")
        }
        return output
    }

    /// CRC-32 (the zip/zlib polynomial) of `buffer`.
    static func crc32(of buffer: UnsafeBufferPointer<UInt8>) -> UInt32 {
        guard let base = buffer.baseAddress else { return 0 }
        return UInt32(crc32_z(0, base, buffer.count))
    }

    // MARK: - Inflate

    private func inflateRaw(from dataStart: Int, entry: Entry) throws -> [UInt8] {
        func fail(_ message: String) -> DataPipelineError {
            DataPipelineError(.corruptArchive, file: path, location: .entry(entry.name), message)
        }
        guard entry.compressedSize <= Int(UInt32.max), entry.uncompressedSize < Int(UInt32.max) else {
            throw DataPipelineError(.unsupportedFormat, file: path, location: .entry(entry.name), "entries of 4 GiB or more are not supported")
        }
        var stream = z_stream()
        guard inflateInit2_(&stream, -15, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw fail("zlib could not start inflating")
        }
        defer { inflateEnd(&stream) }
        var status: Int32 = Z_OK
        var produced = 0
        var inputLeft: UInt32 = 0
        // One spare byte beyond the declared size tells "more data than declared" from "exactly right".
        let capacity = entry.uncompressedSize + 1
        var output = [UInt8](unsafeUninitializedCapacity: capacity) { out, initialized in
            bytes.withUnsafeBufferPointer { input in
                stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress! + dataStart)
                stream.avail_in = UInt32(entry.compressedSize)
                stream.next_out = out.baseAddress
                stream.avail_out = UInt32(capacity)
                status = inflate(&stream, Z_FINISH)
            }
            produced = capacity - Int(stream.avail_out)
            inputLeft = stream.avail_in
            initialized = produced
        }
        switch status {
        case Z_STREAM_END:
            guard produced == entry.uncompressedSize else {
                throw fail("expected \(entry.uncompressedSize) uncompressed bytes, the deflate stream holds \(produced)")
            }
        case Z_BUF_ERROR where inputLeft == 0:
            throw fail("the deflate stream ends early after \(produced) of \(entry.uncompressedSize) bytes: the entry is truncated")
        case Z_BUF_ERROR:
            throw fail("the deflate stream holds more than the declared \(entry.uncompressedSize) bytes")
        default:
            let reason = stream.msg.map { String(cString: $0) } ?? "zlib status \(status)"
            throw fail("invalid deflate data (\(reason))")
        }
        output.removeLast(output.count - produced)
        return output
    }

    // MARK: - Central directory

    private static func readCentralDirectory(_ bytes: [UInt8], path: String) throws -> [Entry] {
        func fail(_ message: String) -> DataPipelineError { DataPipelineError(.corruptArchive, file: path, message) }
        guard bytes.count >= 22 else {
            throw fail("expected at least the 22-byte end-of-central-directory record, the file has \(bytes.count) bytes")
        }
        var end = -1
        let lowest = max(0, bytes.count - 22 - 65_535)
        var position = bytes.count - 22
        while position >= lowest {
            if uint32(bytes, position) == 0x0605_4B50 { end = position; break }
            position -= 1
        }
        guard end >= 0 else {
            throw fail("expected an end-of-central-directory record (PK\\5\\6) near the end of the file: not a zip archive, or truncated")
        }
        let entryCount = Int(uint16(bytes, end + 10))
        let directorySize = Int(uint32(bytes, end + 12))
        let directoryOffset = Int(uint32(bytes, end + 16))
        if entryCount == 0xFFFF || directoryOffset == 0xFFFF_FFFF {
            throw DataPipelineError(.unsupportedFormat, file: path, "ZIP64 archives are not supported")
        }
        guard directoryOffset + directorySize <= end else {
            throw fail("the central directory (bytes \(directoryOffset)..<\(directoryOffset + directorySize)) overlaps the end record at byte \(end): the archive is truncated or damaged")
        }
        var entries: [Entry] = []
        entries.reserveCapacity(entryCount)
        var cursor = directoryOffset
        for index in 0..<entryCount {
            guard cursor + 46 <= end, uint32(bytes, cursor) == 0x0201_4B50 else {
                throw fail("expected central-directory record \(index + 1) of \(entryCount) (PK\\1\\2) at byte \(cursor)")
            }
            let nameLength = Int(uint16(bytes, cursor + 28))
            let extraLength = Int(uint16(bytes, cursor + 30))
            let commentLength = Int(uint16(bytes, cursor + 32))
            guard cursor + 46 + nameLength <= end else {
                throw fail("central-directory record \(index + 1) runs past the end of the directory")
            }
            let name = String(decoding: bytes[(cursor + 46) ..< (cursor + 46 + nameLength)], as: UTF8.self)
            let compressed = uint32(bytes, cursor + 20), uncompressed = uint32(bytes, cursor + 24)
            let offset = uint32(bytes, cursor + 42)
            if compressed == 0xFFFF_FFFF || uncompressed == 0xFFFF_FFFF || offset == 0xFFFF_FFFF {
                throw DataPipelineError(.unsupportedFormat, file: path, location: .entry(name), "ZIP64 entries are not supported")
            }
            entries.append(Entry(name: name,
                                 method: uint16(bytes, cursor + 10),
                                 flags: uint16(bytes, cursor + 8),
                                 crc32: uint32(bytes, cursor + 16),
                                 compressedSize: Int(compressed),
                                 uncompressedSize: Int(uncompressed),
                                 localHeaderOffset: Int(offset)))
            cursor += 46 + nameLength + extraLength + commentLength
        }
        return entries
    }

    private static func uint16(_ bytes: [UInt8], _ at: Int) -> UInt16 {
        UInt16(bytes[at]) | UInt16(bytes[at + 1]) << 8
    }

    private static func uint32(_ bytes: [UInt8], _ at: Int) -> UInt32 {
        UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24
    }

    private static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return "0x" + String(repeating: "0", count: 8 - digits.count) + digits
    }
}
