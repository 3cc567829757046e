import XCTest
@testable import DataPipeline

final class PreprocessingTests: XCTestCase {
    private func process(_ raw: RawDataset, minUser: Int = 0) throws -> ProcessedInteractions {
        try Preprocessing.run(raw, options: .init(minItemsPerCategory: 0, minUserInteractions: minUser))
    }

    func testStableSortByUserThenTime() throws {
        // User 5's rows out of time order, with a tie at t = 10 between items 3 and 1 (input order 3 first).
        let raw = rawDataset([(5, 3, 10), (2, 7, 1), (5, 2, 20), (5, 1, 10), (5, 4, 5)],
                             categories: [1: [1], 2: [1], 3: [1], 4: [1], 7: [1]])
        let processed = try process(raw)
        XCTAssertEqual(processed.originalUserIds, [2, 5], "users 1...U by ascending original id")
        XCTAssertEqual(processed.originalItemIds, [7, 4, 3, 1, 2], "items 1...I by first appearance in sorted data")
        XCTAssertEqual(Array(processed.sequence(ofUser: 1)), [1])
        XCTAssertEqual(Array(processed.sequence(ofUser: 2)), [2, 3, 4, 5])
        XCTAssertEqual(Array(processed.timestamps[processed.sequenceStarts[1]...]), [5, 10, 10, 20])
    }

    func testFilterKeepsUsersWithMoreThanTenInteractions() throws {
        // User 1 has exactly 10 interactions (removed), user 2 has 11 (kept).
        var rows: [(Int, Int, Int64)] = []
        for t in 0..<10 { rows.append((1, t + 1, Int64(t))) }
        for t in 0..<11 { rows.append((2, t + 1, Int64(t))) }
        let categories = Dictionary(uniqueKeysWithValues: (1...11).map { ($0, [1]) })
        let processed = try process(rawDataset(rows, categories: categories), minUser: 10)
        XCTAssertEqual(processed.originalUserIds, [2])
        XCTAssertEqual(processed.counts.droppedUsers, 1)
        XCTAssertEqual(processed.counts.droppedUserInteractions, 10)
        XCTAssertEqual(processed.sequence(ofUser: 1).count, 11)
    }

    func testFilterCountsBeforeDeduplication() throws {
        // 11 rows but only 6 distinct items: the user passes (> 10 counted before step 4) and keeps 6.
        let rows: [(Int, Int, Int64)] = (0..<11).map { (1, $0 % 6 + 1, Int64($0)) }
        let categories = Dictionary(uniqueKeysWithValues: (1...6).map { ($0, [1]) })
        let processed = try process(rawDataset(rows, categories: categories), minUser: 10)
        XCTAssertEqual(processed.userCount, 1)
        XCTAssertEqual(processed.sequence(ofUser: 1).count, 6)
        XCTAssertEqual(processed.counts.duplicatesRemoved, 5)
    }

    func testDeduplicationKeepsTheLastOccurrence() throws {
        // Item 10 at t = 1 and t = 3: the later one is kept, so the order is 20, 10, 30.
        let raw = rawDataset([(1, 10, 1), (1, 20, 2), (1, 10, 3), (1, 30, 4)], categories: [10: [1], 20: [1], 30: [1]])
        let processed = try process(raw)
        XCTAssertEqual(processed.originalItemIds, [20, 10, 30])
        XCTAssertEqual(Array(processed.sequence(ofUser: 1)), [1, 2, 3])
        XCTAssertEqual(Array(processed.timestamps), [2, 3, 4])
        XCTAssertEqual(processed.popularity, [0, 1, 1, 1])
    }

    func testItemsWithoutCategoriesAreDroppedAndPopularityCounted() throws {
        let raw = rawDataset([(1, 1, 1), (1, 2, 2), (2, 1, 1), (2, 3, 2)], categories: [1: [4, 9], 3: []])
        let processed = try Preprocessing.run(raw, options: .init(minItemsPerCategory: 1, minUserInteractions: 0))
        XCTAssertEqual(processed.counts.droppedWithoutCategory, 2)
        XCTAssertEqual(processed.counts.inputItems, 3)
        XCTAssertEqual(processed.itemCount, 1)
        XCTAssertEqual(processed.popularity, [0, 2])
        XCTAssertEqual(Array(processed.categories(ofItem: 1)), [1, 1], "two small categories merge into one id, listed twice")
    }

    func testErrorsForEmptyInputAndNoSurvivingUser() {
        assertPipelineError(.emptyInput, mentions: ["test"]) { try process(rawDataset([], categories: [:])) }
        assertPipelineError(.emptyInput, mentions: ["test", "without any category"]) {
            try process(rawDataset([(1, 1, 1)], categories: [:]))
        }
        let rows: [(Int, Int, Int64)] = (0..<10).map { (1, $0 + 1, Int64($0)) }
        let categories = Dictionary(uniqueKeysWithValues: (1...10).map { ($0, [1]) })
        assertPipelineError(.noUserPassesFilter, mentions: ["test", "more than 10 interactions", "at most 10"]) {
            try process(rawDataset(rows, categories: categories), minUser: 10)
        }
    }

    func testLargeSparseIdsUseTheDictionaryPath() throws {
        let raw = rawDataset([(1 << 40, 1 << 50, 2), (1 << 40, 3, 1), (-5, 3, 0)], categories: [1 << 50: [1], 3: [2]])
        let processed = try process(raw)
        XCTAssertEqual(processed.originalUserIds, [-5, 1 << 40])
        XCTAssertEqual(processed.originalItemIds, [3, 1 << 50])
    }
}
