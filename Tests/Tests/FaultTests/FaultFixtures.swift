import Foundation
import TestSupport
import Trainer
import XCTest

/// Tiny data, the uninterrupted reference results and the comparisons every fault test uses.
///
/// The input is a synthetic 4-field TSV (user, item, categories, timestamp) written by the test,
/// so no dataset or Configs entry is needed; `prepare` runs with one thread (word2vec is then bit
/// reproducible) and `fit` trains a small GRU4Rec for a few epochs.
final class FaultFixtures {
    let root: URL
    let input: URL
    /// Console outputs of the processes (kept out of the compared folders).
    let logs: URL
    /// `prepare` of `input` with seed 5 and 6, run once without interruption.
    let preparedSeed5: URL
    let preparedSeed6: URL
    /// `fit` on `preparedSeed5`, run once without interruption.
    let referenceRun: URL
    /// Seconds the uninterrupted `prepare` and `fit` took (to spread the kills over).
    let prepareSeconds: Double
    let fitSeconds: Double

    /// Writes the input and runs the references in a new shared temporary folder (removed by
    /// `remove()`, or when the test process exits).
    init(name: String) throws {
        root = try makeSharedTemporaryDirectory(prefix: "fault-\(name)")
        logs = root.appendingPathComponent("logs")
        try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
        input = root.appendingPathComponent("interactions.tsv")
        try Self.syntheticInteractions(users: 500, items: 200, perUser: 20).write(to: input, atomically: false, encoding: .utf8)
        preparedSeed5 = root.appendingPathComponent("reference-data-5")
        preparedSeed6 = root.appendingPathComponent("reference-data-6")
        referenceRun = root.appendingPathComponent("reference-run")
        var start = Date()
        try TrainProcess.succeed(Self.prepareArguments(input: input, output: preparedSeed5, seed: 5), in: logs)
        prepareSeconds = Date().timeIntervalSince(start)
        try TrainProcess.succeed(Self.prepareArguments(input: input, output: preparedSeed6, seed: 6), in: logs)
        start = Date()
        try TrainProcess.succeed(Self.fitArguments(data: preparedSeed5, output: referenceRun, resume: false), in: logs)
        fitSeconds = Date().timeIntervalSince(start)
    }

    func remove() { try? FileManager.default.removeItem(at: root) }

    static func prepareArguments(input: URL, output: URL, seed: Int) -> [String] {
        ["prepare", "--input", input.path, "--format", "tsv", "--out", output.path, "--seed", "\(seed)", "--threads", "1"]
    }

    /// `train fit` with the reference run's settings on the seed-5 data into `output`.
    func fitArguments(output: URL, resume: Bool) -> [String] {
        Self.fitArguments(data: preparedSeed5, output: output, resume: resume)
    }

    /// A short GRU4Rec Base run (4 epochs, sequences of 10) on `data` into `output`.
    static func fitArguments(data: URL, output: URL, resume: Bool) -> [String] {
        ["fit", "--model", "GRU4Rec", "--mode", "base", "--data", data.path, "--output", output.path,
         "--quiet", "--configs", TrainTool.configs.path] + (resume ? ["--resume"] : [])
            + ["--epochs=4", "--MAX_SEQ_LEN=10", "--batch_size=256", "--show_progress=false"]
    }

    /// Reruns an interrupted `fit` the way `train reproduce` does (`--resume` when a finished
    /// epoch was saved) until it ends normally.
    func finishFit(_ output: URL) throws {
        try TrainProcess.succeed(fitArguments(output: output, resume: Trainer.FitWorkflow.isResumable(output)), in: logs)
    }

    /// A deterministic interaction log: each user walks through a category-biased item sequence.
    static func syntheticInteractions(users: Int, items: Int, perUser: Int) -> String {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        var lines = ["user_id\titem_id\tcate_id\ttimestamp"]
        for user in 1...users {
            var item = next(items) + 1
            for step in 0..<perUser {
                item = next(4) == 0 ? next(items) + 1 : (item + next(7)) % items + 1
                lines.append("\(user)\t\(item)\t[\(item % 8 + 1)]\t\(1_000_000 + 1000 * user + step)")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Every file of a folder (recursively, hidden ones included) with its bytes.
    static func contents(of folder: URL) throws -> [String: Data] {
        var result: [String: Data] = [:]
        let names = try FileManager.default.subpathsOfDirectory(atPath: folder.path)
        for name in names {
            var isFolder: ObjCBool = false
            let url = folder.appendingPathComponent(name)
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), !isFolder.boolValue {
                result[name] = try Data(contentsOf: url)
            }
        }
        return result
    }

    /// Asserts that a run folder holds the reference run's results: `results.tsv`, `metrics.jsonl`
    /// and the best weights, byte for byte.
    func assertSameResults(_ run: URL, _ context: String, file: StaticString = #filePath, line: UInt = #line) throws {
        for name in ["results.tsv", "metrics.jsonl", "best.safetensors", "last.safetensors", "last.optimizer.safetensors"] {
            let expected = try Data(contentsOf: referenceRun.appendingPathComponent(name))
            let actual = try? Data(contentsOf: run.appendingPathComponent(name))
            XCTAssertEqual(actual, expected, "\(name) differs from the uninterrupted run (\(context))", file: file, line: line)
        }
        let hidden = try FileManager.default.contentsOfDirectory(atPath: run.path).filter { $0.hasPrefix(".") }
        XCTAssertEqual(hidden, [".lock"], "temporaries of killed processes are removed (\(context))", file: file, line: line)
    }

    /// Asserts that each checkpoint the run folder shows is whole (weights, optimiser state and
    /// sidecar of one save, checksums matching).
    static func assertCheckpointsReadable(_ run: URL, _ context: String, file: StaticString = #filePath, line: UInt = #line) {
        let folder = RunFolder(url: run)
        for checkpoint in [folder.bestCheckpoint, folder.lastCheckpoint] {
            let visible = FileManager.default.fileExists(atPath: checkpoint.path)
                || FileManager.default.fileExists(atPath: run.appendingPathComponent(".\(checkpoint.deletingPathExtension().lastPathComponent).pending.json").path)
            guard visible else { continue }
            XCTAssertNoThrow(try Checkpoint.read(from: checkpoint), "\(checkpoint.lastPathComponent) unreadable (\(context))",
                             file: file, line: line)
        }
    }
}

/// Reproducible kill delays (a 64-bit LCG): the same seed kills at the same moments.
struct KillSchedule {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    /// A delay in [0, `maximum`) seconds.
    mutating func next(upTo maximum: Double) -> Double {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Double(state >> 11) / Double(1 << 53) * maximum
    }
}
