import Foundation
import Tensor
import TestSupport
import XCTest
@testable import Trainer

/// The commit protocol of `CheckpointFiles`: a save stopped at any step leaves exactly one
/// complete checkpoint visible (the previous one before the commit point, the new one after it).
final class CheckpointCommitTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws { folder = try makeTemporaryDirectory(self, prefix: "trainer-commit") }

    /// A checkpoint of `epoch` whose every tensor holds `epoch`, so any mixture is visible.
    private func checkpoint(epoch: Int) -> Checkpoint {
        let info = CheckpointInfo(model: .gru4Rec, trainType: .base, epoch: epoch, validMetric: "group_auc",
                                  bestScore: 0.5, bestEpoch: epoch,
                                  progress: FitProgress(completedEpochs: epoch, stopping: EarlyStopping(patience: 10)),
                                  config: [:], data: nil, created: "test")
        let value = Float(epoch)
        return Checkpoint(weights: ["w": Tensor(shape: [3], scalars: [value, value, value])],
                          optimizerState: ["w.exp_avg": Tensor(shape: [3], scalars: [value, -value, value])], info: info)
    }

    /// Reads the checkpoint with its optimiser state and checks all three parts come from one save.
    private func assertWhole(_ url: URL, epoch: Int, _ step: String, line: UInt = #line) throws {
        let read = try Checkpoint.read(from: url)
        XCTAssertEqual(read.info?.epoch, epoch, step, line: line)
        XCTAssertEqual(read.weights, checkpoint(epoch: epoch).weights, step, line: line)
        XCTAssertEqual(read.optimizerState, checkpoint(epoch: epoch).optimizerState, step, line: line)
    }

    /// Stops a save of epoch 2 over epoch 1 after each of its steps (as a kill would) and checks
    /// what a reader sees, then that the next writer's recovery leaves the committed names whole.
    func testASaveStoppedAtAnyStepLeavesOneWholeCheckpoint() throws {
        let url = folder.appendingPathComponent("best.safetensors")
        let files = CheckpointFiles(weights: url)
        let new = checkpoint(epoch: 2)
        let sidecar = try JSONEncoder().encode(withChecksums(new))
        let weights = SafeTensors.encode(new.weights.mapValues { .float($0) })
        let optimizer = SafeTensors.encode(new.optimizerState!.mapValues { .float($0) })
        let steps: [(name: String, epoch: Int, run: () throws -> Void)] = [
            ("staged, not committed", 1, { try files.stage(weights: weights, optimizer: optimizer) }),
            ("committed", 2, { try files.commit(sidecar: sidecar) }),
            ("weights moved", 2, { XCTAssertEqual(rename(files.pendingWeights.path, files.weights.path), 0) }),
            ("optimiser moved", 2, { XCTAssertEqual(rename(files.pendingOptimizer.path, files.optimizer.path), 0) }),
            ("sidecar moved", 2, { XCTAssertEqual(rename(files.pendingSidecar.path, files.sidecar.path), 0) }),
        ]
        for stop in steps.indices {
            try? FileManager.default.removeItem(at: folder)
            try checkpoint(epoch: 1).write(to: url)
            for step in steps[...stop] { try step.run() }
            try assertWhole(url, epoch: steps[stop].epoch, "reader after: \(steps[stop].name)")
            try files.recover()
            try assertWhole(url, epoch: steps[stop].epoch, "after recovery from: \(steps[stop].name)")
            let hidden = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix(".") }
            XCTAssertEqual(hidden, [], "recovery leaves no pending file (\(steps[stop].name))")
        }
    }

    /// The sidecar `Checkpoint.write` would write for `checkpoint`.
    private func withChecksums(_ checkpoint: Checkpoint) -> CheckpointInfo {
        var info = checkpoint.info!
        info.weightsChecksum = Checkpoint.checksum(SafeTensors.encode(checkpoint.weights.mapValues { .float($0) }))
        info.optimizerChecksum = Checkpoint.checksum(SafeTensors.encode(checkpoint.optimizerState!.mapValues { .float($0) }))
        return info
    }

    func testAWriteOverAnInterruptedSaveFinishesOrDiscardsItFirst() throws {
        let url = folder.appendingPathComponent("last.safetensors")
        let files = CheckpointFiles(weights: url)
        try checkpoint(epoch: 1).write(to: url)
        // Uncommitted junk of a killed save (half-written weights) …
        try Data("half".utf8).write(to: files.pendingWeights)
        try checkpoint(epoch: 3).write(to: url)
        try assertWhole(url, epoch: 3, "write over uncommitted leftovers")
        XCTAssertFalse(FileManager.default.fileExists(atPath: files.pendingWeights.path))
    }

    func testEvaluationReadsTheWeightsWithoutTheOptimiserFile() throws {
        let url = folder.appendingPathComponent("best.safetensors")
        try checkpoint(epoch: 4).write(to: url)
        try FileManager.default.removeItem(at: Checkpoint.optimizerURL(for: url))
        let weightsOnly = try Checkpoint.read(from: url, withOptimizer: false)
        XCTAssertEqual(weightsOnly.weights, checkpoint(epoch: 4).weights)
        XCTAssertNil(weightsOnly.optimizerState)
        XCTAssertThrowsError(try Checkpoint.read(from: url)) { XCTAssertTrue("\($0)".contains("optimiser state"), "\($0)") }
    }

    func testADurableWriteReportsAFullDisk() throws {
        guard FileManager.default.fileExists(atPath: "/dev/full") else { throw XCTSkip("no /dev/full on this system") }
        XCTAssertThrowsError(try AtomicFile.writeDurably(Data(count: 1 << 16), to: URL(fileURLWithPath: "/dev/full"),
                                                         reportedAs: folder.appendingPathComponent("x"))) { error in
            XCTAssertTrue("\(error)".contains("space"), "\(error)")
        }
    }
}
