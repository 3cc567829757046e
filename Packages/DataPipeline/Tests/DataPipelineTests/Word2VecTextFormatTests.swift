import DataPipeline
import Foundation
import Tensor
import XCTest

/// `item_emb_<D>.txt` writing and reading, and the safetensors copy.
final class Word2VecTextFormatTests: XCTestCase {
    private var folder: String!

    override func setUpWithError() throws {
        folder = try makeTemporaryFolder(self)
    }

    private func randomEmbeddings(items: Int, size: Int, seed: UInt64) -> ItemEmbeddings {
        var rng = SeededGenerator(seed: seed)
        var values = (0..<(items + 1) * size).map { _ in Float(rng.normal()) * 0.3 }
        for d in 0..<size { values[d] = 0 }
        return ItemEmbeddings(itemCount: items, vectorSize: size, values: values)
    }

    func testLinesAreIdTabAndSixDecimalValues() {
        let embeddings = ItemEmbeddings(itemCount: 2, vectorSize: 3,
                                        values: [0, 0, 0, 0.5, -0.25, 1.0 / 3, 0, 12.345678, -0.0000004])
        let text = String(decoding: embeddings.textBytes(), as: UTF8.self)
        XCTAssertEqual(text, "1\t0.500000,-0.250000,0.333333\n2\t0.000000,12.345678,-0.000000\n")
        XCTAssertEqual(ItemEmbeddings.textFileName(vectorSize: 64), "item_emb_64.txt")
    }

    func testValuesArePrintedExactlyLikePrintf() {
        var rng = SeededGenerator(seed: 1)
        var samples: [Float] = [0, -0.0, 0.5, 1e-7, -1e-7, 5e-7, 0.0000005, 0.0000015, 0.0000025, 1, 123456.7,
                                .leastNonzeroMagnitude, -.leastNormalMagnitude, 0x1p29, 7_000_000_000, -.greatestFiniteMagnitude]
        for _ in 0..<20_000 { samples.append(Float(rng.normal()) * 0.05) }
        for _ in 0..<5_000 { samples.append(Float(bitPattern: UInt32(truncatingIfNeeded: rng.next()) & 0x4FFF_FFFF)) }
        for value in samples where value.isFinite {
            let embeddings = ItemEmbeddings(itemCount: 1, vectorSize: 1, values: [0, value])
            let line = String(decoding: embeddings.textBytes(), as: UTF8.self)
            XCTAssertEqual(line, "1\t" + String(format: "%.6f", Double(value)) + "\n", "value \(value)")
        }
    }

    func testWriteThenReadRoundTrips() throws {
        let embeddings = randomEmbeddings(items: 40, size: 7, seed: 2)
        let path = folder + "/" + ItemEmbeddings.textFileName(vectorSize: 7)
        try embeddings.writeText(to: path)
        let read = try ItemEmbeddings.readText(from: path, itemCount: 40, vectorSize: 7)
        XCTAssertEqual(read.itemCount, 40)
        XCTAssertEqual(read.vectorSize, 7)
        for (a, b) in zip(read.values, embeddings.values) { XCTAssertEqual(a, b, accuracy: 1e-6) }
        XCTAssertEqual(Array(read.vector(0)), [Float](repeating: 0, count: 7))
        // Reading infers the sizes, and writing what was read gives the same bytes.
        let inferred = try ItemEmbeddings.readText(from: path)
        XCTAssertEqual(inferred, read)
        XCTAssertEqual(inferred.textBytes(), Array(try Data(contentsOf: URL(fileURLWithPath: path))))
        // No temporary file is left behind.
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder), ["item_emb_7.txt"])
    }

    func testReaderAcceptsOtherDecimalSpellings() throws {
        let text = "1\t1,-2.5,3e-1\r\n2\t+0.125,.5,1000000000.0"
        let read = try ItemEmbeddings.parseText(Array(text.utf8), source: "x.txt")
        XCTAssertEqual(read.values, [0, 0, 0, 1, -2.5, 0.3, 0.125, 0.5, 1e9])
    }

    func testReaderErrorsNameFileLineAndExpectation() {
        func message(_ text: String, itemCount: Int? = nil, vectorSize: Int? = nil) -> String {
            do {
                _ = try ItemEmbeddings.parseText(Array(text.utf8), source: "data/item_emb_2.txt",
                                                 itemCount: itemCount, vectorSize: vectorSize)
                return "no error"
            } catch {
                return "\(error)"
            }
        }
        XCTAssertTrue(message("1\t0.1,0.2\n2\t0.3\n").hasPrefix("data/item_emb_2.txt:2:"), message("1\t0.1,0.2\n2\t0.3\n"))
        XCTAssertTrue(message("1\t0.1,0.2\n2\t0.3\n").contains("expected 2 comma-separated values, found 1"))
        XCTAssertTrue(message("1\t0.1,0.2\n3\t0.3,0.4\n").contains("expected item id 2"))
        XCTAssertTrue(message("1\t0.1,abc\n").contains("data/item_emb_2.txt:1:"))
        XCTAssertTrue(message("1\t0.1,abc\n").contains("value 2"))
        XCTAssertTrue(message("1 0.1,0.2\n").contains("followed by a tab"))
        XCTAssertTrue(message("1\t0.1,0.2\n\n2\t0.3,0.4\n").contains(":2:"))
        XCTAssertTrue(message("").contains("no lines"))
        XCTAssertTrue(message("1\t0.1,0.2\n", itemCount: 3).contains("expected 3 lines"))
        XCTAssertTrue(message("1\t0.1,0.2\n", vectorSize: 3).contains("expected 3 comma-separated values"))
        XCTAssertTrue(message("1\t0.1,\n").contains("value 2"))
    }

    func testMissingFileIsReportedWithItsPath() {
        XCTAssertThrowsError(try ItemEmbeddings.readText(from: folder + "/absent.txt")) { error in
            XCTAssertTrue("\(error)".contains("absent.txt"), "\(error)")
        }
    }

    func testSafeTensorsRoundTripIsExact() throws {
        let embeddings = randomEmbeddings(items: 25, size: 5, seed: 3)
        let path = folder + "/" + ItemEmbeddings.safeTensorsFileName(vectorSize: 5)
        try embeddings.writeSafeTensors(to: path)
        XCTAssertEqual(try ItemEmbeddings.readSafeTensors(from: path), embeddings)
        let file = try SafeTensorsFile(contentsOf: path)
        XCTAssertEqual(file.names, ["item_embedding"])
        XCTAssertEqual(try file.tensor("item_embedding").shape, [26, 5])
    }
}
