import XCTest
@testable import DataPipeline

final class TargetSplitTests: XCTestCase {
    /// One user per entry of `lengths`, user u's items are distinct; every item has `categories`
    /// (which all merge into category 1).
    private func build(lengths: [Int], categories: [Int] = [1]) throws -> SplitBuilder.Result {
        var rows: [(Int, Int, Int64)] = []
        var item = 0
        for (user, length) in lengths.enumerated() {
            for t in 0..<length {
                item += 1
                rows.append((user + 1, item, Int64(t)))
            }
        }
        // Enough unrelated items for 19 negatives: four more users with ten items each.
        for extra in 0..<40 { rows.append((lengths.count + 1 + extra / 10, 1000 + extra, Int64(extra))) }
        let all = Set(rows.map(\.1))
        let raw = rawDataset(rows, categories: Dictionary(uniqueKeysWithValues: all.map { ($0, categories) }))
        // Every category is small (≤ 1000 items), so all merge into category 1.
        let processed = try Preprocessing.run(raw, options: .init(minItemsPerCategory: 1000, minUserInteractions: 0))
        return try SplitBuilder.build(processed, options: .init())
    }

    func testLastTenPositionsSplitEightOneOne() throws {
        let result = try build(lengths: [15])
        let trainOfUser1 = (0..<result.train.rowCount).filter { result.train.userIds[$0] == 1 }
        XCTAssertEqual(trainOfUser1.map { Int(result.train.historyLengths[$0]) }, Array(5...12))
        XCTAssertEqual(trainOfUser1.map { Int(result.train.itemIds[$0]) }, Array(6...13), "target at position j is item j+1")
        XCTAssertEqual(result.valid.userIds.first, 1)
        XCTAssertEqual(result.valid.historyLengths.first, 13)
        XCTAssertEqual(result.valid.itemIds.first, 14)
        XCTAssertEqual(result.test.historyLengths.first, 14)
        XCTAssertEqual(result.test.itemIds.first, 15)
        // The full history, oldest first, not truncated.
        XCTAssertEqual(Array(result.test.history(ofRow: 0)), Array(1...14).map(Int32.init))
        XCTAssertEqual(Array(result.train.history(ofRow: trainOfUser1[0])), Array(1...5).map(Int32.init))
    }

    func testShortSequencesUseAllPositions() throws {
        let result = try build(lengths: [1, 2, 3])
        func lengths(_ split: Split, user: Int32) -> [Int32] {
            (0..<split.rowCount).filter { split.userIds[$0] == user }.map { split.historyLengths[$0] }
        }
        XCTAssertEqual(lengths(result.test, user: 1), [0], "a single interaction is a test target with an empty history")
        XCTAssertEqual(lengths(result.valid, user: 1), [])
        XCTAssertEqual(lengths(result.train, user: 1), [])
        XCTAssertEqual(lengths(result.valid, user: 2), [0])
        XCTAssertEqual(lengths(result.test, user: 2), [1])
        XCTAssertEqual(lengths(result.train, user: 3), [0])
        XCTAssertEqual(lengths(result.valid, user: 3), [1])
        XCTAssertEqual(lengths(result.test, user: 3), [2])
    }

    func testOneRowPerCategoryEntryIncludingDuplicates() throws {
        // Every item lists [1, 1] (two merged-away categories) → two rows per target.
        let result = try build(lengths: [12], categories: [7, 8])
        let validRows = (0..<result.valid.rowCount).filter { result.valid.userIds[$0] == 1 }
        XCTAssertEqual(validRows.count, 2)
        XCTAssertEqual(validRows.map { result.valid.cateIds[$0] }, [1, 1])
        XCTAssertEqual(Set(validRows.map { result.valid.itemIds[$0] }).count, 1)
        let trainRows = (0..<result.train.rowCount).filter { result.train.userIds[$0] == 1 }
        XCTAssertEqual(trainRows.count, 16)
    }

    func testRowsOfAUserShareOneStoredHistory() throws {
        let result = try build(lengths: [30])
        let rows = (0..<result.train.rowCount).filter { result.train.userIds[$0] == 1 }
        XCTAssertEqual(Set(rows.map { result.train.historyStarts[$0] }).count, 1)
        XCTAssertEqual(result.train.historyItems.count, 27 + 4 * 7, "user 1 stores n − 3 = 27 items, each filler user 7")
    }
}
