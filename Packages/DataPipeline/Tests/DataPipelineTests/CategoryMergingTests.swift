import XCTest
@testable import DataPipeline

final class CategoryMergingTests: XCTestCase {
    func testLargeCategoriesNumberedByFirstAppearanceSmallOnesMerged() {
        // Items in first-appearance order. Distinct items per category:
        // 10 → 3, 20 → 3, 30 → 1, 40 → 1, 50 → 2. With the threshold 2, categories 10 and 20 are large.
        let items: [[Int]] = [[30, 20], [20, 10], [10, 40], [10, 20, 50], [50]]
        let merge = CategoryMerge(itemCategoriesInFirstAppearanceOrder: items, minItemsPerCategory: 2)
        XCTAssertEqual(merge.largeCategoryCount, 2)
        XCTAssertEqual(merge.categoryCount, 3)
        XCTAssertEqual(merge.mergedId[20], 1, "20 appears first (in the first item's list, after the small 30)")
        XCTAssertEqual(merge.mergedId[10], 2)
        for small in [30, 40, 50] { XCTAssertEqual(merge.mergedId[small], 3) }
        XCTAssertEqual(merge.itemsPerCategory, [10: 3, 20: 3, 30: 1, 40: 1, 50: 2])
        // One entry per original category: two merged-away categories give K+1 twice.
        XCTAssertEqual(merge.map([30, 50]), [3, 3])
        XCTAssertEqual(merge.map([10, 20, 50]), [2, 1, 3])
    }

    func testThresholdIsAtMost() {
        // Exactly `min` items is small (merged); one more is large.
        let items: [[Int]] = [[1], [1], [2], [2], [2]]
        let merge = CategoryMerge(itemCategoriesInFirstAppearanceOrder: items, minItemsPerCategory: 2)
        XCTAssertEqual(merge.mergedId[2], 1)
        XCTAssertEqual(merge.mergedId[1], 2)
        XCTAssertEqual(merge.categoryCount, 2)
    }

    func testNoSmallCategoryMeansNoMergedId() {
        let merge = CategoryMerge(itemCategoriesInFirstAppearanceOrder: [[7], [8], [7, 8]], minItemsPerCategory: 1)
        XCTAssertEqual(merge.categoryCount, 2)
        XCTAssertEqual(merge.mergedId, [7: 1, 8: 2])
    }

    func testRepeatedCategoryInOneItemCountsTheItemOnce() {
        let merge = CategoryMerge(itemCategoriesInFirstAppearanceOrder: [[5, 5], [6]], minItemsPerCategory: 1)
        XCTAssertEqual(merge.itemsPerCategory[5], 1)
        XCTAssertEqual(merge.categoryCount, 1, "both categories are small and merge into id 1")
        XCTAssertEqual(merge.map([5, 5]), [1, 1])
    }

    func testFirstAppearanceFollowsInputRowsThroughThePipeline() throws {
        // Rows: item 9 (category 2) appears before item 8 (category 1): category 2 gets id 1.
        let raw = rawDataset([(1, 9, 5), (1, 8, 6), (2, 8, 1)], categories: [8: [1], 9: [2]])
        let processed = try Preprocessing.run(raw, options: .init(minItemsPerCategory: 0, minUserInteractions: 0))
        XCTAssertEqual(processed.mergedCategoryIds, [2: 1, 1: 2])
    }
}
