import Foundation
import XCTest
@testable import Trainer

/// Replays the inputs of the libFuzzer target `FuzzConfigYAML` (`Fuzz/`) through
/// `ConfigFuzzEntryPoint.yaml`, without the fuzzer build: the seeds must be accepted and every input
/// that once crashed the configuration reader (`Fuzz/Regressions/FuzzConfigYAML`) must now end in
/// an answer.
final class ConfigFuzzReplayTests: XCTestCase {
    private static let fuzzFolder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().appendingPathComponent("../../../../Fuzz").standardizedFileURL

    private static func inputs(_ kind: String) -> [URL] {
        let folder = fuzzFolder.appendingPathComponent("\(kind)/FuzzConfigYAML")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { !$0.hasPrefix(".") }.sorted().map { folder.appendingPathComponent($0) }
    }

    func testSeedsAreAcceptedAndRegressionInputsAnswered() throws {
        let seeds = Self.inputs("Corpus")
        XCTAssertFalse(seeds.isEmpty, "no seeds in \(Self.fuzzFolder.path)/Corpus/FuzzConfigYAML")
        for seed in seeds {
            XCTAssertTrue(ConfigFuzzEntryPoint.yaml(Array(try Data(contentsOf: seed))), seed.lastPathComponent)
        }
        for input in Self.inputs("Regressions") { _ = ConfigFuzzEntryPoint.yaml(Array(try Data(contentsOf: input))) }
        XCTAssertFalse(ConfigFuzzEntryPoint.yaml(Array("a: [1, 2\n".utf8)), "broken YAML is refused")
    }
}
