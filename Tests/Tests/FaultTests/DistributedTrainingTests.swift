import Foundation
import TestSupport
import Trainer
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// `mpirun -np N train fit` (Trainer README § Training on several machines) on the built-in demo
/// data: N = 2 and N = 4 processes train the same model as one process, evaluate exactly as one
/// process, and a killed rank ends the whole job, whose last checkpoint then resumes.
///
/// Needs Open MPI's `mpirun` (Debian's openmpi-bin, installed by `make deps`); without it the
/// tests skip with a message, and fail under CI=true.
final class DistributedTrainingTests: XCTestCase {
    /// The demo data prepared once for all tests of this class.
    nonisolated(unsafe) private static var prepared: URL?
    /// The folder holding the demo data and every run of this class (made on first use).
    private static let madeRoot = Result { try makeSharedTemporaryDirectory(prefix: "distributed") }
    private static var root: URL {
        get throws { try madeRoot.get() }
    }

    override class func tearDown() {
        if case .success(let root) = madeRoot { try? FileManager.default.removeItem(at: root) }
        super.tearDown()
    }

    /// Equal parameters up to float reassociation: the largest difference measured after one
    /// epoch of 123 steps was 4.8e-7 (2 and 4 processes alike).
    static let parameterTolerance: Float = 1e-5

    func testTwoAndFourProcessesTrainTheSameGRU4RecAsOneProcess() throws {
        let mpirun = try Self.mpirun()
        let data = try Self.demoData()
        let settings = ["--epochs=1", "--dropout_prob=0", "--batch_size=256", "--seed=7"]
        let single = try Self.fit(model: "GRU4Rec", mode: "base", data: data, processes: 1, mpirun: mpirun,
                                  name: "gru-1", settings: settings)
        for processes in [2, 4] {
            let run = try Self.fit(model: "GRU4Rec", mode: "base", data: data, processes: processes, mpirun: mpirun,
                                   name: "gru-\(processes)", settings: settings)
            let difference = try Self.largestWeightDifference(single.appendingPathComponent("last.safetensors"),
                                                              run.appendingPathComponent("last.safetensors"))
            XCTAssertLessThanOrEqual(difference, Self.parameterTolerance, "\(processes) processes")
            // Before training the weights are bit-identical, so sharded evaluation must give
            // exactly the single-process metrics.
            XCTAssertEqual(try Self.metricsLine(run, epoch: 0), try Self.metricsLine(single, epoch: 0), "\(processes) processes")
            let log = try String(contentsOf: run.appendingPathComponent("train.log"), encoding: .utf8)
            XCTAssertTrue(log.contains("distributed run: \(processes) processes"), log)
        }
    }

    func testAdaRankerTrainsOnTwoProcessesWithIdenticalReplicasAndExactEvaluation() throws {
        let mpirun = try Self.mpirun()
        let data = try Self.demoData()
        // The Ada-Ranker's latent samples come from each process's own stream, so a distributed
        // run equals one process in distribution, not bit for bit; the replicas still agree
        // (checked after every epoch) and the evaluation before training is exact.
        let settings = ["--epochs=1", "--dropout_prob=0", "--batch_size=256", "--seed=7", "--MAX_SEQ_LEN=10"]
        let single = try Self.fit(model: "SASRec", mode: "ada", data: data, processes: 1, mpirun: mpirun,
                                  name: "sas-1", settings: settings)
        let run = try Self.fit(model: "SASRec", mode: "ada", data: data, processes: 2, mpirun: mpirun,
                               name: "sas-2", settings: settings)
        XCTAssertEqual(try Self.metricsLine(run, epoch: 0), try Self.metricsLine(single, epoch: 0))
        XCTAssertNotNil(try Self.metricsLine(run, epoch: 1))
    }

    func testAKilledRankEndsTheJobAndTheRunResumesWithAnotherProcessCount() throws {
        let mpirun = try Self.mpirun()
        let data = try Self.demoData()
        let output = try Self.root.appendingPathComponent("killed")
        let console = try Self.root.appendingPathComponent("killed-console.txt")
        let arguments = ["-np", "2"] + Self.mpirunOptions + [try TrainTool.executable()]
            + Self.fitArguments(model: "GRU4Rec", mode: "base", data: data, output: output,
                                settings: ["--epochs=30", "--batch_size=256", "--stopping_step=30"])
        let job = try Self.mpirunJob(mpirun, arguments, output: console)
        let metrics = output.appendingPathComponent("metrics.jsonl")
        try Self.waitUntil(seconds: 300, "the first finished epoch") {
            ((try? String(contentsOf: metrics, encoding: .utf8)) ?? "").contains("\"epoch\":1,")
        }
        let victim = try XCTUnwrap(Self.rankProcess(1, under: job.pid), "no rank-1 process found")
        let killedAt = Date()
        _ = Glibc.kill(victim, SIGKILL)
        let status = try job.wait()
        let text = job.output
        XCTAssertLessThan(Date().timeIntervalSince(killedAt), 60, "the job must end soon after a rank dies")
        XCTAssertNotEqual(status, 0, text)
        XCTAssertTrue(text.contains("rank 1"), "the message should name the lost rank:\n\(text)")
        // The last complete checkpoint continues on one process (only the slicing changes).
        try TrainProcess.succeed(Self.fitArguments(model: "GRU4Rec", mode: "base", data: data, output: output,
                                                   settings: ["--epochs=2", "--batch_size=256", "--stopping_step=30"])
                                     + ["--resume"], in: Self.root)
        let lines = try String(contentsOf: metrics, encoding: .utf8).split(separator: "\n")
        XCTAssertTrue(lines.last?.contains("\"split\":\"test\"") ?? false, lines.joined(separator: "\n"))
    }

