import Foundation
import XCTest
@testable import DataPipeline

final class StorageTests: XCTestCase {
    /// Two rows of user 3 sharing a history, one row with an empty history.
    private func sampleSplit() -> Split {
        Split(userIds: [3, 3, 4], itemIds: [11, 12, 13], cateIds: [1, 2, 1],
              historyStarts: [0, 0, 3], historyLengths: [2, 3, 0], historyItems: [7, 8, 11],
              negativesPerRow: 2, negatives: [20, 21, 22, 23, 24, 25])
    }

    private func writeBinary(_ split: Split, to folder: String, name: String = "train.split") throws -> String {
        let output = try OutputFolder(path: folder)
        let writer = try output.makeWriter(name)
        try BinarySplitFormat.write(split, to: writer)
        try writer.close()
        try output.commit()
        return folder + "/" + name
    }

    func testBinaryRoundTrip() throws {
        let folder = try makeTemporaryFolder(self)
        let path = try writeBinary(sampleSplit(), to: folder)
        let loaded = try BinarySplitFormat.read(path: path)
        XCTAssertEqual(loaded, sampleSplit())
        XCTAssertEqual(Array(loaded.history(ofRow: 1)), [7, 8, 11])
        let bytes = try FileBytes.read(path)
        XCTAssertEqual(Array(bytes.prefix(8)), Array("ADASPLIT".utf8))
        XCTAssertEqual(bytes.count, 64 + BinarySplitFormat.payloadSize(sampleSplit()))
        XCTAssertEqual(filesIn(folder), ["train.split"], "no temporary file left")
    }

    func testDamagedBinaryFilesAreRejected() throws {
        let folder = try makeTemporaryFolder(self)
        let path = try writeBinary(sampleSplit(), to: folder)
        let bytes = try FileBytes.read(path)
        var flipped = bytes
        flipped[bytes.count - 3] ^= 0x40
        assertPipelineError(.checksumMismatch, mentions: ["bad.split", "payload CRC-32"]) {
            try BinarySplitFormat.decode(flipped, file: "bad.split")
        }
        var header = bytes
        header[20] ^= 0x01
        assertPipelineError(.checksumMismatch, mentions: ["bad.split", "header CRC-32"]) {
            try BinarySplitFormat.decode(header, file: "bad.split")
        }
        assertPipelineError(.malformedLine, mentions: ["bad.split", "truncated"]) {
            try BinarySplitFormat.decode(Array(bytes.dropLast(4)), file: "bad.split")
        }
        assertPipelineError(.unsupportedFormat, mentions: ["bad.split", "ADASPLIT"]) {
            try BinarySplitFormat.decode([UInt8](repeating: 0, count: 80), file: "bad.split")
        }
    }

