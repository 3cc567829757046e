import Foundation
import TestSupport
import XCTest
@testable import DataPipeline

/// The whole pipeline on MovieLens-100K in RecBole form (`ADARANKER_ML100K`:
/// a folder with `ml-100k.inter` and `ml-100k.item`). Skipped when the variable is unset, except under `CI=true`.
final class ML100KIntegrationTests: XCTestCase {
    private func datasetFolder() throws -> String {
        try TestDatasets.movieLens100K().path
    }

    func testReferenceNumbersOnML100K() throws {
        let folder = try datasetFolder()
        let raw = try RecBoleReader.read(path: folder)
        XCTAssertEqual(raw.interactions.count, 100_000)
        XCTAssertEqual(Set(raw.interactions.map(\.user)).count, 943, "users before filtering")
        XCTAssertEqual(Set(raw.interactions.map(\.item)).count, 1_682, "items before filtering")
        XCTAssertEqual(raw.itemCategories.count, 1_682)

        let output = try makeTemporaryFolder(self)
        var options = PrepareOptions(input: folder, outputFolder: output)
        options.showProgress = false
        let summary = try PreparePipeline.run(options)
        let stats = summary.stats
        XCTAssertEqual(stats.inputFormat, "recbole")
        XCTAssertEqual(stats.users, 943)
        XCTAssertEqual(stats.items, 1_682)
        XCTAssertEqual(stats.categories, 6, "5 genres with more than 200 movies + the merged one")
        XCTAssertEqual(stats.userNum, 944)
        XCTAssertEqual(stats.itemNum, 1_683)
        XCTAssertEqual(stats.cateNum, 7)
        func within1Percent(_ actual: Int, _ expected: Int, _ name: String) {
            XCTAssertLessThanOrEqual(abs(Double(actual - expected)) / Double(expected), 0.01, "\(name): \(actual) vs \(expected)")
        }
        within1Percent(stats.train.rows, 16_069, "train")
        within1Percent(stats.valid.rows, 1_955, "valid")
        within1Percent(stats.test.rows, 1_970, "test")
        // The exact reference counts (one row per category entry, duplicates included).
        XCTAssertEqual([stats.train.rows, stats.valid.rows, stats.test.rows], [16_069, 1_955, 1_970])

        // Leak-free negatives: never one of the user's own items.
        var itemsOfUser = [Int32: Set<Int32>]()
        for user in 1...summary.processed.userCount {
            itemsOfUser[Int32(user)] = Set(summary.processed.sequence(ofUser: user))
        }
        for split in [summary.dataset.train, summary.dataset.valid, summary.dataset.test] {
            for row in 0..<split.rowCount {
                let own = itemsOfUser[split.userIds[row]]!
                XCTAssertTrue(split.negatives(ofRow: row).allSatisfy { !own.contains($0) })
            }
        }

        // The folder loads back to the same data.
        let loaded = try PreparedDataset.load(from: output)
        XCTAssertEqual(loaded.train, summary.dataset.train)
        XCTAssertEqual(loaded.test, summary.dataset.test)
        XCTAssertEqual(loaded.stats, stats)
        for name in ["train.tsv", "valid.tsv", "test.tsv", "user_item_cate_time.tsv", "user2idx.tsv", "item2idx.tsv",
                     "merged_cate2idx.tsv", "item2cate.tsv", "stats.json", "train.split", "valid.split", "test.split"] {
            XCTAssertTrue(filesIn(output).contains(name), "missing \(name)")
        }
        XCTAssertFalse(filesIn(output).contains { $0.hasPrefix(".") }, "temporary files left: \(filesIn(output))")
    }
}
