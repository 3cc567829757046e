import Foundation
import XCTest
@testable import DataPipeline

/// End-to-end runs of `PreparePipeline` on small inputs: determinism and every bad-input case,
/// each of which must leave the output folder without any (partial) file.
final class PipelineTests: XCTestCase {
    /// A 4-field TSV with 30 users × 15 interactions over 60 items in 3 categories.
    private func smallTSV(_ folder: String) throws -> String {
        var text = "user_id\titem_id\tcate_id\ttimestamp\n"
        for user in 1...30 {
            for step in 0..<15 {
                let item = (user * 7 + step * 3) % 60 + 1
                text += "\(user)\t\(item)\t[\(item % 3 + 1)\(item % 5 == 0 ? ", 9" : "")]\t\(1_000 + step)\n"
            }
        }
        return try writeFile(folder, "interactions.tsv", text)
    }

    private func options(_ input: String, _ output: String, seed: UInt64 = 7) -> PrepareOptions {
        var options = PrepareOptions(input: input, outputFolder: output)
        options.seed = seed
        options.showProgress = false
        options.minItemsPerCategory = 10
        return options
    }

    func testSameSeedGivesByteIdenticalOutputs() throws {
        let root = try makeTemporaryFolder(self)
        let input = try smallTSV(root)
        let first = try PreparePipeline.run(options(input, root + "/a"))
        _ = try PreparePipeline.run(options(input, root + "/b"))
        var single = options(input, root + "/c")
        single.threads = 1
        _ = try PreparePipeline.run(single)
        XCTAssertEqual(filesIn(root + "/a"), first.files.sorted())
        for name in first.files {
            let a = try FileBytes.read(root + "/a/" + name)
            XCTAssertEqual(a, try FileBytes.read(root + "/b/" + name), "\(name) differs between two runs")
            XCTAssertEqual(a, try FileBytes.read(root + "/c/" + name), "\(name) depends on the thread count")
        }
        _ = try PreparePipeline.run(options(input, root + "/d", seed: 8))
        XCTAssertNotEqual(try FileBytes.read(root + "/a/train.split"), try FileBytes.read(root + "/d/train.split"),
                          "another seed must draw other negatives")
        XCTAssertEqual(try FileBytes.read(root + "/a/user_item_cate_time.tsv"), try FileBytes.read(root + "/d/user_item_cate_time.tsv"))
    }

    func testPreparedFolderLoadsAndMatchesTheTSVs() throws {
        let root = try makeTemporaryFolder(self)
        let summary = try PreparePipeline.run(options(try smallTSV(root), root + "/out"))
        let binary = try PreparedDataset.load(from: root + "/out")
        XCTAssertEqual(binary.train, summary.dataset.train)
        XCTAssertEqual(binary.stats, summary.stats)
        for name in Split.Name.allCases {
            let text = try ReferenceSplitReader.read(path: root + "/out/\(name.rawValue).tsv")
            let split = binary.split(name)
            XCTAssertEqual(text.userIds, split.userIds)
            XCTAssertEqual(text.negatives, split.negatives)
            for row in 0..<split.rowCount { XCTAssertEqual(text.history(ofRow: row), split.history(ofRow: row)) }
        }
        // The processed interactions re-ingest as a 4-field TSV.
        let again = try FourFieldTSVReader.read(path: root + "/out/user_item_cate_time.tsv")
        XCTAssertEqual(again.interactions.count, summary.processed.interactionCount)
        XCTAssertEqual(summary.userSequences.userCount, 30)
        XCTAssertEqual(binary.userSequences(), summary.userSequences)
    }

