import DataPipeline
import Foundation
import TestSupport
import XCTest
@testable import Trainer

/// Interrupted and concurrent `prepare` and `fit` (Trainer README § Run folder): locks, restart of
/// a run stopped in its first epoch, and a prepared folder that appears complete or not at all.
final class CrashSafeWorkflowTests: XCTestCase {
    private var root: URL!
    private var configs: URL { root.appendingPathComponent("Configs") }

    override func setUpWithError() throws {
        root = try makeRunRoot(prefix: "trainer-crashsafe", demoYAML: Self.smallestDemoYAML)
    }

    /// Data just large enough to train on: these tests are about files, not about training.
    static let smallestDemoYAML = """
        synthetic:
          users: 60
          items: 50
          categories: 3
          interactions: 1200
          min_interactions_per_user: 12
          min_items_per_category: 10
          seed: 7
        MAX_SEQ_LEN: 8
        batch_size: 256
        eval_batch_size: 300
        show_progress: false
        """

    private func path(_ name: String) -> String { root.appendingPathComponent(name).path }

    @discardableResult
    private func prepare(_ name: String = "demo", seed: UInt64 = 1, pretrain: Bool = true) throws -> PrepareSummary {
        try PrepareWorkflow.run(PrepareRequest(source: .synthetic(name: "demo"), outputFolder: path(name), seed: seed,
                                               pretrain: pretrain, threads: 1, showProgress: false, configDirectory: configs))
    }

    /// A short MF run (the cheapest model: these tests are about files, not about training).
    private func fit(_ output: String, epochs: Int = 2, resume: Bool = false) throws -> FitReport {
        try FitWorkflow.run(FitRequest(model: .mf, mode: .base, dataFolder: path("demo"), outputFolder: path(output),
                                       overrides: ["--epochs=\(epochs)"], resume: resume, configDirectory: configs,
                                       console: false))
    }

    /// What a kill during epoch 1 leaves, made from the finished run in `finished`: its
    /// configuration, the epoch-0 evaluation and a best checkpoint, but no `last` checkpoint.
    private func makeKilledDuringEpochOne(_ output: String, from finished: URL, into parent: URL? = nil) throws {
        let folder = RunFolder(url: (parent ?? root).appendingPathComponent(output))
        try folder.create()
        for name in ["config.json", "train.log", "best.safetensors", "best.optimizer.safetensors", "best.json"] {
            try FileManager.default.copyItem(at: finished.appendingPathComponent(name), to: folder.url.appendingPathComponent(name))
        }
        try folder.writeMetrics(try RunFolder(url: finished).readMetrics().filter { $0.epoch == 0 && $0.split == .valid })
    }

    func testARunKilledDuringItsFirstEpochRestartsWithAndWithoutResume() throws {
        try prepare()
        let uninterrupted = try fit("full", epochs: 1)
        for resume in [false, true] {
            let output = "killed-\(resume)"
            try makeKilledDuringEpochOne(output, from: uninterrupted.folder)
            let restarted = try fit(output, epochs: 1, resume: resume)
            XCTAssertEqual(restarted.test.map(\.value), uninterrupted.test.map(\.value), "resume \(resume)")
            XCTAssertEqual(try RunFolder(url: restarted.folder).readMetrics(), try RunFolder(url: uninterrupted.folder).readMetrics())
            let log = try String(contentsOf: RunFolder(url: restarted.folder).logFile, encoding: .utf8)
            XCTAssertTrue(log.contains("starting it again from the beginning"), log)
        }
        XCTAssertTrue(FitWorkflow.isResumable(uninterrupted.folder))
        XCTAssertThrowsError(try fit("full")) { XCTAssertTrue("\($0)".contains("already holds a run"), "\($0)") }
        XCTAssertThrowsError(try fit("never-ran", resume: true)) { XCTAssertTrue("\($0)".contains("resum"), "\($0)") }
    }

    func testReproduceRestartsARunKilledDuringItsFirstEpoch() throws {
        let request = ReproduceRequest(source: .synthetic(name: "demo"), datasetName: "demo", dataFolder: path("data"),
                                       runsFolder: path("runs"), sampling: .leakFree, models: [.mf], seeds: [2020],
                                       variants: [.base], overrides: ["--epochs=1"], threads: 1, console: false,
                                       configDirectory: configs)
        let first = try ReproduceWorkflow.run(request)
        let run = first.runs[0].report.folder
        let killed = root.appendingPathComponent("killed-run")
        try FileManager.default.moveItem(at: run, to: killed)
        try makeKilledDuringEpochOne(run.lastPathComponent, from: killed, into: run.deletingLastPathComponent())
        let again = try ReproduceWorkflow.run(request)
        XCTAssertEqual(again.runs.map(\.reused), [false], "the killed run is trained again, not taken as finished")
        XCTAssertEqual(again.runs[0].report.test.map(\.value), first.runs[0].report.test.map(\.value))
    }

