import CZlib
import Foundation
import TestSupport
import XCTest
@testable import DataPipeline

/// A fresh temporary folder, deleted when the test ends (TestSupport's `makeTemporaryDirectory`, as a path).
func makeTemporaryFolder(_ test: XCTestCase) throws -> String {
    try makeTemporaryDirectory(test, prefix: "datapipeline-tests").path
}

/// Writes `text` to `folder/name` and returns the path.
@discardableResult
func writeFile(_ folder: String, _ name: String, _ text: String) throws -> String {
    let path = URL(fileURLWithPath: folder).appendingPathComponent(name).path
    try FileManager.default.createDirectory(atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path,
                                            withIntermediateDirectories: true)
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    return path
}

/// The names of the non-hidden and hidden files in `folder`, sorted.
func filesIn(_ folder: String) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
}

/// Asserts that `body` throws a `DataPipelineError` of `kind` whose description mentions every
/// string of `mentions` (file names, line numbers, expectations).
func assertPipelineError<T>(_ kind: DataPipelineError.Kind, mentions: [String], file: StaticString = #filePath, line: UInt = #line,
                            _ body: () throws -> T) {
    do {
        _ = try body()
        XCTFail("expected a \(kind) error", file: file, line: line)
    } catch let error as DataPipelineError {
        XCTAssertEqual(error.kind, kind, "\(error)", file: file, line: line)
        for text in mentions {
            XCTAssertTrue(error.description.contains(text), "“\(error)” does not mention “\(text)”", file: file, line: line)
        }
    } catch {
        XCTFail("expected DataPipelineError, got \(error)", file: file, line: line)
    }
}

/// Builds zip archives in memory for the reader tests: stored entries are copied, deflated ones
/// are compressed with zlib's raw deflate (`deflateInit2_` with −15 window bits) and every entry
/// carries the zlib CRC-32 of its data.
struct ZipBuilder {
    struct Entry {
        var name: String
        var data: [UInt8]
        var deflate: Bool
    }
    var entries: [Entry] = []

    mutating func add(_ name: String, _ text: String, deflate: Bool) {
        entries.append(Entry(name: name, data: Array(text.utf8), deflate: deflate))
    }

    /// The archive bytes; `corruptCRCOf` stores a wrong CRC for that entry.
    func build(corruptCRCOf corrupted: String? = nil) -> [UInt8] {
        var output: [UInt8] = []
        var central: [UInt8] = []
        for entry in entries {
            let payload = entry.deflate ? ZipBuilder.rawDeflate(entry.data) : entry.data
            var crc = entry.data.withUnsafeBufferPointer { UInt32(crc32(0, $0.baseAddress, UInt32($0.count))) }
            if entry.name == corrupted { crc ^= 0xDEAD_BEEF }
            let name = Array(entry.name.utf8)
            let method: UInt16 = entry.deflate ? 8 : 0
            let offset = UInt32(output.count)
            // Local header.
            output += le32(0x0403_4B50) + le16(20) + le16(0) + le16(method) + le16(0) + le16(0)
            output += le32(crc) + le32(UInt32(payload.count)) + le32(UInt32(entry.data.count))
            output += le16(UInt16(name.count)) + le16(0) + name + payload
            // Central record.
            central += le32(0x0201_4B50) + le16(20) + le16(20) + le16(0) + le16(method) + le16(0) + le16(0)
            central += le32(crc) + le32(UInt32(payload.count)) + le32(UInt32(entry.data.count))
            central += le16(UInt16(name.count)) + le16(0) + le16(0) + le16(0) + le16(0) + le32(0) + le32(offset) + name
        }
        let centralOffset = UInt32(output.count)
        output += central
        output += le32(0x0605_4B50) + le16(0) + le16(0) + le16(UInt16(entries.count)) + le16(UInt16(entries.count))
        output += le32(UInt32(central.count)) + le32(centralOffset) + le16(0)
        return output
    }

    static func rawDeflate(_ data: [UInt8]) -> [UInt8] {
        var stream = z_stream()
        let status = deflateInit2_(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY,
                                   zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        precondition(status == Z_OK)
        defer { deflateEnd(&stream) }
        var input = data
        let bound = Int(deflateBound(&stream, UInt(data.count)))
        var output = [UInt8](repeating: 0, count: bound + 16)
        let produced: Int = input.withUnsafeMutableBufferPointer { input in
            output.withUnsafeMutableBufferPointer { output in
                stream.next_in = input.baseAddress
                stream.avail_in = UInt32(input.count)
                stream.next_out = output.baseAddress
                stream.avail_out = UInt32(output.count)
                let result = deflate(&stream, Z_FINISH)
                precondition(result == Z_STREAM_END)
                return output.count - Int(stream.avail_out)
            }
        }
        return Array(output.prefix(produced))
    }

    private func le16(_ value: UInt16) -> [UInt8] { [UInt8(value & 0xFF), UInt8(value >> 8)] }
    private func le32(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8((value >> (8 * $0)) & 0xFF) } }
}

/// A `RawDataset` from compact `(user, item, time)` triples and item → categories.
func rawDataset(_ rows: [(Int, Int, Int64)], categories: [Int: [Int]]) -> RawDataset {
    RawDataset(interactions: rows.map { .init(user: $0.0, item: $0.1, timestamp: $0.2) },
               itemCategories: categories, source: "test")
}

/// Default options for in-memory processing tests: no progress bars, small thresholds.
func testOptions(minItemsPerCategory: Int = 0, minUserInteractions: Int = 0) -> PrepareOptions {
    var options = PrepareOptions(input: "", outputFolder: "")
    options.showProgress = false
    options.minItemsPerCategory = minItemsPerCategory
    options.minUserInteractions = minUserInteractions
    return options
}
