import DataPipeline
import Foundation
import TestSupport
import XCTest
@testable import Trainer

/// Which `Configs/dataset/<name>.yaml` a run applies (issue 15, point 13): the name prepare wrote
/// into `stats.json` wins over the folder's name, and the run says which file it applied.
final class DatasetSelectionTests: XCTestCase {
    private var root: URL!
    private var configs: URL { root.appendingPathComponent("Configs") }

    override func setUpWithError() throws {
        root = try makeRunRoot(prefix: "trainer-dataset", demoYAML: ReadmeExampleTests.tinyDemoYAML)
    }

    private func path(_ name: String) -> String { root.appendingPathComponent(name).path }

    private func prepareDemo(into folder: String, name: String? = nil) throws {
        _ = try PrepareWorkflow.run(PrepareRequest(source: .synthetic(name: "demo"), outputFolder: path(folder), datasetName: name,
                                                   seed: 1, pretrain: false, threads: 1, showProgress: false,
                                                   configDirectory: configs))
    }

    /// Runs `body` with standard error redirected to a file; returns what was written there.
    private func capturingStandardError(_ body: () throws -> Void) throws -> String {
        let file = root.appendingPathComponent("stderr-\(UUID().uuidString).txt")
        FileManager.default.createFile(atPath: file.path, contents: nil)
        let handle = try FileHandle(forWritingTo: file)
        let saved = dup(STDERR_FILENO)
        dup2(handle.fileDescriptor, STDERR_FILENO)
        defer {
            dup2(saved, STDERR_FILENO)
            close(saved)
            try? handle.close()
        }
        try body()
        return try String(contentsOf: file, encoding: .utf8)
    }

    func testTheNameInStatsJSONSelectsTheDatasetConfigWhateverTheFolderIsCalled() throws {
        try prepareDemo(into: "demo-renamed")
        XCTAssertEqual(try DatasetStats.read(path: path("demo-renamed/stats.json")).name, "demo", "synthetic data is named after its generator")
        let selection = DatasetSelection(requested: nil, dataFolder: path("demo-renamed"))
        XCTAssertEqual(selection, DatasetSelection(requested: nil, dataFolder: path("demo-renamed/.")))
        XCTAssertEqual(selection.name, "demo")
        XCTAssertEqual(selection.origin, .stats)
        XCTAssertEqual(DatasetSelection(requested: "ML10M", dataFolder: path("demo-renamed")).origin, .request)

        let report = try FitWorkflow.run(FitRequest(model: .gru4Rec, mode: .base, dataFolder: path("demo-renamed"),
                                                    outputFolder: path("run"), overrides: ["--epochs=1", "--use_pre_item_emb=0"],
                                                    configDirectory: configs, console: false))
        XCTAssertEqual(report.dataset, "demo")
        let config = try Configuration.fromJSON(try Data(contentsOf: RunFolder(url: report.folder).configFile), source: "config.json")
        XCTAssertEqual(try config.int("MAX_SEQ_LEN"), 12, "the tiny demo.yaml's MAX_SEQ_LEN, not overall.yaml's")
        let log = try String(contentsOf: RunFolder(url: report.folder).logFile, encoding: .utf8)
        XCTAssertTrue(log.contains("dataset demo (from stats.json): applying \(configs.path)/dataset/demo.yaml"), log)
    }

    func testAnExplicitNameAndTheFolderNameFallback() throws {
        try prepareDemo(into: "named", name: "ML10M")
        XCTAssertEqual(DatasetSelection(requested: nil, dataFolder: path("named")).name, "ML10M")
        let statsFile = path("named/stats.json")
        let hostile = try String(contentsOfFile: statsFile, encoding: .utf8)
            .replacingOccurrences(of: "\"name\" : \"ML10M\"", with: "\"name\" : \"../../outside\"")
        try hostile.write(toFile: statsFile, atomically: false, encoding: .utf8)
        XCTAssertEqual(DatasetSelection(requested: nil, dataFolder: path("named")).name, "named", "a name leaving dataset/ is ignored")
        let header = "user_id\titem_id\tcate_id\titem_seq\titem_seq_len\tneg_items\n"
        try FileManager.default.createDirectory(atPath: path("ML100K-tsv"), withIntermediateDirectories: true)
        for split in ["train", "valid", "test"] {
            try (header + "1\t2\t[1]\t[3]\t1\t[4]\n").write(toFile: path("ML100K-tsv/\(split).tsv"), atomically: false, encoding: .utf8)
        }
        let fallback = DatasetSelection(requested: nil, dataFolder: path("ML100K-tsv"))
        XCTAssertEqual(fallback.name, "ML100K-tsv")
        XCTAssertEqual(fallback.origin, .folderName)
        XCTAssertTrue(fallback.summary(configDirectory: configs).contains("no \(configs.path)/dataset/ML100K-tsv.yaml"),
                      fallback.summary(configDirectory: configs))
    }

    func testUnknownKeysAreWarnedOnStandardErrorEvenWithoutConsoleLogging() throws {
        try prepareDemo(into: "demo")
        var report: FitReport?
        let stderr = try capturingStandardError {
            report = try FitWorkflow.run(FitRequest(model: .gru4Rec, mode: .base, dataFolder: path("demo"), outputFolder: path("quiet"),
                                                    overrides: ["--epochs=1", "--use_pre_item_emb=0", "--learning_rat=0.1"], configDirectory: configs,
                                                    console: false))
        }
        XCTAssertTrue(stderr.contains("unknown config key 'learning_rat'") && stderr.contains("did you mean 'learning_rate'"), stderr)
        let checkpoint = try XCTUnwrap(report).folder.appendingPathComponent("best.safetensors").path
        let evaluateStderr = try capturingStandardError {
            _ = try CheckpointWorkflow.evaluate(CheckpointRequest(checkpoint: checkpoint, dataFolder: path("demo"), overrides: ["--eval_batch_siz=64"],
                                                                  configDirectory: configs, showProgress: false))
        }
        XCTAssertTrue(evaluateStderr.contains("unknown config key 'eval_batch_siz'"), evaluateStderr)
    }
}
