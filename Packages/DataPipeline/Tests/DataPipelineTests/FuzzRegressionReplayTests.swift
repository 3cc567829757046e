import Foundation
import XCTest
@testable import DataPipeline

/// Replays the inputs of the libFuzzer targets in `Fuzz/` through the same entry points
/// (`FuzzEntryPoints`), without the fuzzer build: every seed (`Fuzz/Corpus/<target>`) must be
/// accepted, so the targets do reach the readers, and every input that once crashed a reader
/// (`Fuzz/Regressions/<target>`) must now end in an answer — a crash here fails the whole run.
final class FuzzRegressionReplayTests: XCTestCase {
    static let fuzzFolder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().appendingPathComponent("../../../../Fuzz").standardizedFileURL

    /// The files of `Fuzz/<kind>/<target>`, sorted (none when the folder does not exist).
    static func inputs(_ kind: String, _ target: String) -> [URL] {
        let folder = fuzzFolder.appendingPathComponent(kind).appendingPathComponent(target)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { !$0.hasPrefix(".") }.sorted().map { folder.appendingPathComponent($0) }
    }

    private func replay(_ target: String, _ entry: ([UInt8]) -> Bool) throws {
        let seeds = Self.inputs("Corpus", target)
        XCTAssertFalse(seeds.isEmpty, "\(target) has no seeds in \(Self.fuzzFolder.path)/Corpus")
        for seed in seeds {
            XCTAssertTrue(entry(Array(try Data(contentsOf: seed))), "\(target): the seed \(seed.lastPathComponent) is refused")
        }
        for input in Self.inputs("Regressions", target) {
            _ = entry(Array(try Data(contentsOf: input)))
        }
    }

    func testZip() throws { try replay("FuzzZip", FuzzEntryPoints.zip) }
    func testSafeTensors() throws { try replay("FuzzSafeTensors", FuzzEntryPoints.safeTensors) }
    func testFourFieldTSV() throws { try replay("FuzzTSV", FuzzEntryPoints.fourFieldTSV) }
    func testRecBole() throws { try replay("FuzzRecBole", FuzzEntryPoints.recBole) }
    func testReferenceSplit() throws { try replay("FuzzReferenceSplit", FuzzEntryPoints.referenceSplit) }
    func testSplitFormat() throws { try replay("FuzzSplitFormat", FuzzEntryPoints.splitFormat) }

    /// The entries refuse what they should: the harness is not a no-op that accepts everything.
    func testEntriesRefuseGarbage() {
        let garbage = Array("not any of the formats\u{0}\u{1}".utf8)
        for entry in [FuzzEntryPoints.zip, FuzzEntryPoints.safeTensors, FuzzEntryPoints.fourFieldTSV,
                      FuzzEntryPoints.recBole, FuzzEntryPoints.referenceSplit, FuzzEntryPoints.splitFormat] {
            XCTAssertFalse(entry(garbage))
        }
    }
}
