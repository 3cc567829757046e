import TestSupport
import Foundation
import XCTest
@testable import Tensor

final class SafeTensorsTests: XCTestCase {
    // MARK: Fixtures

    func testEveryParityFixtureLoads() throws {
        let parity = try TestFixtures.directory().appendingPathComponent("parity")
        let models = try FileManager.default.contentsOfDirectory(atPath: parity.path).sorted()
        XCTAssertGreaterThanOrEqual(models.count, 14)
        for model in models {
            for part in ["model", "batch", "expected"] {
                let path = parity.appendingPathComponent(model).appendingPathComponent("\(part).safetensors").path
                let file = try SafeTensorsFile(contentsOf: path)
                XCTAssertFalse(file.names.isEmpty, path)
                XCTAssertEqual(file.names, file.names.sorted())
            }
            let batch = try SafeTensorsFile(contentsOf: parity.appendingPathComponent("\(model)/batch.safetensors").path)
            XCTAssertEqual(try batch.indexTensor("item_seq").shape, [4, 12], model)
            let expected = try SafeTensorsFile(contentsOf: parity.appendingPathComponent("\(model)/expected.safetensors").path)
            XCTAssertEqual(try expected.tensor("scores").shape, [4, 20], model)
            XCTAssertEqual(try expected.tensor("loss").shape, [1], model)
        }
    }

    func testGRU4RecFixtureValues() throws {
        let folder = try TestFixtures.directory().appendingPathComponent("parity/GRU4Rec-Base")
        let expected = try SafeTensorsFile(contentsOf: folder.appendingPathComponent("expected.safetensors").path)
        let scores = try expected.tensor("scores")
        XCTAssertEqual(scores.shape, [4, 20])
        XCTAssertEqual(Array(scores.scalars.prefix(3)), [0.6054760813713074, 0.40960124135017395, 0.5864294767379761])
        XCTAssertEqual(try expected.tensor("loss").item, 0.7568747401237488)
        XCTAssert(scores.scalars.allSatisfy { $0 > 0 && $0 < 1 }, "scores are sigmoid outputs")
        let batch = try SafeTensorsFile(contentsOf: folder.appendingPathComponent("batch.safetensors").path)
        XCTAssertEqual(try batch.indexTensor("item_id").indices, [55, 54, 18, 10])
        XCTAssertEqual(try batch.indexTensor("neg_items").shape, [4, 19])
        XCTAssertThrowsError(try batch.tensor("item_id")) { error in
            XCTAssert("\(error)".contains("item_id") && "\(error)".contains("batch.safetensors"), "\(error)")
        }
        XCTAssertThrowsError(try batch.tensor("no_such_tensor")) { error in
            XCTAssert("\(error)".contains("no_such_tensor") && "\(error)".contains("batch.safetensors"), "\(error)")
        }
        let srgnn = try SafeTensorsFile(contentsOf: folder.deletingLastPathComponent()
            .appendingPathComponent("SRGNN-Base/batch.safetensors").path)
        XCTAssertEqual(try srgnn.tensor("A").shape, [4, 12, 24])
        XCTAssertEqual(try srgnn.indexTensor("alias_item_seq").shape, [4, 12])
    }

    func testEncoderReproducesSingleDTypeFixtureBytes() throws {
        // The reference writer orders data by name within a dtype, uses compact JSON and pads the
        // header with spaces to 8 bytes, as this encoder does.
        let path = try TestFixtures.directory().appendingPathComponent("parity/GRU4Rec-Base/expected.safetensors").path
        let original = try Data(contentsOf: URL(fileURLWithPath: path))
        let file = try SafeTensorsFile(contentsOf: path)
        XCTAssertEqual(SafeTensors.encode(file.entries, metadata: file.metadata), original)
    }

    // MARK: Round trip

