import Foundation
import Tensor
import XCTest
@testable import DataPipeline

/// The two leak-free rules beyond the rejection of a user's items (DataPipeline README
/// § Negative sampling and § Item-embedding pre-training): a user without any eligible negative
/// is dropped and counted, and the word2vec corpus ends before each user's first valid target.
final class LeakFreeRulesTests: XCTestCase {
    // MARK: - Users without eligible negatives

    /// 30 items; users 1–3 and 5–7 rate 15 of them, user 4 rates every item. Items divisible by 5
    /// have two categories, so some targets make two rows.
    private func everyItemDataset() -> RawDataset {
        var rows: [(Int, Int, Int64)] = []
        for user in 1...7 {
            if user == 4 {
                for item in 1...30 { rows.append((user, item, Int64(item))) }
            } else {
                for step in 0..<15 { rows.append((user, (user * 7 + step) % 30 + 1, Int64(step))) }
            }
        }
        var categories = [Int: [Int]]()
        for item in 1...30 { categories[item] = item % 5 == 0 ? [item % 3 + 1, 9] : [item % 3 + 1] }
        return rawDataset(rows, categories: categories)
    }

    /// Rows a user gets under the split rule: one per category entry of each of the last 10 positions.
    private func expectedRows(_ processed: ProcessedInteractions, user: Int) -> Int {
        let sequence = processed.sequence(ofUser: user)
        return sequence.suffix(10).reduce(0) { $0 + processed.categories(ofItem: Int($1)).count }
    }

    func testUserWhoRatedEveryItemIsDroppedAndCounted() throws {
        let root = try makeTemporaryFolder(self)
        var options = testOptions()
        options.outputFolder = root + "/out"
        let summary = try PreparePipeline.run(everyItemDataset(), options: options)
        let processed = summary.processed
        XCTAssertEqual(processed.itemCount, 30)
        XCTAssertEqual(processed.sequence(ofUser: 4).count, 30, "user 4 (remapped id 4) rated every item")

        let stats = summary.stats
        XCTAssertEqual(stats.usersDroppedNoNegatives, 1)
        XCTAssertEqual(stats.rowsDroppedNoNegatives, expectedRows(processed, user: 4))
        XCTAssertGreaterThan(stats.rowsDroppedNoNegatives ?? 0, 10, "two-category targets count twice")
        XCTAssertEqual(stats.users, 7, "the user stays in the id maps and in user_num")

        let splits = [summary.dataset.train, summary.dataset.valid, summary.dataset.test]
        for split in splits { XCTAssertFalse(split.userIds.contains(4), "a row of the dropped user was written") }
        for user in [1, 2, 3, 5, 6, 7] {
            let own = Set(processed.sequence(ofUser: user))
            let rows = splits.reduce(0) { total, split in total + split.userIds.filter { Int($0) == user }.count }
            XCTAssertEqual(rows, expectedRows(processed, user: user), "user \(user) lost rows")
            for split in splits {
                for row in 0..<split.rowCount where Int(split.userIds[row]) == user {
                    XCTAssertEqual(split.negatives(ofRow: row).count, 19)
                    XCTAssertTrue(split.negatives(ofRow: row).allSatisfy { !own.contains($0) })
                }
            }
        }

        // stats.json carries both counts, and the folder loads back.
        let json = String(decoding: try FileBytes.read(root + "/out/stats.json"), as: UTF8.self)
        XCTAssertTrue(json.contains("\"users_dropped_no_negatives\" : 1"), json)
        XCTAssertTrue(json.contains("\"rows_dropped_no_negatives\" : \(expectedRows(processed, user: 4))"), json)
        XCTAssertEqual(try PreparedDataset.load(from: root + "/out").stats, stats)

        // Deterministic for a seed.
        options.outputFolder = root + "/again"
        _ = try PreparePipeline.run(everyItemDataset(), options: options)
        for name in ["train.split", "valid.split", "test.split", "stats.json"] {
            XCTAssertEqual(try FileBytes.read(root + "/out/" + name), try FileBytes.read(root + "/again/" + name), name)
        }
    }

