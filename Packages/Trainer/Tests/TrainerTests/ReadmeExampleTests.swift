import Foundation
import XCTest
import TestSupport
import Trainer

/// Runs the example of Packages/Trainer/README.md, with its paths moved to a temporary folder and
/// the `demo` dataset shrunk (a copy of the repository's Configs whose dataset/demo.yaml generates
/// a tiny synthetic dataset), so that it stays fast. Keep the body of `runTheExample` identical to
/// the README's code block apart from those paths.
final class ReadmeExampleTests: XCTestCase {
    private var root: URL!

    /// A small version of Configs/dataset/demo.yaml (`Tests/Fixtures/tiny-demo.yaml`, shared with the
    /// cross-package end-to-end tests).
    static var tinyDemoYAML: String {
        get throws { try String(contentsOf: TestFixtures.repositoryFile("tiny-demo.yaml"), encoding: .utf8) }
    }

    override func setUpWithError() throws {
        root = try makeRunRoot(prefix: "trainer-readme", demoYAML: Self.tinyDemoYAML)
    }

    private func runTheExample(in folder: URL) throws -> (base: FitReport, ada: FitReport, paper: FitReport, finetuned: FitReport) {
        // ---- the README example (paths under a temporary folder) ----
        let root = URL(fileURLWithPath: folder.path)
        let configs = root.appendingPathComponent("Configs")
        let data = root.appendingPathComponent("Datasets/demo").path
        let runs = root.appendingPathComponent("runs/example")

        // Synthetic interactions (the synthetic: section of Configs/dataset/demo.yaml) → splits with
        // sampled negatives, stats.json and word2vec item vectors.
        _ = try PrepareWorkflow.run(PrepareRequest(source: .synthetic(name: "demo"), outputFolder: data,
                                                   configDirectory: configs))

        // Base and Ada-Ranker under the fair protocol (the default): same batch size, same stopping
        // rule, the Ada-Ranker starting as its Base ranker.
        let base = try FitWorkflow.run(FitRequest(model: .gru4Rec, mode: .base, dataFolder: data,
                                                  outputFolder: runs.appendingPathComponent("base").path,
                                                  overrides: ["--epochs=2"], configDirectory: configs))
        let ada = try FitWorkflow.run(FitRequest(model: .gru4Rec, mode: .ada, dataFolder: data,
                                                 outputFolder: runs.appendingPathComponent("ada").path,
                                                 overrides: ["--epochs=2"], configDirectory: configs))
        // The same Ada-Ranker with the paper's settings (ada_init reference, batch 2048).
        let paper = try FitWorkflow.run(FitRequest(model: .gru4Rec, mode: .ada, dataFolder: data,
                                                   outputFolder: runs.appendingPathComponent("ada-paper").path,
                                                   protocolName: "paper", overrides: ["--epochs=2"],
                                                   configDirectory: configs))
        // Two-stage training: an Ada-Ranker from the Base checkpoint, training only the adaptation layers.
        let bestBase = base.folder.appendingPathComponent("best.safetensors").path
        let finetuned = try FitWorkflow.run(FitRequest(model: .gru4Rec, mode: .finetune, dataFolder: data,
                                                       outputFolder: runs.appendingPathComponent("finetune").path,
                                                       overrides: ["--epochs=2"], checkpoint: bestBase, freeze: true,
                                                       configDirectory: configs))
        print(base[test: "group_auc"]!, ada[test: "group_auc"]!, paper[test: "group_auc"]!, finetuned[test: "group_auc"]!)

        // Inference: a checkpoint's metrics on a split, and one line of candidate scores per row.
        let bestAda = ada.folder.appendingPathComponent("best.safetensors").path
        let (metrics, _) = try CheckpointWorkflow.evaluate(CheckpointRequest(
            checkpoint: bestAda, dataFolder: data, split: .valid, configDirectory: configs))
        print(metrics.values)
        try CheckpointWorkflow.infer(CheckpointRequest(checkpoint: bestAda, dataFolder: data, configDirectory: configs),
                                     to: runs.appendingPathComponent("ada-test-scores.tsv"))
        // ---- end of the README example ----
        return (base, ada, paper, finetuned)
    }

    func testTheReadmeExampleRuns() throws {
        let (base, ada, paper, finetuned) = try runTheExample(in: root)
        for report in [base, ada, paper, finetuned] {
            XCTAssertEqual(report.epochsTrained, 2)
            XCTAssertEqual(report[test: "group_auc"].map { $0 > 0 && $0 < 1 }, true)
        }
        XCTAssertEqual([base.protocolName, ada.protocolName, paper.protocolName, finetuned.protocolName],
                       ["fair", "fair", "paper", "fair"])

        func config(_ report: FitReport) throws -> Configuration {
            try Configuration.fromJSON(Data(contentsOf: report.folder.appendingPathComponent("config.json")), source: "config.json")
        }
        XCTAssertEqual(try config(ada).choice("ada_init"), "identity")
        XCTAssertEqual(try config(ada).int("batch_size"), try config(base).int("batch_size"))
        XCTAssertEqual(try config(paper).choice("ada_init"), "reference")
        XCTAssertEqual(try config(paper).int("batch_size"), 2048)
        XCTAssertTrue(try config(finetuned).bool("freeze"))

        let log = try String(contentsOf: ada.folder.appendingPathComponent("train.log"), encoding: .utf8)
        XCTAssertTrue(log.contains("settings: protocol fair,") && log.contains("ada_init identity"), log)
        let paperLog = try String(contentsOf: paper.folder.appendingPathComponent("train.log"), encoding: .utf8)
        XCTAssertTrue(paperLog.contains("settings: protocol paper,") && paperLog.contains("batch_size 2048"), paperLog)

        let scores = try String(contentsOf: root.appendingPathComponent("runs/example/ada-test-scores.tsv"), encoding: .utf8)
        XCTAssertEqual(scores.split(separator: "\n").first?.split(separator: "\t").count, 20, "the positive and 19 negatives")
    }
}
