import DataPipeline
import Foundation
import Metrics
import SeqModels
import Tensor
import TestSupport
import Trainer
import XCTest

/// Prepares a tiny synthetic dataset and trains every model, Base and Ada-Ranker, for two epochs
/// through the workflows the `train` command calls (prepare → fit → evaluate / infer).
final class TrainerEndToEndTests: XCTestCase {
    /// The tiny synthetic dataset of `Tests/Fixtures/tiny-demo.yaml` (shared with the Trainer README
    /// example test) with two-epoch runs and the Ada-Ranker at the Base batch size.
    static var datasetYAML: String {
        get throws {
            try String(contentsOf: TestFixtures.repositoryFile("tiny-demo.yaml"), encoding: .utf8)
                + "epochs: 2\nAda-Ranker:\n  batch_size: 256\n"
        }
    }

    private var configs: URL!
    private var root: URL!
    private var data: String!

    override func setUpWithError() throws {
        configs = try RepositoryConfigs.copy(into: makeTemporaryDirectory(self, prefix: "adaranker-e2e-configs"), dataset: "e2e", yaml: Self.datasetYAML)
        root = try makeTemporaryDirectory(self, prefix: "adaranker-e2e-runs")
        data = root.appendingPathComponent("e2e").path
        let summary = try PrepareWorkflow.run(PrepareRequest(source: .synthetic(name: "e2e"), outputFolder: data,
                                                             seed: 3, showProgress: false, configDirectory: configs))
        XCTAssertGreaterThan(summary.stats.train.rows, 500)
    }

    private func fit(_ model: String, _ mode: FitRequest.Mode, output: String, overrides: [String] = [],
                     checkpoint: String? = nil, freeze: Bool? = nil, resume: Bool = false) throws -> FitReport {
        try FitWorkflow.run(FitRequest(model: try ModelName(validating: model), mode: mode, dataFolder: data,
                                       outputFolder: root.appendingPathComponent(output).path, overrides: overrides,
                                       checkpoint: checkpoint, freeze: freeze, resume: resume,
                                       configDirectory: configs, console: false))
    }

    private func checkpointRequest(_ path: String, split: Split.Name = .test, model: String? = nil,
                                   mode: FitRequest.Mode? = nil) -> CheckpointRequest {
        CheckpointRequest(checkpoint: path, dataFolder: data, split: split, model: model.map { ModelName(rawValue: $0)! }, mode: mode,
                          configDirectory: configs, showProgress: false)
    }

    func testEveryModelTrainsTwoEpochsAsBaseAndAdaRankerAndItsCheckpointEvaluates() throws {
        for model in ModelName.allNames {
            for mode in [FitRequest.Mode.base, .ada] {
                let name = "\(model)-\(mode.trainType)"
                let report = try fit(model, mode, output: name)
                XCTAssertEqual(report.epochsTrained, 2, name)
                let folder = RunFolder(url: report.folder)
                for file in [folder.logFile, folder.configFile, folder.metricsFile, folder.resultsFile, folder.reportFile,
                             folder.bestCheckpoint, Checkpoint.sidecarURL(for: folder.bestCheckpoint), folder.lastCheckpoint] {
                    XCTAssertTrue(FileManager.default.fileExists(atPath: file.path), "\(name): \(file.lastPathComponent)")
                }
                let records = try folder.readMetrics()
                XCTAssertEqual(records.map(\.split), [.valid, .valid, .valid, .test], name)
                XCTAssertEqual(records.map(\.epoch).prefix(3), [0, 1, 2], name)
                XCTAssertTrue(records[1].trainLoss!.isFinite, name)
                let auc = try XCTUnwrap(report[test: "group_auc"])
                XCTAssertTrue(auc >= 0 && auc <= 1, "\(name): \(auc)")

                // The saved best checkpoint reproduces the run's test metrics exactly.
                let (metrics, _) = try CheckpointWorkflow.evaluate(checkpointRequest(folder.bestCheckpoint.path))
                XCTAssertEqual(metrics.values.map(\.value), report.test.map(\.value), name)
                XCTAssertEqual(metrics.rowCount, try DatasetStats.read(path: data + "/stats.json").test.rows, name)
            }
        }
    }

