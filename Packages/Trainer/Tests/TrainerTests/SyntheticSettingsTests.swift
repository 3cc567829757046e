import DataPipeline
import Foundation
import TestSupport
import XCTest
@testable import Trainer

/// The `synthetic:` section of a dataset file, decoded by `SyntheticSettings.keys`.
final class SyntheticSettingsTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws {
        folder = try makeTemporaryDirectory(self, prefix: "trainer-synthetic")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("dataset"), withIntermediateDirectories: true)
    }

    private func settings(_ section: String) throws -> SyntheticSettings {
        let text = "synthetic:\n" + section.split(separator: "\n").map { "  \($0)" }.joined(separator: "\n") + "\n"
        try text.write(to: folder.appendingPathComponent("dataset/s.yaml"), atomically: false, encoding: .utf8)
        return try SyntheticSettings(name: "s", configDirectory: folder)
    }

    private var file: String { folder.appendingPathComponent("dataset/s.yaml").path }

    func testTheDemoFileFillsEverySetting() throws {
        let demo = try SyntheticSettings(name: "demo", configDirectory: RepositoryConfigs.directory)
        XCTAssertEqual(demo.generator.users, 2000)
        XCTAssertEqual(demo.generator.stayProbability, 0.9)
        XCTAssertEqual(demo.generator.seed, 1)
        XCTAssertEqual(demo.minItemsPerCategory, 50)
        XCTAssertEqual(SyntheticSettings.keys.count, 13)
    }

    func testUnsetKeysKeepTheGeneratorsDemoValues() throws {
        let decoded = try settings("users: 5\nneighbourhood: 0")
        var expected = SyntheticDataset.Configuration.demo
        expected.users = 5
        expected.neighbourhood = 1
        XCTAssertEqual(decoded.generator, expected, "neighbourhood 0 is read as 1")
        XCTAssertNil(decoded.minItemsPerCategory)
    }

    func testValuesOutsideTheirRangeNameTheKeyAndTheFile() throws {
        let cases: [(String, String)] = [
            ("users: -1", "config key 'synthetic.users' (\(file) [synthetic]) must be an integer ≥ 0, found -1"),
            ("seed: 1.5", "config key 'synthetic.seed' (\(file) [synthetic]) must be an integer ≥ 0, found 1.5"),
            ("stay_probability: 1.5", "config key 'synthetic.stay_probability' (\(file) [synthetic]) must be a number in [0, 1], found 1.5"),
            ("drift_probability: true", "config key 'synthetic.drift_probability' (\(file) [synthetic]) must be a number in [0, 1], found true"),
            ("popularity_exponent: x", "config key 'synthetic.popularity_exponent' (\(file) [synthetic]) must be a number ≥ 0, found x"),
            ("colour: 3", "unknown synthetic setting 'colour' in \(file)"),
            ("users: 0", "\(file): the synthetic dataset needs users ≥ 1, items ≥ 2 and categories ≥ 1"),
        ]
        for (section, message) in cases {
            XCTAssertThrowsError(try settings(section)) { XCTAssertEqual("\($0)", message) }
        }
    }
}
