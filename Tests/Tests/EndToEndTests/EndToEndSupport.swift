import Foundation
import XCTest

/// Paths and scratch folders shared by the end-to-end tests.
enum EndToEnd {
    /// The repository's `Configs` folder.
    static let configs = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../../Configs").standardizedFileURL

    /// A fresh temporary folder, removed by the test's teardown.
    static func scratchFolder(_ test: XCTestCase, _ name: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("adaranker-e2e-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        test.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    /// A copy of the repository's Configs plus `dataset/<name>.yaml` with `yaml` (a tiny synthetic
    /// dataset and short training), so tests go through exactly the files and code the CLI uses.
    static func configsWithDataset(_ test: XCTestCase, name: String, yaml: String) throws -> URL {
        let folder = try scratchFolder(test, "configs").appendingPathComponent("Configs")
        try FileManager.default.copyItem(at: configs, to: folder)
        try yaml.write(to: folder.appendingPathComponent("dataset/\(name).yaml"), atomically: true, encoding: .utf8)
        return folder
    }

    /// The ML-100K folder from `ADARANKER_ML100K`; skips the test when unset, fails under CI.
    static func ml100kFolder() throws -> String {
        let environment = ProcessInfo.processInfo.environment
        guard let path = environment["ADARANKER_ML100K"], !path.isEmpty else {
            if environment["CI"] == "true" {
                throw MissingData(message: "ADARANKER_ML100K is not set under CI=true; it must name the folder with ml-100k.inter and ml-100k.item")
            }
            throw XCTSkip("set ADARANKER_ML100K to the folder with ml-100k.inter and ml-100k.item (e.g. ../shared/datasets/ml-100k)")
        }
        guard FileManager.default.fileExists(atPath: URL(fileURLWithPath: path).appendingPathComponent("ml-100k.inter").path) else {
            throw MissingData(message: "ADARANKER_ML100K=\(path) has no ml-100k.inter")
        }
        return path
    }
}

/// A required data set is missing (a failure, not a skip, under CI).
struct MissingData: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