    func testInferWritesScoreRowsWhoseMetricsEqualEvaluate() throws {
        let report = try fit("GRU4Rec", .ada, output: "gru-ada")
        let best = report.folder.appendingPathComponent("best.safetensors").path
        let scores = root.appendingPathComponent("scores.tsv")
        let rows = try CheckpointWorkflow.infer(checkpointRequest(best, split: .valid), to: scores)
        let table = try ScoreTable.read(path: scores.path)
        XCTAssertEqual(table.count, rows)
        XCTAssertTrue(table.allSatisfy { $0.count == 20 })
        let (evaluated, _) = try CheckpointWorkflow.evaluate(checkpointRequest(best, split: .valid))
        XCTAssertEqual(RankingMetrics(rows: table).values.map(\.value), evaluated.values.map(\.value))
    }

    func testResumeAfterAnInterruptionGivesTheUninterruptedResults() throws {
        let uninterrupted = try fit("GRU4Rec", .ada, output: "full", overrides: ["--epochs=3"])
        // "Interrupted" after epoch 1: a run with the epoch limit 1, then resumed up to 3.
        _ = try fit("GRU4Rec", .ada, output: "resumed", overrides: ["--epochs=1"])
        let resumed = try fit("GRU4Rec", .ada, output: "resumed", overrides: ["--epochs=3"], resume: true)
        XCTAssertEqual(resumed.epochsTrained, 3)
        XCTAssertEqual(try RunFolder(url: resumed.folder).readMetrics(), try RunFolder(url: uninterrupted.folder).readMetrics())
        XCTAssertEqual(resumed.test.map(\.value), uninterrupted.test.map(\.value))
        let a = try Checkpoint.read(from: RunFolder(url: resumed.folder).bestCheckpoint)
        let b = try Checkpoint.read(from: RunFolder(url: uninterrupted.folder).bestCheckpoint)
        XCTAssertEqual(a.weights, b.weights)
        XCTAssertEqual(a.optimizerState, b.optimizerState)

        XCTAssertThrowsError(try fit("GRU4Rec", .ada, output: "resumed", overrides: ["--epochs=4", "--learning_rate=0.01"], resume: true)) {
            XCTAssertTrue("\($0)".contains("learning_rate"), "\($0)")
        }
        XCTAssertThrowsError(try fit("GRU4Rec", .ada, output: "never-ran", resume: true)) {
            XCTAssertTrue("\($0)".contains("resumable"), "\($0)")
        }
        XCTAssertThrowsError(try fit("GRU4Rec", .ada, output: "full")) {
            XCTAssertTrue("\($0)".contains("already holds a run"), "\($0)")
        }
    }

    func testFineTuningWithFreezeLeavesTheBaseWeightsBitIdentical() throws {
        let base = try fit("GRU4Rec", .base, output: "base")
        let baseCheckpoint = base.folder.appendingPathComponent("best.safetensors").path
        let baseWeights = try Checkpoint.read(from: URL(fileURLWithPath: baseCheckpoint)).weights

        let frozen = try fit("GRU4Rec", .finetune, output: "freeze1", checkpoint: baseCheckpoint, freeze: true)
        let frozenWeights = try Checkpoint.read(from: frozen.folder.appendingPathComponent("last.safetensors")).weights
        for (name, value) in baseWeights {
            XCTAssertEqual(frozenWeights[name], value, "\(name) changed although freeze = 1")
        }
        XCTAssertGreaterThan(frozenWeights.count, baseWeights.count, "the adaptation layers are there too")

        let free = try fit("GRU4Rec", .finetune, output: "freeze0", checkpoint: baseCheckpoint, freeze: false)
        let freeWeights = try Checkpoint.read(from: free.folder.appendingPathComponent("last.safetensors")).weights
        XCTAssertNotEqual(freeWeights["mlp_layers.1.weight"], baseWeights["mlp_layers.1.weight"], "freeze = 0 trains the base")

        XCTAssertThrowsError(try fit("SASRec", .finetune, output: "wrong-model", checkpoint: baseCheckpoint, freeze: true)) {
            XCTAssertTrue("\($0)".contains("GRU4Rec"), "\($0)")
        }
        let ada = try fit("GRU4Rec", .ada, output: "ada")
        XCTAssertThrowsError(try fit("GRU4Rec", .finetune, output: "from-ada",
                                     checkpoint: ada.folder.appendingPathComponent("best.safetensors").path, freeze: true)) {
            XCTAssertTrue("\($0)".contains("Base checkpoint"), "\($0)")
        }
    }

