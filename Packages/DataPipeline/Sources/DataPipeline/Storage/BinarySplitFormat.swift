import CZlib

/// The project's binary file for one split (`train.split`, `valid.split`, `test.split`).
///
/// Loading copies fixed-width little-endian columns straight into arrays — no text parsing.
///
/// Layout (all integers little-endian):
///
/// | bytes  | field                                                        |
/// |--------|--------------------------------------------------------------|
/// | 0–7    | magic `ADASPLIT`                                             |
/// | 8–11   | format version (UInt32, currently 1)                         |
/// | 12–15  | header size in bytes (UInt32, 64)                            |
/// | 16–23  | row count R (UInt64)                                         |
/// | 24–31  | stored history items H (UInt64)                              |
/// | 32–35  | negatives per row N (UInt32)                                 |
/// | 36–39  | reserved, 0                                                  |
/// | 40–47  | payload size in bytes (UInt64)                               |
/// | 48–51  | CRC-32 of the payload (UInt32)                               |
/// | 52–55  | CRC-32 of bytes 0–51 (UInt32)                                |
/// | 56–63  | reserved, 0                                                  |
///
/// Payload, in order: `historyStarts` Int64 [R], `userIds` Int32 [R], `itemIds` Int32 [R],
/// `cateIds` Int32 [R], `historyLengths` Int32 [R], `negatives` Int32 [R·N],
/// `historyItems` Int32 [H]. Row `r`'s `item_seq` is `historyItems[historyStarts[r] ..< historyStarts[r] + historyLengths[r]]`.
enum BinarySplitFormat {
    static let magic: [UInt8] = Array("ADASPLIT".utf8)
    static let version: UInt32 = 1
    static let headerSize = 64
    /// File name of a split inside a prepared folder.
    static func fileName(_ name: Split.Name) -> String { "\(name.rawValue).split" }

    /// Payload size of `split` in bytes.
    static func payloadSize(_ split: Split) -> Int {
        split.rowCount * (8 + 4 * 4) + split.negatives.count * 4 + split.historyItems.count * 4
    }

    /// Writes `split` through `writer` (which the caller closes).
    static func write(_ split: Split, to writer: FileWriter) throws {
        precondition(UInt32(1).littleEndian == 1, "the split format is written on little-endian hosts only")
        try split.validateShape(file: writer.displayName)
        let starts = split.historyStarts.map { Int64($0) }
        var crc: UInt32 = 0
        func accumulate<T>(_ values: [T]) {
            values.withUnsafeBytes { raw in
                if let base = raw.baseAddress {
                    crc = UInt32(crc32_z(UInt(crc), base.assumingMemoryBound(to: UInt8.self), raw.count))
                }
            }
        }
        accumulate(starts); accumulate(split.userIds); accumulate(split.itemIds); accumulate(split.cateIds)
        accumulate(split.historyLengths); accumulate(split.negatives); accumulate(split.historyItems)

        var header = [UInt8](repeating: 0, count: headerSize)
        header.replaceSubrange(0..<8, with: magic)
        put(version, into: &header, at: 8)
        put(UInt32(headerSize), into: &header, at: 12)
        put(UInt64(split.rowCount), into: &header, at: 16)
        put(UInt64(split.historyItems.count), into: &header, at: 24)
        put(UInt32(split.negativesPerRow), into: &header, at: 32)
        put(UInt64(payloadSize(split)), into: &header, at: 40)
        put(crc, into: &header, at: 48)
        put(header.withUnsafeBufferPointer { ZipArchive.crc32(of: UnsafeBufferPointer(rebasing: $0[0..<52])) }, into: &header, at: 52)
        try header.withUnsafeBufferPointer { try writer.write($0) }
        try writer.writeRaw(starts)
        try writer.writeRaw(split.userIds)
        try writer.writeRaw(split.itemIds)
        try writer.writeRaw(split.cateIds)
        try writer.writeRaw(split.historyLengths)
        try writer.writeRaw(split.negatives)
        try writer.writeRaw(split.historyItems)
    }

    /// Reads and verifies a split file.
    /// - Throws: `DataPipelineError` for a wrong magic or version, a size mismatch (truncation)
    ///   or a checksum mismatch.
    static func read(path: String) throws -> Split {
        try decode(FileBytes.read(path), file: path)
    }

    /// `rows · (24 + 4 · negativesPerRow) + 4 · historyCount` bytes, or nil when it overflows `Int`.
    static func payloadSize(rows: Int, negativesPerRow: Int, historyCount: Int) -> Int? {
        let (perRow, o1) = (4 * negativesPerRow).addingReportingOverflow(24)
        let (rowBytes, o2) = rows.multipliedReportingOverflow(by: perRow)
        let (historyBytes, o3) = historyCount.multipliedReportingOverflow(by: 4)
        let (total, o4) = rowBytes.addingReportingOverflow(historyBytes)
        return o1 || o2 || o3 || o4 ? nil : total
    }

    /// Reads the bytes of a split file; errors name `file` and the byte offset where known.
    static func decode(_ bytes: [UInt8], file: String) throws -> Split {
        precondition(UInt32(1).littleEndian == 1, "the split format is read on little-endian hosts only")
        let counts = try checkedCounts(bytes, file: file)
        let split = readColumns(bytes, counts)
        try split.validateShape(file: file)
        return split
    }

