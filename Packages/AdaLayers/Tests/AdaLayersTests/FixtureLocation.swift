import Foundation
import XCTest

/// Where the reference fixtures live: `$ADARANKER_FIXTURES` (the folder holding `parity/`), else
/// `<repo root>/../shared/fixtures`, the repo root found from this file's path.
enum FixtureLocation {
    static var fixturesDirectory: URL {
        if let path = ProcessInfo.processInfo.environment["ADARANKER_FIXTURES"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        var root = URL(fileURLWithPath: #filePath)
        for _ in 0..<5 { root.deleteLastPathComponent() }   // …/Packages/AdaLayers/Tests/AdaLayersTests/<file>
        return root.deletingLastPathComponent().appendingPathComponent("shared/fixtures")
    }

    /// The `parity/` folder; skips the test when it is absent, and fails it when `CI=true`.
    static func parityDirectory() throws -> URL {
        let directory = fixturesDirectory.appendingPathComponent("parity")
        guard FileManager.default.fileExists(atPath: directory.path) else {
            let message = "parity fixtures not found at \(directory.path); set ADARANKER_FIXTURES to the folder holding parity/"
            if ProcessInfo.processInfo.environment["CI"] == "true" {
                XCTFail(message)
                throw XCTSkip("failed: " + message)
            }
            throw XCTSkip(message)
        }
        return directory
    }

    /// One fixture folder (skipped or failed like `parityDirectory()` when absent).
    static func fixture(_ name: String) throws -> URL {
        let directory = try parityDirectory().appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: directory.path) else {
            let message = "parity fixture \(directory.path) not found"
            if ProcessInfo.processInfo.environment["CI"] == "true" {
                XCTFail(message)
                throw XCTSkip("failed: " + message)
            }
            throw XCTSkip(message)
        }
        return directory
    }

    /// A fresh temporary folder, removed when the test ends.
    static func temporaryDirectory(_ testCase: XCTestCase) throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("adalayers-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        testCase.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    /// Copies fixture `name`'s files into a new writable folder `parent/<newName>`, returning it
    /// (the shared fixtures may be read-only).
    static func copyFixture(_ name: String, into parent: URL, as newName: String? = nil) throws -> URL {
        let source = try fixture(name)
        let copy = parent.appendingPathComponent(newName ?? name)
        let manager = FileManager.default
        try manager.createDirectory(at: copy, withIntermediateDirectories: true)
        for file in try manager.contentsOfDirectory(atPath: source.path) {
            let data = try Data(contentsOf: source.appendingPathComponent(file))
            try data.write(to: copy.appendingPathComponent(file))
        }
        return copy
    }
}
