import Tensor
import XCTest
@testable import DataPipeline

final class NegativeSamplingTests: XCTestCase {
    /// A small synthetic dataset with real category structure (several merged categories).
    private func processedData(seed: UInt64 = 3) throws -> ProcessedInteractions {
        var configuration = SyntheticDataset.Configuration()
        configuration.users = 120
        configuration.items = 300
        configuration.categories = 8
        configuration.interactions = 4_000
        configuration.minInteractionsPerUser = 12
        configuration.seed = seed
        let raw = SyntheticDataset.generate(configuration)
        return try Preprocessing.run(raw, options: .init(minItemsPerCategory: 20, minUserInteractions: 10))
    }

    private func build(_ processed: ProcessedInteractions, mode: SamplingMode, seed: UInt64) throws -> SplitBuilder.Result {
        try SplitBuilder.build(processed, options: .init(mode: mode, seed: seed))
    }

    func testInvariantsOverManySeeds() throws {
        let processed = try processedData()
        XCTAssertGreaterThan(processed.categoryCount, 2)
        let userItems = (1...processed.userCount).map { Set(processed.sequence(ofUser: $0)) }
        var futureItemsSeenInReferenceMode = 0
        for seed in UInt64(0)..<12 {
            for mode in SamplingMode.allCases {
                let result = try build(processed, mode: mode, seed: seed)
                for split in [result.train, result.valid, result.test] {
                    XCTAssertEqual(split.negativesPerRow, 19)
                    XCTAssertEqual(split.negatives.count, split.rowCount * 19, "exactly 19 per row")
                    for row in 0..<split.rowCount {
                        let negatives = split.negatives(ofRow: row)
                        let target = split.itemIds[row]
                        XCTAssertFalse(negatives.contains(target), "a negative is the target (seed \(seed), \(mode))")
                        XCTAssertTrue(negatives.allSatisfy { $0 >= 1 && Int($0) <= processed.itemCount })
                        let own = userItems[Int(split.userIds[row]) - 1]
                        switch mode {
                        case .leakFree:
                            XCTAssertTrue(negatives.allSatisfy { !own.contains($0) }, "leak-free drew one of the user's items")
                        case .reference:
                            let history = Set(split.history(ofRow: row))
                            XCTAssertTrue(negatives.allSatisfy { !history.contains($0) }, "reference drew an item of item_seq")
                            futureItemsSeenInReferenceMode += negatives.filter { own.contains($0) }.count
                        }
                    }
                }
            }
        }
        XCTAssertGreaterThan(futureItemsSeenInReferenceMode, 0, "the reference rule lets future items through; the modes must differ")
    }

    func testOneRowPerTargetCategoryInListOrder() throws {
        let processed = try processedData()
        let result = try build(processed, mode: .leakFree, seed: 1)
        var expectedTrainRows = 0
        for user in 1...processed.userCount {
            let sequence = Array(processed.sequence(ofUser: user))
            let n = sequence.count
            for position in max(0, n - 10) ..< max(0, n - 2) {
                expectedTrainRows += processed.categories(ofItem: Int(sequence[position])).count
            }
        }
        XCTAssertEqual(result.train.rowCount, expectedTrainRows)
        var row = 0
        while row < result.test.rowCount {
            let item = Int(result.test.itemIds[row])
            let categories = Array(processed.categories(ofItem: item))
            XCTAssertEqual(Array(result.test.cateIds[row ..< row + categories.count]), categories)
            XCTAssertTrue(result.test.itemIds[row ..< row + categories.count].allSatisfy { Int($0) == item })
            row += categories.count
        }
    }

    func testRowRecipeAndBothPoolsAboutHalfTheTime() throws {
        let processed = try processedData()
        var sampler = NegativeSampler(processed: processed, mode: .leakFree, negativesPerRow: 19, maxTries: 100)
        var rng = SeededGenerator(seed: 42)
        let user = 1
        sampler.beginUser(Int32(user), sequence: processed.sequence(ofUser: user))
        let target = processed.sequence(ofUser: user).last!
        let category = processed.categories(ofItem: Int(target)).first!
        var popularRows = 0
        var listSizes = [0, 0, 0]
        let rows = 4_000
        for _ in 0..<rows {
            var output: [Int32] = []
            try sampler.sampleRow(target: target, category: category, historyLength: 5, rng: &rng, into: &output)
            XCTAssertEqual(output.count, 19)
            XCTAssertEqual(sampler.lastCategories.first, category, "the list starts with the target's category")
            XCTAssertEqual(sampler.lastCounts.reduce(0, +), 19, "the multinomial split covers all 19 negatives")
            XCTAssertEqual(Set(sampler.lastCategories.dropFirst()).count, sampler.lastCategories.count - 1, "extra categories are distinct")
            listSizes[sampler.lastCategories.count - 1] += 1
            if sampler.lastUsedPopularPool { popularRows += 1 }
        }
        XCTAssertEqual(Double(popularRows) / Double(rows), 0.5, accuracy: 0.04, "popular vs uniform pool per row")
        for size in listSizes { XCTAssertEqual(Double(size) / Double(rows), 1.0 / 3, accuracy: 0.04, "k uniform over {0, 1, 2}") }
    }