    /// Files whose checksums are valid but whose content is hostile: counts that overflow, and
    /// negative ids. Each is an error naming the file, never a trap.
    func testHostileSplitsWithValidChecksumsAreRejected() throws {
        let folder = try makeTemporaryFolder(self)
        let bytes = try FileBytes.read(try writeBinary(sampleSplit(), to: folder))
        func setUInt64(_ value: UInt64, at offset: Int, in data: inout [UInt8]) {
            for index in 0..<8 { data[offset + index] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(index))) }
        }
        func setUInt32(_ value: UInt32, at offset: Int, in data: inout [UInt8]) {
            for index in 0..<4 { data[offset + index] = UInt8(truncatingIfNeeded: value >> (8 * UInt32(index))) }
        }
        func resealed(_ data: [UInt8]) -> [UInt8] {
            var data = data
            let payload = data.withUnsafeBufferPointer { ZipArchive.crc32(of: UnsafeBufferPointer(rebasing: $0[64...])) }
            setUInt32(payload, at: 48, in: &data)
            let header = data.withUnsafeBufferPointer { ZipArchive.crc32(of: UnsafeBufferPointer(rebasing: $0[0..<52])) }
            setUInt32(header, at: 52, in: &data)
            return data
        }
        for rows: UInt64 in [1 << 61, (1 << 63) + 5, UInt64.max] {
            var hostile = bytes
            setUInt64(rows, at: 16, in: &hostile)
            assertPipelineError(.inconsistentData, mentions: ["bad.split", "too large"]) {
                try BinarySplitFormat.decode(resealed(hostile), file: "bad.split")
            }
        }
        // The user id column starts after the row starts (3 rows × 8 bytes): make row 1's user −5.
        var negativeUser = bytes
        setUInt32(UInt32(bitPattern: -5), at: 64 + 24 + 4, in: &negativeUser)
        assertPipelineError(.inconsistentData, mentions: ["bad.split", "row 1", "user id -5"]) {
            try BinarySplitFormat.decode(resealed(negativeUser), file: "bad.split")
        }
        // The last 4 bytes are the last history item.
        var negativeHistory = bytes
        setUInt32(UInt32(bitPattern: -1), at: bytes.count - 4, in: &negativeHistory)
        assertPipelineError(.inconsistentData, mentions: ["bad.split", "item id -1"]) {
            try BinarySplitFormat.decode(resealed(negativeHistory), file: "bad.split")
        }
        // A history start near Int.max must not overflow `start + length`.
        var farStart = bytes
        setUInt64(UInt64(Int64.max - 1), at: 64 + 8, in: &farStart)
        assertPipelineError(.inconsistentData, mentions: ["bad.split", "row 1"]) {
            try BinarySplitFormat.decode(resealed(farStart), file: "bad.split")
        }
    }

    func testReferenceTSVText() throws {
        let folder = try makeTemporaryFolder(self)
        let output = try OutputFolder(path: folder)
        let writer = try output.makeWriter("train.tsv")
        try ReferenceTSVWriter.writeSplit(sampleSplit(), to: writer)
        try writer.close()
        try output.commit()
        let text = try String(contentsOfFile: folder + "/train.tsv", encoding: .utf8)
        XCTAssertEqual(text, """
        user_id\titem_id\tcate_id\titem_seq\titem_seq_len\tneg_items
        3\t11\t[1]\t[7, 8]\t2\t[20, 21]
        3\t12\t[2]\t[7, 8, 11]\t3\t[22, 23]
        4\t13\t[1]\t[]\t0\t[24, 25]

        """)
        // And it reads back to the same rows.
        let back = try ReferenceSplitReader.read(path: folder + "/train.tsv")
        for row in 0..<3 {
            XCTAssertEqual(Array(back.history(ofRow: row)), Array(sampleSplit().history(ofRow: row)))
            XCTAssertEqual(Array(back.negatives(ofRow: row)), Array(sampleSplit().negatives(ofRow: row)))
        }
    }

    func testLongListsLargerThanTheWriteBufferAreWritten() throws {
        let folder = try makeTemporaryFolder(self)
        let history = (1...150_000).map(Int32.init)
        let split = Split(userIds: [1], itemIds: [150_001], cateIds: [1], historyStarts: [0], historyLengths: [150_000],
                          historyItems: history, negativesPerRow: 1, negatives: [3])
        let output = try OutputFolder(path: folder)
        let writer = try output.makeWriter("test.tsv")
        try ReferenceTSVWriter.writeSplit(split, to: writer)
        try writer.close()
        try output.commit()
        let back = try ReferenceSplitReader.read(path: folder + "/test.tsv")
        XCTAssertEqual(back.historyItems, history)
    }

    func testUncommittedFilesAreRemoved() throws {
        let folder = try makeTemporaryFolder(self)
        do {
            let output = try OutputFolder(path: folder)
            let writer = try output.makeWriter("train.tsv")
            try writer.write("partial")
            try writer.close()
            XCTAssertEqual(filesIn(folder).count, 1)
            XCTAssertTrue(filesIn(folder)[0].hasPrefix(".train.tsv.partial-"))
        }
        XCTAssertEqual(filesIn(folder), [], "discarded on deinit without commit")
    }

    func testLoadReferenceTSVFolderDerivesTableSizes() throws {
        let folder = try makeTemporaryFolder(self)
        let header = "user_id\titem_id\tcate_id\titem_seq\titem_seq_len\tneg_items\n"
        try writeFile(folder, "train.tsv", header + "2\t36\t[19]\t[32, 33]\t2\t[40, 41]\n5\t3\t[2]\t[1]\t1\t[7, 8]\n")
        try writeFile(folder, "valid.tsv", header + "2\t37\t[19]\t[32, 33, 36]\t3\t[90, 42]\n")
        try writeFile(folder, "test.tsv", header + "2\t38\t[4]\t[32, 33, 36, 37]\t4\t[43, 44]\n")
        var dataset = try PreparedDataset.load(from: folder)
        XCTAssertEqual(dataset.train.rowCount, 2)
        XCTAssertEqual(dataset.userNum, 6, "largest user id 5, plus padding row 0")
        XCTAssertEqual(dataset.itemNum, 91, "largest item id anywhere (a negative, 90) + 1")
        XCTAssertEqual(dataset.cateNum, 20)
        XCTAssertEqual(dataset.stats.inputFormat, "reference-tsv")
        XCTAssertEqual(dataset.stats.negItemsNum, 2)
        XCTAssertNil(dataset.itemEmbeddingFile)
        // item_emb_64.txt rows count towards item_num.
        try writeFile(folder, "item_emb_64.txt", "1\t0.1,0.2\n120\t0.0,0.0\n")
        dataset = try PreparedDataset.load(from: folder)
        XCTAssertEqual(dataset.itemNum, 121)
        XCTAssertEqual(dataset.itemEmbeddingFile, folder + "/item_emb_64.txt")
        let sequences = dataset.userSequences()
        XCTAssertEqual(Array(sequences.items[sequences.starts[1] ..< sequences.starts[2]]), [32, 33, 36, 37, 38])
    }

    func testLoadingAFolderWithoutSplitsNamesWhatIsMissing() throws {
        let folder = try makeTemporaryFolder(self)
        try writeFile(folder, "train.tsv", "user_id\titem_id\tcate_id\titem_seq\titem_seq_len\tneg_items\n")
        assertPipelineError(.unreadableFile, mentions: [folder, "valid.tsv"]) { try PreparedDataset.load(from: folder) }
        assertPipelineError(.unreadableFile, mentions: ["/no/such/folder"]) { try PreparedDataset.load(from: "/no/such/folder") }
    }

    func testStatsJSONUsesSnakeCaseSizes() throws {
        let (dataset, _) = try PreparePipeline.process(
            rawDataset([(1, 1, 1), (1, 2, 2), (1, 3, 3), (2, 2, 1), (2, 4, 2)], categories: [1: [1], 2: [1], 3: [2], 4: [2]]),
            options: testOptions())
        let json = String(decoding: try dataset.stats.encoded(), as: UTF8.self)
        for key in ["\"user_num\" : 3", "\"item_num\" : 5", "\"cate_num\" : 3", "\"users\" : 2", "\"sampling_fallbacks\"",
                    "\"mean_history_length\"", "\"max_history_length\"", "\"neg_items_num\" : 19", "\"sampling\" : \"leak-free\""] {
            XCTAssertTrue(json.contains(key), "stats.json lacks \(key):\n\(json)")
        }
    }
}
