import Foundation
import TestSupport
import XCTest

extension XCTestCase {
    /// The repository's `Configs` folder.
    static var repositoryConfigs: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../../../Configs").standardizedFileURL
    }

    /// A fresh temporary folder (removed when the test ends, `makeTemporaryDirectory`) holding a
    /// copy of the repository's `Configs` whose `dataset/demo.yaml` is `demoYAML`, for tests that
    /// prepare and train on a small synthetic dataset.
    func makeRunRoot(prefix: String, demoYAML: String) throws -> URL {
        let root = try makeTemporaryDirectory(self, prefix: prefix)
        let configs = root.appendingPathComponent("Configs")
        try FileManager.default.copyItem(at: Self.repositoryConfigs, to: configs)
        try demoYAML.write(to: configs.appendingPathComponent("dataset/demo.yaml"), atomically: false, encoding: .utf8)
        return root
    }
}