    func testPopularPoolFollowsInteractionCounts() throws {
        // One category of 40 items; item 1 has 1000 interactions, the others 1.
        var popularity = [Int32](repeating: 1, count: 41)
        popularity[0] = 0
        popularity[1] = 1_000
        let items = (1...40).map(Int32.init)
        let pools = [NegativeSampler.CategoryPool(items: [], popular: nil),
                     NegativeSampler.CategoryPool(items: items, popular: AliasTable(weights: items.map { Double(popularity[Int($0)]) }))]
        var sampler = NegativeSampler(pools: pools, itemCount: 40, mode: .leakFree, negativesPerRow: 19, maxTries: 100)
        sampler.beginUser(1, sequence: [40])
        var rng = SeededGenerator(seed: 5)
        var popularHits = 0, uniformHits = 0, popularRows = 0, uniformRows = 0
        for _ in 0..<2_000 {
            var output: [Int32] = []
            try sampler.sampleRow(target: 39, category: 1, historyLength: 0, rng: &rng, into: &output)
            let hit = output.contains(1) ? 1 : 0
            if sampler.lastUsedPopularPool { popularHits += hit; popularRows += 1 } else { uniformHits += hit; uniformRows += 1 }
        }
        XCTAssertEqual(Double(popularHits) / Double(popularRows), 1, accuracy: 0.01, "item 1 (96 % of the weight) is in almost every popular row")
        XCTAssertEqual(Double(uniformHits) / Double(uniformRows), 19.0 / 38, accuracy: 0.06, "uniform rows draw 19 of 38 eligible items")
    }

    func testFallbackWhenTheCategoryIsExhaustedIsCounted() throws {
        // Category 1 has items 1–3, all the user's; category 2 has items 4–30. A row in category 1
        // with k = 0 cannot be served by its pool and must fall back to the whole pool.
        let first: [Int32] = [1, 2, 3], second = (4...30).map(Int32.init)
        let pools = [NegativeSampler.CategoryPool(items: [], popular: nil),
                     NegativeSampler.CategoryPool(items: first, popular: AliasTable(weights: [1, 1, 1])),
                     NegativeSampler.CategoryPool(items: second, popular: AliasTable(weights: second.map { _ in 1 }))]
        var sampler = NegativeSampler(pools: pools, itemCount: 30, mode: .leakFree, negativesPerRow: 19, maxTries: 100)
        sampler.beginUser(1, sequence: [1, 2, 3])
        var rng = SeededGenerator(seed: 9)
        for _ in 0..<50 {
            var output: [Int32] = []
            try sampler.sampleRow(target: 3, category: 1, historyLength: 2, rng: &rng, into: &output)
            XCTAssertEqual(output.count, 19)
            XCTAssertTrue(output.allSatisfy { $0 >= 4 }, "nothing of the user's")
        }
        XCTAssertGreaterThan(sampler.fallbackCount, 0)

        // Through the pipeline: fallbacks reach the stats.
        var rows: [(Int, Int, Int64)] = [(1, 1, 1), (1, 2, 2), (1, 3, 3)]
        for item in 4...30 { rows.append((2, item, Int64(item))) }
        var categories = [Int: [Int]]()
        for item in 1...3 { categories[item] = [100] }
        for item in 4...30 { categories[item] = [200] }
        let (dataset, _) = try PreparePipeline.process(rawDataset(rows, categories: categories), options: testOptions())
        XCTAssertGreaterThan(dataset.stats.samplingFallbacks ?? 0, 0)
    }

    func testImpossibleRequestIsAnError() {
        let pools = [NegativeSampler.CategoryPool(items: [], popular: nil),
                     NegativeSampler.CategoryPool(items: [1, 2], popular: AliasTable(weights: [1, 1]))]
        var sampler = NegativeSampler(pools: pools, itemCount: 2, mode: .leakFree, negativesPerRow: 19, maxTries: 10)
        sampler.beginUser(1, sequence: [1])
        var rng = SeededGenerator(seed: 1)
        var output: [Int32] = []
        // Only item 2 is eligible: repeats are allowed as a last resort, so this still succeeds.
        XCTAssertNoThrow(try sampler.sampleRow(target: 1, category: 1, historyLength: 0, rng: &rng, into: &output))
        XCTAssertEqual(output, [Int32](repeating: 2, count: 19))
        sampler.beginUser(2, sequence: [1, 2])
        output = []
        assertPipelineError(.inconsistentData, mentions: ["user 2", "leak-free"]) {
            try sampler.sampleRow(target: 2, category: 1, historyLength: 1, rng: &rng, into: &output)
        }
    }

    func testAliasTableMatchesWeights() {
        let weights: [Double] = [5, 0, 1, 3, 1]
        let table = AliasTable(weights: weights)
        var rng = SeededGenerator(seed: 11)
        var counts = [Int](repeating: 0, count: weights.count)
        let draws = 200_000
        for _ in 0..<draws { counts[table.sample(using: &rng)] += 1 }
        for (index, weight) in weights.enumerated() {
            XCTAssertEqual(Double(counts[index]) / Double(draws), weight / 10, accuracy: 0.005, "index \(index)")
        }
    }
}
