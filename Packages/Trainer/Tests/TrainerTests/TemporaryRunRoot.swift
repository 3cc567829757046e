import Foundation
import TestSupport
import XCTest

extension XCTestCase {
    /// A fresh temporary folder (removed when the test ends, `makeTemporaryDirectory`) holding a
    /// copy of the repository's `Configs` whose `dataset/demo.yaml` is `demoYAML`, for tests that
    /// prepare and train on a small synthetic dataset.
    func makeRunRoot(prefix: String, demoYAML: String) throws -> URL {
        let root = try makeTemporaryDirectory(self, prefix: prefix)
        try RepositoryConfigs.copy(into: root, dataset: "demo", yaml: demoYAML)
        return root
    }
}