    /// The dropped user draws no random numbers: the other users' rows are exactly those of the
    /// same data in which that user has no targets at all.
    func testDroppedUserLeavesOtherUsersRowsUnchanged() throws {
        let processed = try Preprocessing.run(everyItemDataset(), options: .init(minItemsPerCategory: 0, minUserInteractions: 0))
        // The same interactions (same pools and popularity) with user 4's sequence emptied.
        let range = processed.sequenceStarts[3] ..< processed.sequenceStarts[4]
        var items = processed.items, timestamps = processed.timestamps
        items.removeSubrange(range)
        timestamps.removeSubrange(range)
        let starts = processed.sequenceStarts.enumerated().map { $0.offset >= 4 ? $0.element - range.count : $0.element }
        let withoutUser4 = ProcessedInteractions(
            userCount: processed.userCount, itemCount: processed.itemCount, categoryCount: processed.categoryCount,
            sequenceStarts: starts, items: items, timestamps: timestamps, itemCategoryStarts: processed.itemCategoryStarts,
            itemCategories: processed.itemCategories, popularity: processed.popularity,
            originalUserIds: processed.originalUserIds, originalItemIds: processed.originalItemIds,
            mergedCategoryIds: processed.mergedCategoryIds, categoryNames: processed.categoryNames, counts: processed.counts)
        for seed: UInt64 in [1, 2020] {
            let dropped = try SplitBuilder.build(processed, options: .init(seed: seed))
            let absent = try SplitBuilder.build(withoutUser4, options: .init(seed: seed))
            XCTAssertEqual(dropped.droppedUsers, 1)
            XCTAssertEqual(dropped.droppedRows, expectedRows(processed, user: 4))
            XCTAssertEqual(absent.droppedUsers, 0)
            XCTAssertEqual(absent.droppedRows, 0)
            XCTAssertEqual(dropped.train, absent.train)
            XCTAssertEqual(dropped.valid, absent.valid)
            XCTAssertEqual(dropped.test, absent.test)
        }
    }

    func testReferenceSamplingStillFailsWhenARowHasNoEligibleItem() throws {
        // Unchanged reference behaviour: user 4's test row has every other item in its history.
        var options = testOptions()
        options.sampling = .reference
        assertPipelineError(.inconsistentData, mentions: ["user 4", "reference"]) {
            try PreparePipeline.process(everyItemDataset(), options: options)
        }
    }

    func testNormalDataDropsNothing() throws {
        var configuration = SyntheticDataset.Configuration()
        configuration.users = 50
        configuration.items = 200
        configuration.interactions = 1_500
        let (dataset, _) = try PreparePipeline.process(SyntheticDataset.generate(configuration), options: testOptions(minItemsPerCategory: 10))
        XCTAssertEqual(dataset.stats.usersDroppedNoNegatives, 0)
        XCTAssertEqual(dataset.stats.rowsDroppedNoNegatives, 0)
    }

    // MARK: - Word2vec corpus

    /// 12 users walking over items 1–40; users 1–8 end with item 99, which occurs nowhere else.
    private func heldOutItemDataset() -> RawDataset {
        var rows: [(Int, Int, Int64)] = []
        var rng = SeededGenerator(seed: 4)
        for user in 1...12 {
            var item = rng.nextInt(below: 40)
            for step in 0..<14 {
                item = (item + 1 + rng.nextInt(below: 3)) % 40
                rows.append((user, item + 1, Int64(step)))
            }
            if user <= 8 { rows.append((user, 99, 100)) }
        }
        var categories = [Int: [Int]]()
        for item in 1...40 { categories[item] = [item % 4 + 1] }
        categories[99] = [1]
        return rawDataset(rows, categories: categories)
    }

    private func prepare(_ sampling: SamplingMode, folder: String) throws -> PrepareSummary {
        var options = testOptions()
        options.sampling = sampling
        options.outputFolder = folder
        return try PreparePipeline.run(heldOutItemDataset(), options: options)
    }

    func testLeakFreeCorpusEndsBeforeTheFirstValidTarget() throws {
        let root = try makeTemporaryFolder(self)
        let summary = try prepare(.leakFree, folder: root + "/leak-free")
        XCTAssertEqual(summary.word2vecCorpusRule, .beforeValidTargets)
        XCTAssertEqual(summary.stats.word2vecCorpus, "before-valid-targets")
        let corpus = summary.word2vecCorpus
        let processed = summary.processed
        let valid = summary.dataset.valid
        XCTAssertEqual(corpus.sentenceCount, processed.userCount)
        for user in 1...processed.userCount {
            let sequence = processed.sequence(ofUser: user)
            XCTAssertEqual(Array(corpus.sentence(user - 1)), Array(sequence.dropLast(2)), "user \(user)")
            // Exactly the history of the user's valid row.
            let row = valid.userIds.firstIndex(of: Int32(user))!
            XCTAssertEqual(Array(corpus.sentence(user - 1)), Array(valid.history(ofRow: row)))
        }
        let json = String(decoding: try FileBytes.read(root + "/leak-free/stats.json"), as: UTF8.self)
        XCTAssertTrue(json.contains("\"word2vec_corpus\" : \"before-valid-targets\""), json)

        let reference = try prepare(.reference, folder: root + "/reference")
        XCTAssertEqual(reference.stats.word2vecCorpus, "whole-sequences")
        XCTAssertEqual(reference.word2vecCorpus.items, reference.processed.items)
        XCTAssertEqual(reference.word2vecCorpus.sentenceStarts, reference.processed.sequenceStarts)
    }