    func testABareStateDictEvaluatesLikeItsCheckpointAndMismatchesAreReported() throws {
        let report = try fit("NARM", .base, output: "narm")
        let checkpoint = try Checkpoint.read(from: report.folder.appendingPathComponent("best.safetensors"))
        // A state dict without sidecar, as exported from the reference with safetensors.torch.save_file.
        let bare = root.appendingPathComponent("narm_state_dict.safetensors")
        try SafeTensors.write(checkpoint.weights.mapValues { .float($0) }, to: bare.path)
        let (metrics, _) = try CheckpointWorkflow.evaluate(checkpointRequest(bare.path, model: "NARM", mode: .base))
        XCTAssertEqual(metrics.values.map(\.value), report.test.map(\.value))

        // … and fine-tunes directly (two-stage training from a reference Base model).
        let tuned = try fit("NARM", .finetune, output: "narm-from-bare", checkpoint: bare.path, freeze: true)
        let tunedWeights = try Checkpoint.read(from: tuned.folder.appendingPathComponent("last.safetensors")).weights
        XCTAssertEqual(tunedWeights["item_embedding.weight"], checkpoint.weights["item_embedding.weight"])

        XCTAssertThrowsError(try CheckpointWorkflow.evaluate(checkpointRequest(bare.path))) {
            XCTAssertTrue("\($0)".contains("--model"), "\($0)")
        }
        XCTAssertThrowsError(try CheckpointWorkflow.evaluate(checkpointRequest(bare.path, model: "GRU4Rec", mode: .base))) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("narm_state_dict.safetensors") && text.contains("parameter '"), text)
        }
        XCTAssertThrowsError(try CheckpointWorkflow.evaluate(checkpointRequest(bare.path, model: "NARM", mode: .base)
            .with(overrides: ["--embedding_size=32", "--hidden_size=64"]))) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("[") && text.contains("64") && text.contains("32"), text)
        }
    }

    func testBadInputsGiveOneLineErrors() throws {
        func message(_ body: () throws -> Any) -> String {
            do { _ = try body(); return "no error" } catch { return "\(error)" }
        }
        let missing = message { try CheckpointWorkflow.evaluate(self.checkpointRequest(self.root.appendingPathComponent("none.safetensors").path)) }
        XCTAssertTrue(missing.contains("none.safetensors") && missing.contains("no such file"), missing)

        let corrupt = root.appendingPathComponent("corrupt.safetensors")
        try Data("not a safetensors file at all".utf8).write(to: corrupt)
        let corruptMessage = message { try CheckpointWorkflow.evaluate(self.checkpointRequest(corrupt.path, model: "MF", mode: .base)) }
        XCTAssertTrue(corruptMessage.contains("corrupt.safetensors"), corruptMessage)

        let wrongType = message { try self.fit("MF", .base, output: "bad-type", overrides: ["--learning_rate=fast"]) }
        XCTAssertTrue(wrongType.contains("learning_rate") && wrongType.contains("fast"), wrongType)

        let unknownModel = message { try self.fit("GRU5Rec", .base, output: "bad-model") }
        XCTAssertTrue(unknownModel.contains("GRU5Rec") && unknownModel.contains("GRU4Rec"), unknownModel)

        let conflicting = message { try self.fit("MF", .base, output: "bad-size", overrides: ["--item_num=5"]) }
        XCTAssertTrue(conflicting.contains("item_num") && conflicting.contains("stats.json"), conflicting)

        let empty = root.appendingPathComponent("empty").path
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        let noStats = message {
            try FitWorkflow.run(FitRequest(model: .mf, mode: .base, dataFolder: empty, outputFolder: self.root.appendingPathComponent("x").path,
                                           configDirectory: self.configs, console: false))
        }
        XCTAssertTrue(noStats.contains("stats.json"), noStats)

        for text in [missing, corruptMessage, wrongType, unknownModel, conflicting, noStats] {
            XCTAssertFalse(text.contains("\n"), "one line: \(text)")
        }
    }
}

extension CheckpointRequest {
    func with(overrides: [String]) -> CheckpointRequest {
        var copy = self
        copy.overrides = overrides
        return copy
    }
}