    func testRoundTripIsExactAndDeterministic() throws {
        var rng = SeededGenerator(seed: 31)
        let entries: [String: SafeTensorValue] = [
            "weight": .float(Tensor.normal([3, 5], using: &rng)),
            "scalar": .float(Tensor(-0.0)),
            "empty": .float(Tensor.zeros([0, 4])),
            "ids": .index(IndexTensor(shape: [2, 3], indices: [0, 1, -7, 1 << 40, 5, Int(Int32.max)])),
            "quote\"name\\": .float(T([2], [.infinity, -1e-38])),
        ]
        let folder = try makeTemporaryDirectory(self)
        let path = folder.appendingPathComponent("round.safetensors").path
        try SafeTensors.write(entries, metadata: ["format": "pt", "note": "ünïcode"], to: path)
        let file = try SafeTensorsFile(contentsOf: path)
        XCTAssertEqual(file.entries, entries)
        XCTAssertEqual(file.metadata, ["format": "pt", "note": "ünïcode"])
        XCTAssertEqual(file.names, entries.keys.sorted())
        // Same input → same bytes; the write replaced the file and left no temporary behind.
        let first = try Data(contentsOf: URL(fileURLWithPath: path))
        try SafeTensors.write(entries, metadata: ["note": "ünïcode", "format": "pt"], to: path)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), first)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), ["round.safetensors"])
        XCTAssertEqual((8 + Int(first[0])) % 8, 0, "data section is 8-byte aligned")
    }

    func testIndexTensorsAsI32() throws {
        let path = try makeTemporaryDirectory(self).appendingPathComponent("ids.safetensors").path
        let ids = IndexTensor(shape: [3], indices: [3, -2, 9])
        try SafeTensors.write(["ids": .index(ids)], to: path, indexDType: .i32)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        XCTAssertNotNil(String(decoding: bytes, as: UTF8.self).range(of: "\"I32\""))
        XCTAssertEqual(try SafeTensorsFile(contentsOf: path).indexTensor("ids"), ids)
    }

    func testWriteIntoMissingFolderFails() {
        XCTAssertThrowsError(try SafeTensors.write(["x": .float(Tensor(1))], to: "/nonexistent-folder-\(UUID())/x.safetensors")) { error in
            XCTAssert("\(error)".contains("nonexistent-folder"), "\(error)")
        }
    }

    // MARK: Malformed files

    /// A file with `header` as its JSON and `data` after it.
    private func file(header: String, data: [UInt8] = []) -> Data {
        let json = Array(header.utf8)
        var bytes = withUnsafeBytes(of: UInt64(json.count).littleEndian) { Array($0) }
        bytes += json
        bytes += data
        return Data(bytes)
    }

    private func assertRejects(_ bytes: Data, _ expected: (SafeTensorsError.Kind) -> Bool, mentioning words: [String],
                               file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try SafeTensorsFile(bytes: bytes, path: "bad.safetensors"), file: file, line: line) { error in
            guard let error = error as? SafeTensorsError else { return XCTFail("unexpected \(error)", file: file, line: line) }
            XCTAssert(expected(error.kind), "wrong kind: \(error.kind)", file: file, line: line)
            for word in words + ["bad.safetensors"] {
                XCTAssert(error.description.contains(word), "'\(word)' missing from: \(error)", file: file, line: line)
            }
        }
    }

    func testRejectsShortFile() throws {
        assertRejects(Data([1, 2, 3]), { if case .tooShort(3) = $0 { return true } else { return false } }, mentioning: ["8-byte"])
        let path = try makeTemporaryDirectory(self).appendingPathComponent("short.safetensors").path
        try Data([0, 0]).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try SafeTensorsFile(contentsOf: path)) { error in
            XCTAssert("\(error)".contains("short.safetensors"), "\(error)")
        }
        XCTAssertThrowsError(try SafeTensorsFile(contentsOf: path + ".missing")) { error in
            XCTAssert("\(error)".contains("short.safetensors.missing"), "\(error)")
        }
    }

    func testRejectsHeaderLengthBeyondFile() {
        var bytes = file(header: "{}")
        bytes[0] = 200
        assertRejects(bytes, { if case .headerBeyondFile = $0 { return true } else { return false } }, mentioning: ["200"])
    }

    func testRejectsInvalidJSON() {
        assertRejects(file(header: "{\"a\": "), { if case .invalidHeader = $0 { return true } else { return false } }, mentioning: ["JSON"])
        assertRejects(file(header: "[1, 2]"), { if case .invalidHeader = $0 { return true } else { return false } }, mentioning: ["object"])
        assertRejects(file(header: #"{"x": {"dtype": "F32", "shape": [1]}}"#),
                      { if case .invalidHeader = $0 { return true } else { return false } }, mentioning: ["'x'", "data_offsets"])
        assertRejects(file(header: #"{"x": {"dtype": "F32", "shape": [1.5], "data_offsets": [0, 4]}}"#, data: [0, 0, 0, 0]),
                      { if case .invalidHeader = $0 { return true } else { return false } }, mentioning: ["'x'", "shape"])
        assertRejects(file(header: #"{"__metadata__": {"k": 1}}"#),
                      { if case .invalidHeader = $0 { return true } else { return false } }, mentioning: ["__metadata__"])
    }

    func testRejectsUnknownDType() {
        assertRejects(file(header: #"{"x": {"dtype": "BF16", "shape": [2], "data_offsets": [0, 4]}}"#, data: [0, 0, 0, 0]),
                      { $0 == .unknownDType(tensor: "x", dtype: "BF16") }, mentioning: ["'x'", "BF16"])
    }

    func testRejectsShapeOffsetMismatch() {
        assertRejects(file(header: #"{"x": {"dtype": "F32", "shape": [3], "data_offsets": [0, 8]}}"#, data: Array(repeating: 0, count: 8)),
                      { if case .shapeMismatch = $0 { return true } else { return false } }, mentioning: ["'x'", "12 bytes", "[3]"])
    }

    /// Shapes whose byte size overflows 64 bits (a hostile header) are an error, not a trap.
    func testRejectsOverflowingShapes() {
        for shape in ["[3037000500, 3037000500]", "[4611686018427387904]", "[2, 4611686018427387904]"] {
            assertRejects(file(header: #"{"dense.bias": {"dtype": "F32", "shape": \#(shape), "data_offsets": [0, 8]}}"#,
                               data: Array(repeating: 0, count: 8)),
                          { if case .invalidHeader = $0 { return true } else { return false } },
                          mentioning: ["'dense.bias'", "overflows"])
        }
    }

    func testRejectsBadOffsets() {
        assertRejects(file(header: #"{"x": {"dtype": "F32", "shape": [0], "data_offsets": [8, 4]}}"#, data: Array(repeating: 0, count: 8)),
                      { $0 == .invalidOffsets(tensor: "x", begin: 8, end: 4) }, mentioning: ["'x'", "[8, 4]"])
        assertRejects(file(header: #"{"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}, "b": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}}"#,
                           data: Array(repeating: 0, count: 12)),
                      { $0 == .overlapping(tensor: "b", other: "a") }, mentioning: ["'a'", "'b'", "overlapping"])
    }

    func testRejectsTruncatedData() {
        assertRejects(file(header: #"{"x": {"dtype": "I64", "shape": [2], "data_offsets": [0, 16]}}"#, data: Array(repeating: 0, count: 10)),
                      { $0 == .truncatedData(tensor: "x", end: 16, dataLength: 10) }, mentioning: ["'x'", "16", "10 bytes"])
    }
}