    /// Row, negative and history counts of a split file, after checking its magic bytes, version,
    /// checksums and that the counts match the file's size.
    private static func checkedCounts(_ bytes: [UInt8], file: String) throws
        -> (rows: Int, negativesPerRow: Int, historyCount: Int) {
        func fail(_ kind: DataPipelineError.Kind, _ message: String, at offset: Int? = nil) -> DataPipelineError {
            DataPipelineError(kind, file: file, location: offset.map { .byteOffset($0) } ?? .file, message)
        }
        guard bytes.count >= headerSize else {
            throw fail(.malformedLine, "expected a \(headerSize)-byte split header, the file has \(bytes.count) bytes")
        }
        guard Array(bytes[0..<8]) == magic else {
            throw fail(.unsupportedFormat, "expected the magic bytes ADASPLIT: not a split file", at: 0)
        }
        let headerCRC = bytes.withUnsafeBufferPointer { ZipArchive.crc32(of: UnsafeBufferPointer(rebasing: $0[0..<52])) }
        guard headerCRC == get(UInt32.self, bytes, 52) else {
            throw fail(.checksumMismatch, "expected header CRC-32 \(get(UInt32.self, bytes, 52)), computed \(headerCRC)", at: 52)
        }
        let fileVersion = get(UInt32.self, bytes, 8)
        guard fileVersion == version else {
            throw fail(.unsupportedFormat, "expected split format version \(version), found \(fileVersion)", at: 8)
        }
        let negativesPerRow = Int(get(UInt32.self, bytes, 32))
        // Counts come from the file: check every conversion and product, so that a damaged or
        // hostile header is an error rather than an overflow trap.
        guard let rows = Int(exactly: get(UInt64.self, bytes, 16)),
              let historyCount = Int(exactly: get(UInt64.self, bytes, 24)),
              let payload = Int(exactly: get(UInt64.self, bytes, 40)),
              let expectedPayload = payloadSize(rows: rows, negativesPerRow: negativesPerRow, historyCount: historyCount)
        else {
            throw fail(.inconsistentData, "header counts (rows \(get(UInt64.self, bytes, 16)), history items \(get(UInt64.self, bytes, 24))) are too large for any file", at: 16)
        }
        guard payload == expectedPayload else {
            throw fail(.inconsistentData, "header declares a \(payload)-byte payload, its counts need \(expectedPayload)", at: 40)
        }
        guard bytes.count == headerSize + payload else {
            throw fail(.malformedLine, "expected \(headerSize + payload) bytes (header + payload), found \(bytes.count): the file is truncated or has trailing data")
        }
        let payloadCRC = bytes.withUnsafeBufferPointer { ZipArchive.crc32(of: UnsafeBufferPointer(rebasing: $0[headerSize...])) }
        guard payloadCRC == get(UInt32.self, bytes, 48) else {
            throw fail(.checksumMismatch, "expected payload CRC-32 \(get(UInt32.self, bytes, 48)), computed \(payloadCRC): the data is damaged")
        }
        return (rows, negativesPerRow, historyCount)
    }

    /// The payload's columns as a `Split` (the counts already checked against the file size).
    private static func readColumns(_ bytes: [UInt8], _ counts: (rows: Int, negativesPerRow: Int, historyCount: Int)) -> Split {
        let (rows, negativesPerRow, historyCount) = counts
        var offset = headerSize
        func column<T>(_ type: T.Type, _ count: Int) -> [T] {
            let byteCount = count * MemoryLayout<T>.stride
            let values = [T](unsafeUninitializedCapacity: count) { out, initialized in
                bytes.withUnsafeBytes { raw in
                    UnsafeMutableRawBufferPointer(out).copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[offset ..< offset + byteCount]))
                }
                initialized = count
            }
            offset += byteCount
            return values
        }
        let starts = column(Int64.self, rows).map { Int($0) }
        let users = column(Int32.self, rows)
        let items = column(Int32.self, rows)
        let categories = column(Int32.self, rows)
        let lengths = column(Int32.self, rows)
        let negatives = column(Int32.self, rows * negativesPerRow)
        let history = column(Int32.self, historyCount)
        return Split(userIds: users, itemIds: items, cateIds: categories, historyStarts: starts,
                     historyLengths: lengths, historyItems: history,
                     negativesPerRow: negativesPerRow, negatives: negatives)
    }

    private static func put<T: FixedWidthInteger>(_ value: T, into bytes: inout [UInt8], at offset: Int) {
        withUnsafeBytes(of: value.littleEndian) { raw in
            for index in 0..<raw.count { bytes[offset + index] = raw[index] }
        }
    }

    private static func get<T: FixedWidthInteger>(_ type: T.Type, _ bytes: [UInt8], _ offset: Int) -> T {
        var value: T = 0
        withUnsafeMutableBytes(of: &value) { raw in
            for index in 0..<raw.count { raw[index] = bytes[offset + index] }
        }
        return T(littleEndian: value)
    }
}
