import Foundation
import TestSupport
import XCTest
@testable import Trainer

/// `train prepare` with its default settings (two sampling threads, word2vec on one) writes the
/// same bytes for the same input and seed, item vectors included: runs of `train reproduce` that
/// prepare their data again start from exactly the same data.
final class PrepareReproducibilityTests: XCTestCase {
    func testTheSameSeedGivesTheSameFilesWithDefaultThreads() throws {
        let root = try makeRunRoot(prefix: "trainer-prepare-repro", demoYAML: ReadmeExampleTests.tinyDemoYAML)
        let configs = root.appendingPathComponent("Configs")
        func prepare(_ folder: String) throws -> URL {
            let url = root.appendingPathComponent(folder)
            _ = try PrepareWorkflow.run(PrepareRequest(source: .synthetic(name: "demo"), outputFolder: url.path, seed: 7,
                                                       showProgress: false, configDirectory: configs))
            return url
        }
        let first = try prepare("first"), second = try prepare("second")
        let files = try FileManager.default.contentsOfDirectory(atPath: first.path).sorted()
        XCTAssertTrue(files.contains("item_emb_64.safetensors"), "\(files)")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: second.path).sorted(), files)
        for file in files {
            XCTAssertEqual(try Data(contentsOf: first.appendingPathComponent(file)),
                           try Data(contentsOf: second.appendingPathComponent(file)), file)
        }
    }
}