    func testItemSeenOnlyAsTestTargetGetsAZeroVectorUnderLeakFree() throws {
        let root = try makeTemporaryFolder(self)
        var options = Word2VecOptions()
        options.vectorSize = 8
        options.threads = 1
        options.seed = 3
        for sampling in SamplingMode.allCases {
            let summary = try prepare(sampling, folder: root + "/" + sampling.rawValue)
            let heldOut = summary.processed.originalItemIds.firstIndex(of: 99)! + 1
            XCTAssertEqual(summary.dataset.test.itemIds.filter { Int($0) == heldOut }.count, 8, "item 99 is 8 users' test target")
            let embeddings = try Word2Vec.train(corpus: summary.word2vecCorpus, itemCount: summary.stats.items, options: options)
            let vector = embeddings.vector(heldOut)
            switch sampling {
            case .leakFree:
                XCTAssertTrue(vector.allSatisfy { $0 == 0 }, "a held-out-only item must stay untrained: \(Array(vector))")
            case .reference:
                XCTAssertTrue(vector.contains { $0 != 0 }, "the whole-sequence corpus trains item 99")
            }
            // The corpus's most frequent item gets a vector either way.
            var counts = [Int32: Int]()
            for item in summary.word2vecCorpus.items { counts[item, default: 0] += 1 }
            let frequent = counts.max { ($0.value, $1.key) < ($1.value, $0.key) }!
            XCTAssertGreaterThanOrEqual(frequent.value, 3)
            XCTAssertTrue(embeddings.vector(Int(frequent.key)).contains { $0 != 0 })
        }
    }

    func testCorpusRuleCanBeChosenAndShortUsersFollowTheSplitRule() throws {
        var options = testOptions()
        options.word2vecCorpus = .beforeValidTargets
        options.sampling = .reference
        XCTAssertEqual(options.effectiveWord2VecCorpus, .beforeValidTargets)
        options.word2vecCorpus = nil
        XCTAssertEqual(options.effectiveWord2VecCorpus, .wholeSequences)
        options.sampling = .leakFree
        XCTAssertEqual(options.effectiveWord2VecCorpus, .beforeValidTargets)

        // Valid target at n − 2, test target at n − 1; a single target (T = 1) is only the test.
        XCTAssertEqual(SplitBuilder.firstHeldOutPosition(sequenceLength: 1, targetItemsUsed: 10), 0)
        XCTAssertEqual(SplitBuilder.firstHeldOutPosition(sequenceLength: 2, targetItemsUsed: 10), 0)
        XCTAssertEqual(SplitBuilder.firstHeldOutPosition(sequenceLength: 3, targetItemsUsed: 10), 1)
        XCTAssertEqual(SplitBuilder.firstHeldOutPosition(sequenceLength: 15, targetItemsUsed: 10), 13)
        XCTAssertEqual(SplitBuilder.firstHeldOutPosition(sequenceLength: 15, targetItemsUsed: 1), 14)

        // Users of 1, 2 and 3 items: sentences of 0, 0 and 1 items.
        let raw = rawDataset([(1, 1, 0), (2, 2, 0), (2, 3, 1), (3, 4, 0), (3, 5, 1), (3, 6, 2)],
                             categories: [1: [1], 2: [1], 3: [1], 4: [1], 5: [1], 6: [1]])
        let processed = try Preprocessing.run(raw, options: .init(minItemsPerCategory: 0, minUserInteractions: 0))
        let corpus = processed.word2vecCorpus(.beforeValidTargets, targetItemsUsed: 10)
        XCTAssertEqual(corpus.sentenceStarts, [0, 0, 0, 1])
        XCTAssertEqual(corpus.items, [processed.sequence(ofUser: 3).first!])
        XCTAssertEqual(processed.word2vecCorpus(.wholeSequences, targetItemsUsed: 10).items, processed.items)
    }
}