    func testBadInputsFailAndLeaveNothingBehind() throws {
        let root = try makeTemporaryFolder(self)
        let header = "user_id\titem_id\tcate_id\ttimestamp\n"
        let cases: [(name: String, text: String, kind: DataPipelineError.Kind, mentions: [String])] = [
            ("malformed.tsv", header + "1\t2\t[1]\t3\n1\t2\t[1]\n", .malformedLine, ["malformed.tsv:3:", "4 tab-separated columns"]),
            ("missing.tsv", "user_id\titem_id\ttimestamp\n1\t2\t3\n", .missingColumn, ["missing.tsv:1:", "cate_id"]),
            ("nonnumeric.tsv", header + "u1\t2\t[1]\t3\n", .nonNumericField, ["nonnumeric.tsv:2:", "user_id"]),
            ("empty.tsv", "", .emptyInput, ["empty.tsv"]),
            ("headeronly.tsv", header, .emptyInput, ["headeronly.tsv"]),
            ("fewusers.tsv", header + (0..<10).map { "1\t\($0 + 1)\t[1]\t\($0)\n" }.joined(), .noUserPassesFilter,
             ["fewusers.tsv", "more than 10"]),
        ]
        for bad in cases {
            let input = try writeFile(root, bad.name, bad.text)
            let output = root + "/out-" + bad.name
            assertPipelineError(bad.kind, mentions: bad.mentions) { try PreparePipeline.run(options(input, output)) }
            XCTAssertEqual(filesIn(output), [], "\(bad.name) left files behind")
        }
        // Zip problems through the MovieLens path.
        var builder = ZipBuilder()
        builder.add("ml-10M100K/movies.dat", "1::A (1995)::Drama\n", deflate: true)
        builder.add("ml-10M100K/ratings.dat", "1::1::5::1\n", deflate: true)
        let crc = root + "/crc.zip"
        try Data(builder.build(corruptCRCOf: "ml-10M100K/ratings.dat")).write(to: URL(fileURLWithPath: crc))
        assertPipelineError(.checksumMismatch, mentions: ["crc.zip", "ml-10M100K/ratings.dat"]) {
            try PreparePipeline.run(options(crc, root + "/out-crc"))
        }
        let cut = root + "/cut.zip"
        try Data(builder.build().prefix(60)).write(to: URL(fileURLWithPath: cut))
        var zipOptions = options(cut, root + "/out-cut")
        zipOptions.format = .ml10m
        assertPipelineError(.corruptArchive, mentions: ["cut.zip", "truncated"]) { try PreparePipeline.run(zipOptions) }
        assertPipelineError(.unreadableFile, mentions: [root + "/absent.zip"]) {
            var absent = options(root + "/absent.zip", root + "/out-absent")
            absent.format = .ml10m
            return try PreparePipeline.run(absent)
        }
        for folder in ["/out-crc", "/out-cut", "/out-absent"] { XCTAssertEqual(filesIn(root + folder), []) }
    }

    func testExistingOutputsSurviveAFailedRun() throws {
        let root = try makeTemporaryFolder(self)
        let output = root + "/out"
        _ = try PreparePipeline.run(options(try smallTSV(root), output))
        let before = try FileBytes.read(output + "/train.split")
        let bad = try writeFile(root, "bad.tsv", "user_id\titem_id\tcate_id\ttimestamp\n1\tx\t[1]\t2\n")
        XCTAssertThrowsError(try PreparePipeline.run(options(bad, output)))
        XCTAssertEqual(try FileBytes.read(output + "/train.split"), before)
        XCTAssertFalse(filesIn(output).contains { $0.hasPrefix(".") })
    }

    func testAutoDetectionAndOptionValidation() throws {
        let root = try makeTemporaryFolder(self)
        assertPipelineError(.unsupportedFormat, mentions: [root]) { try InputReader.detect(root) }
        let odd = try writeFile(root, "data.bin", "x")
        assertPipelineError(.unsupportedFormat, mentions: ["data.bin"]) { try InputReader.detect(odd) }
        var bad = options(odd, root + "/out")
        bad.targetItemsUsed = 0
        assertPipelineError(.unsupportedFormat, mentions: ["targetItemsUsed"]) { try PreparePipeline.run(bad) }
    }
}
