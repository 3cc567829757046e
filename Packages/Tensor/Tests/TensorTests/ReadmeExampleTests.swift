import Foundation
import Tensor
import XCTest

/// The example of `Packages/Tensor/README.md`, verbatim, with the values its comments state.
/// If this test needs a change, the README needs the same change.
final class ReadmeExampleTests: XCTestCase {
    func testReadmeExample() throws {
        // --- README example (keep identical to the README) ---
        // Shapes and row-major scalars.
        let a = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        let b = Tensor.ones([3, 2])
        let product = Tensor.matmul(a, b)                            // [2, 2]: 6, 6, 15, 15
        let shifted = a + Tensor(shape: [3], scalars: [10, 20, 30])  // [2, 3] + [3]: added to every row
        let probabilities = a.softmax(axis: -1)                      // [2, 3], each row sums to 1
        let rowSums = probabilities.sum(axis: -1)                    // [2]: 1, 1

        // A seeded generator: the same seed gives the same draws on every machine.
        var rng = SeededGenerator(seed: 2020)
        let weights = Tensor.normal([4, 3], std: 0.1, using: &rng)
        var again = SeededGenerator(seed: 2020)
        let sameWeights = Tensor.normal([4, 3], std: 0.1, using: &again)  // == weights
        let ids = IndexTensor(shape: [2], indices: [3, 0])
        let rows = weights.gatherRows(ids)                           // [2, 3]: rows 3 and 0 of weights

        // A tiny product on at most one OpenBLAS thread.
        let scores = withBLASThreads(atMost: 1) { Tensor.matmul(rows, weights, transposeB: true) }  // [2, 4]

        // A safetensors round trip in a temporary folder.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tensor-readme-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent("example.safetensors").path
        try SafeTensors.write(["weights": .float(weights), "ids": .index(ids)], metadata: ["note": "example"], to: path)
        let file = try SafeTensorsFile(contentsOf: path)
        let loadedWeights = try file.tensor("weights")               // == weights, bit for bit
        let loadedIDs = try file.indexTensor("ids")                  // == ids (stored as I64)
        try FileManager.default.removeItem(at: folder)
        // --- end of README example ---

        XCTAssertEqual(product, Tensor(shape: [2, 2], scalars: [6, 6, 15, 15]))
        XCTAssertEqual(shifted, Tensor(shape: [2, 3], scalars: [11, 22, 33, 14, 25, 36]))
        XCTAssertEqual(probabilities.shape, [2, 3])
        XCTAssertEqual(rowSums.shape, [2])
        for s in rowSums.scalars { XCTAssertEqual(s, 1, accuracy: 1e-6) }
        // Softmax is shift-invariant: both rows of `a` differ by a constant.
        for j in 0..<3 { XCTAssertEqual(probabilities[0, j], probabilities[1, j], accuracy: 1e-6) }
        XCTAssertGreaterThan(probabilities[0, 2], probabilities[0, 1])

        XCTAssertEqual(weights, sameWeights)
        XCTAssertNotEqual(weights, Tensor.normal([4, 3], std: 0.1, using: &rng), "the stream moved on")
        XCTAssertEqual(rows.shape, [2, 3])
        XCTAssertEqual(Array(rows.scalars[0..<3]), Array(weights.scalars[9..<12]))
        XCTAssertEqual(Array(rows.scalars[3..<6]), Array(weights.scalars[0..<3]))

        checkScores(scores, rows: rows, weights: weights)

        XCTAssertEqual(file.names, ["ids", "weights"])
        XCTAssertEqual(file.metadata, ["note": "example"])
        XCTAssertEqual(loadedWeights.scalars.map(\.bitPattern), weights.scalars.map(\.bitPattern))
        XCTAssertEqual(loadedWeights.shape, [4, 3])
        XCTAssertEqual(loadedIDs, ids)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.path))
    }

    /// `scores[i, j] = rows[i] · weights[j]`, shape [2, 4].
    private func checkScores(_ scores: Tensor, rows: Tensor, weights: Tensor) {
        XCTAssertEqual(scores.shape, [2, 4])
        for i in 0..<2 {
            for j in 0..<4 {
                var dot: Float = 0
                for k in 0..<3 { dot += rows[i, k] * weights[j, k] }
                XCTAssertEqual(scores[i, j], dot, accuracy: 1e-6)
            }
        }
    }

    /// The byte layout the README's safetensors section describes.
    func testSafeTensorsLayoutAsDocumented() throws {
        let weights = Tensor(shape: [2], scalars: [1.5, -2])
        let ids = IndexTensor([7])
        let bytes = [UInt8](SafeTensors.encode(["w": .float(weights), "ids": .index(ids)]))

        // 8-byte little-endian header length N, then N bytes of JSON.
        let headerLength = bytes[0..<8].reversed().reduce(0) { $0 << 8 | Int($1) }
        XCTAssertEqual((8 + headerLength) % 8, 0, "data starts at a multiple of 8 bytes")
        let header = try XCTUnwrap(
            JSONSerialization.jsonObject(with: Data(bytes[8..<(8 + headerLength)])) as? [String: [String: Any]])
        XCTAssertEqual(header["ids"]?["dtype"] as? String, "I64")
        XCTAssertEqual(header["ids"]?["shape"] as? [Int], [1])
        XCTAssertEqual(header["ids"]?["data_offsets"] as? [Int], [0, 8])
        XCTAssertEqual(header["w"]?["dtype"] as? String, "F32")
        XCTAssertEqual(header["w"]?["shape"] as? [Int], [2])
        XCTAssertEqual(header["w"]?["data_offsets"] as? [Int], [8, 16])

        // Raw little-endian data, in sorted name order.
        let data = Array(bytes[(8 + headerLength)...])
        XCTAssertEqual(data.count, 16)
        XCTAssertEqual(Array(data[0..<8]), [7, 0, 0, 0, 0, 0, 0, 0])
        let first = data[8..<12].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        XCTAssertEqual(Float(bitPattern: first), 1.5)

        // Deterministic: the same entries give the same bytes.
        XCTAssertEqual(bytes, [UInt8](SafeTensors.encode(["ids": .index(ids), "w": .float(weights)])))
        // And I32 when asked.
        let narrow = try SafeTensorsFile(bytes: SafeTensors.encode(["ids": .index(ids)], indexDType: .i32), path: "mem")
        XCTAssertEqual(try narrow.indexTensor("ids"), ids)
    }

    /// `withBLASThreads` restores the previous thread count.
    func testWithBLASThreadsRestoresCount() {
        let before = blasThreads()
        let inside = withBLASThreads(atMost: 1) { blasThreads() }
        XCTAssertEqual(inside, 1)
        XCTAssertEqual(blasThreads(), before)
    }
}
