import XCTest
@testable import DataPipeline

final class SyntheticDatasetTests: XCTestCase {
    private func small(seed: UInt64 = 1) -> SyntheticDataset.Configuration {
        var configuration = SyntheticDataset.Configuration.demo
        configuration.users = 400
        configuration.items = 600
        configuration.categories = 10
        configuration.interactions = 20_000
        configuration.seed = seed
        return configuration
    }

    func testDeterministicAndShaped() {
        let a = SyntheticDataset.generate(small())
        let b = SyntheticDataset.generate(small())
        XCTAssertEqual(a.interactions, b.interactions)
        XCTAssertEqual(a.itemCategories, b.itemCategories)
        XCTAssertNotEqual(a.interactions, SyntheticDataset.generate(small(seed: 2)).interactions)
        XCTAssertEqual(Double(a.interactions.count), 20_000, accuracy: 1_000)
        XCTAssertEqual(Set(a.interactions.map(\.user)).count, 400)
        XCTAssertLessThanOrEqual(Set(a.interactions.map(\.item)).count, 600)
        for (_, categories) in a.itemCategories {
            XCTAssertTrue((1...3).contains(categories.count))
            XCTAssertEqual(Set(categories).count, categories.count)
            XCTAssertTrue(categories.allSatisfy { (1...10).contains($0) })
        }
        var perUser = [Int: [RawDataset.Interaction]]()
        for interaction in a.interactions { perUser[interaction.user, default: []].append(interaction) }
        for (_, rows) in perUser {
            XCTAssertGreaterThanOrEqual(rows.count, 15, "about minInteractionsPerUser (20), minus rare unserved draws")
            XCTAssertEqual(Set(rows.map(\.item)).count, rows.count, "no repeated item per user")
            XCTAssertEqual(rows.map(\.timestamp), rows.map(\.timestamp).sorted())
        }
    }

    func testPopularityIsSkewedAndSequencesAreCategoryCoherent() {
        let data = SyntheticDataset.generate(small())
        var counts = [Int: Int]()
        for interaction in data.interactions { counts[interaction.item, default: 0] += 1 }
        let sorted = counts.values.sorted(by: >)
        let topTenPercent = sorted.prefix(sorted.count / 10).reduce(0, +)
        XCTAssertGreaterThan(Double(topTenPercent) / Double(data.interactions.count), 0.35,
                             "Zipf popularity: the top 10 % of items get a large share (43 % in ML-100K)")

        // Consecutive items of a user share a category far more often than random pairs do.
        var shared = 0, pairs = 0, randomShared = 0
        var previous: RawDataset.Interaction?
        for (index, interaction) in data.interactions.enumerated() {
            defer { previous = interaction }
            guard let before = previous, before.user == interaction.user else { continue }
            pairs += 1
            if !Set(data.itemCategories[before.item]!).isDisjoint(with: data.itemCategories[interaction.item]!) { shared += 1 }
            let other = data.interactions[(index * 7919) % data.interactions.count]
            if !Set(data.itemCategories[before.item]!).isDisjoint(with: data.itemCategories[other.item]!) { randomShared += 1 }
        }
        XCTAssertGreaterThan(Double(shared) / Double(pairs), Double(randomShared) / Double(pairs) + 0.2)
    }

    func testFourFieldTSVExportReadsBack() throws {
        let folder = try makeTemporaryFolder(self)
        let data = SyntheticDataset.generate(small())
        try data.writeFourFieldTSV(to: folder + "/synthetic.tsv")
        let back = try FourFieldTSVReader.read(path: folder + "/synthetic.tsv")
        XCTAssertEqual(back.interactions, data.interactions)
        let usedItems = Set(data.interactions.map(\.item))
        XCTAssertEqual(back.itemCategories, data.itemCategories.filter { usedItems.contains($0.key) })
        XCTAssertEqual(filesIn(folder), ["synthetic.tsv"])
    }
}