    func testEvaluateNeedsNoOptimiserFile() throws {
        try prepare()
        let report = try fit("no-optimiser", epochs: 1)
        let best = RunFolder(url: report.folder).bestCheckpoint
        try FileManager.default.removeItem(at: Checkpoint.optimizerURL(for: best))
        let (metrics, _) = try CheckpointWorkflow.evaluate(CheckpointRequest(checkpoint: best.path, dataFolder: path("demo"),
                                                                            configDirectory: configs, showProgress: false))
        XCTAssertEqual(metrics.values.map(\.value), report.test.map(\.value))
    }

    func testASecondWriterOfARunFolderStopsAtOnceNamingTheHolder() throws {
        try prepare()
        let folder = RunFolder(url: root.appendingPathComponent("busy"))
        let held = try folder.lockForWriting()
        XCTAssertThrowsError(try fit("busy")) { error in
            XCTAssertTrue(error is FolderLock.Busy, "\(error)")
            XCTAssertTrue("\(error)".contains("process \(getpid())"), "\(error)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.configFile.path), "the refused run wrote nothing")
        held.release()
        // A lock file left by a dead process (here: naming a PID that does not run) does not block.
        try "999999999\n".write(to: folder.lockFile, atomically: false, encoding: .utf8)
        XCTAssertEqual(try fit("busy", epochs: 1).epochsTrained, 1)
    }

    func testAPrepareIntoALockedFolderStopsAtOnceNamingTheHolder() throws {
        let lockFile = root.appendingPathComponent(".demo.lock")
        let held = try FolderLock.acquire(lockFile, for: root.appendingPathComponent("demo"))
        XCTAssertThrowsError(try prepare()) { XCTAssertTrue("\($0)".contains("process \(getpid())"), "\($0)") }
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("demo")))
        held.release()
        try prepare()
    }

    func testPrepareReplacesAnOldFolderAsAWholeAndRemovesLeftoversOfKilledRuns() throws {
        try prepare(seed: 1, pretrain: true)
        XCTAssertTrue(FileManager.default.fileExists(atPath: path("demo/item_emb_64.safetensors")))
        // Leftovers of killed runs: a staging folder, a replaced folder, hidden temporaries inside.
        for leftover in [".demo.building-4242", ".demo.replaced-4243"] {
            try FileManager.default.createDirectory(atPath: path(leftover), withIntermediateDirectories: true)
            try Data("x".utf8).write(to: URL(fileURLWithPath: path("\(leftover)/train.split")))
        }
        try Data("x".utf8).write(to: URL(fileURLWithPath: path("demo/.train.split.partial-4244")))
        try Data("x".utf8).write(to: URL(fileURLWithPath: path("demo/.item_emb_64.txt.1234.tmp")))

        let summary = try prepare(seed: 2, pretrain: false)
        XCTAssertEqual(summary.outputFolder, path("demo"))
        let files = try FileManager.default.contentsOfDirectory(atPath: path("demo")).sorted()
        XCTAssertEqual(files, summary.files.sorted(), "no embeddings of the earlier run beside the new splits, no temporaries")
        XCTAssertEqual(try DatasetStats.read(path: path("demo/stats.json")).seed, 2)
        let siblings = try FileManager.default.contentsOfDirectory(atPath: root.path).filter { $0.hasPrefix(".demo.") }
        XCTAssertEqual(siblings, [".demo.lock"])
        XCTAssertTrue(files.allSatisfy(PrepareWorkflow.isPrepareOutput), "isPrepareOutput knows every file: \(files)")
    }

    func testPrepareRefusesToReplaceAFolderHoldingOtherFiles() throws {
        try FileManager.default.createDirectory(atPath: path("demo"), withIntermediateDirectories: true)
        try Data("user data".utf8).write(to: URL(fileURLWithPath: path("demo/ml-100k.inter")))
        XCTAssertThrowsError(try prepare()) { XCTAssertTrue("\($0)".contains("ml-100k.inter"), "\($0)") }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: path("demo")), ["ml-100k.inter"])
    }
}