    // MARK: - Helpers

    /// Over TCP (the transport between machines), more processes than cores allowed.
    static let mpirunOptions = ["--oversubscribe", "--bind-to", "none", "--mca", "btl", "tcp,self"]

    /// The path of `mpirun`, or a skip (a failure under CI=true, where `make deps` installs it).
    static func mpirun() throws -> String {
        for folder in ["/usr/bin", "/usr/local/bin"] {
            let path = folder + "/mpirun"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        let message = "mpirun not found: install Open MPI (apt-get install openmpi-bin libopenmpi-dev, or make deps) to run the distributed-training tests"
        if ProcessInfo.processInfo.environment["CI"] == "true" { throw TestFailure(message) }
        throw XCTSkip(message)
    }

    /// `train prepare --synthetic demo`, once.
    static func demoData() throws -> URL {
        if let prepared { return prepared }
        let folder = try root.appendingPathComponent("demo-data")
        try TrainProcess.succeed(["prepare", "--synthetic", "demo", "--out", folder.path, "--threads", "1",
                                  "--configs", TrainTool.configs.path], in: root)
        prepared = folder
        return folder
    }

    static func fitArguments(model: String, mode: String, data: URL, output: URL, settings: [String]) -> [String] {
        ["fit", "--model", model, "--mode", mode, "--data", data.path, "--output", output.path, "--quiet",
         "--configs", TrainTool.configs.path, "--show_progress=false"] + settings
    }

    /// Trains into a new run folder with `processes` processes (1: without mpirun).
    static func fit(model: String, mode: String, data: URL, processes: Int, mpirun: String, name: String,
                    settings: [String]) throws -> URL {
        let output = try root.appendingPathComponent(name)
        let arguments = fitArguments(model: model, mode: mode, data: data, output: output, settings: settings)
        if processes == 1 {
            try TrainProcess.succeed(arguments, in: root)
        } else {
            let job = try mpirunJob(mpirun, ["-np", "\(processes)"] + mpirunOptions + [try TrainTool.executable()] + arguments,
                                    output: root.appendingPathComponent("\(name)-console.txt"))
            let status = try job.wait()
            guard status == 0 else { throw TestFailure("mpirun -np \(processes) train fit exited with \(status):\n\(job.output)") }
        }
        return output
    }

    /// Starts `mpirun` with `arguments`, console to `output`, allowed to run MPI as root.
    static func mpirunJob(_ mpirun: String, _ arguments: [String], output: URL) throws -> TrainProcess {
        try TrainProcess(arguments, outputFile: output, launcher: mpirun,
                         environment: ["OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1"])
    }

    /// The valid-split line of `epoch` in a run's metrics.jsonl without its train_loss field.
    static func metricsLine(_ run: URL, epoch: Int) throws -> String? {
        let text = try String(contentsOf: run.appendingPathComponent("metrics.jsonl"), encoding: .utf8)
        guard let line = text.split(separator: "\n").first(where: { $0.contains("\"epoch\":\(epoch),\"split\":\"valid\"") })
        else { return nil }
        return line.replacingOccurrences(of: #","train_loss":[^,}]*"#, with: "", options: .regularExpression)
    }

    /// The largest absolute difference between two checkpoints' weights (same tensor names).
    static func largestWeightDifference(_ a: URL, _ b: URL) throws -> Float {
        let first = try Checkpoint.read(from: a, withOptimizer: false).weights
        let second = try Checkpoint.read(from: b, withOptimizer: false).weights
        XCTAssertEqual(Set(first.keys), Set(second.keys))
        var largest: Float = 0
        for (name, tensor) in first {
            guard let other = second[name] else { continue }
            largest = max(largest, tensor.maxAbsDifference(other))
        }
        return largest
    }

    /// The PID of the `train` process of MPI rank `rank` among the children of `launcher`.
    static func rankProcess(_ rank: Int, under launcher: Int32) -> Int32? {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return nil }
        for entry in entries {
            guard let pid = Int32(entry), pid != launcher,
                  let environ = FileManager.default.contents(atPath: "/proc/\(pid)/environ") else { continue }
            let variables = environ.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
            guard status.contains("\nPPid:\t\(launcher)\n"), variables.contains("OMPI_COMM_WORLD_RANK=\(rank)"),
                  let command = try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8),
                  command.hasPrefix("train") else { continue }
            return pid
        }
        return nil
    }

    static func waitUntil(seconds: Double, _ what: String, _ condition: () -> Bool) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while !condition() {
            guard Date() < deadline else { throw TestFailure("timed out after \(Int(seconds)) s waiting for \(what)") }
            usleep(200_000)
        }
    }
}
