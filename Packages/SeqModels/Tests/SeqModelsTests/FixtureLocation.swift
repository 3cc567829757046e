import Foundation
import XCTest

/// Where the reference fixtures live: `$ADARANKER_FIXTURES` (the folder holding `parity/`), else
/// `<repo root>/../shared/fixtures` with the repo root found from this file's path.
enum FixtureLocation {
    static var fixturesDirectory: URL {
        if let path = ProcessInfo.processInfo.environment["ADARANKER_FIXTURES"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        var root = URL(fileURLWithPath: #filePath)
        for _ in 0..<5 { root.deleteLastPathComponent() }   // …/Packages/SeqModels/Tests/SeqModelsTests/<file>
        return root.deletingLastPathComponent().appendingPathComponent("shared/fixtures")
    }

    /// The folder of one parity fixture; skips the test when fixtures are absent (fails under CI=true).
    static func parityFixture(_ name: String) throws -> URL {
        let directory = fixturesDirectory.appendingPathComponent("parity").appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: directory.appendingPathComponent("config.json").path) else {
            let message = "parity fixture \(directory.path) not found; set ADARANKER_FIXTURES to the folder holding parity/"
            if ProcessInfo.processInfo.environment["CI"] == "true" {
                XCTFail(message)
                throw XCTSkip("failed: " + message)
            }
            throw XCTSkip(message)
        }
        return directory
    }
}
