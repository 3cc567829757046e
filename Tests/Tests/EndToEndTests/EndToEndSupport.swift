import Foundation
import TestSupport
import XCTest

/// Paths and Configs copies shared by the end-to-end tests.
enum EndToEnd {
    /// The repository's `Configs` folder.
    static let configs = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../../Configs").standardizedFileURL

    /// A copy of the repository's Configs plus `dataset/<name>.yaml` with `yaml` (a tiny synthetic
    /// dataset and short training), so tests go through exactly the files and code the CLI uses.
    static func configsWithDataset(_ test: XCTestCase, name: String, yaml: String) throws -> URL {
        let folder = try makeTemporaryDirectory(test, prefix: "adaranker-e2e-configs").appendingPathComponent("Configs")
        try FileManager.default.copyItem(at: configs, to: folder)
        try yaml.write(to: folder.appendingPathComponent("dataset/\(name).yaml"), atomically: false, encoding: .utf8)
        return folder
    }

    /// The ML-100K folder from `ADARANKER_ML100K`; skips the test when unset, fails under CI.
    static func ml100kFolder() throws -> String {
        try TestDatasets.movieLens100K().path
    }
}
