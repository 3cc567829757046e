import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// The built `train` executable, run as a separate process so that it can be killed with SIGKILL.
///
/// Found through `ADARANKER_TRAIN` (a path to the executable; `make test` sets it), else built once
/// with `swift build -c release [--traits MPI] --package-path <repo>/Tools --product train` (an
/// up-to-date build returns at once; `make parity` uses the same build folder and flags).
enum TrainTool {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../..").standardizedFileURL
    static let configs = repository.appendingPathComponent("Configs")

    /// The path of the executable, building it if needed (once per test process).
    static func executable() throws -> String {
        try lock.withLock {
            if let path = cachedPath { return path }
            let path = try locate()
            cachedPath = path
            return path
        }
    }

    private static let lock = NSLock()
    nonisolated(unsafe) private static var cachedPath: String?

    private static func locate() throws -> String {
        if let path = ProcessInfo.processInfo.environment["ADARANKER_TRAIN"], !path.isEmpty {
            guard FileManager.default.isExecutableFile(atPath: path) else {
                throw TestFailure("ADARANKER_TRAIN=\(path) is not an executable")
            }
            return path
        }
        let tools = repository.appendingPathComponent("Tools").path
        let flags = ["build", "-c", "release"] + mpiTrait + ["--package-path", tools]
        let build = try run("/usr/bin/env", ["swift"] + flags + ["--product", "train"])
        guard build.status == 0 else { throw TestFailure("building train failed:\n\(build.output.suffix(3000))") }
        let bin = try run("/usr/bin/env", ["swift"] + flags + ["--show-bin-path"])
        let path = bin.output.trimmingCharacters(in: .whitespacesAndNewlines)
            .split(separator: "\n").last.map(String.init).map { $0 + "/train" } ?? ""
        guard FileManager.default.isExecutableFile(atPath: path) else { throw TestFailure("no train executable at '\(path)'") }
        return path
    }

    /// `--traits MPI` when Open MPI's headers are installed, as the Makefile builds (so that the
    /// distributed-training tests get a `train` that speaks MPI).
    private static var mpiTrait: [String] {
        let folders = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/include")) ?? []
        let hasMPI = folders.contains { FileManager.default.fileExists(atPath: "/usr/include/\($0)/openmpi/mpi.h") }
        return hasMPI ? ["--traits", "MPI"] : []
    }

    /// Runs a program to its end; output is stdout and stderr together.
    static func run(_ program: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

/// One `train` process whose console output goes to a file.
final class TrainProcess {
    let process = Process()
    let outputFile: URL

    /// Starts `train <arguments>` (or `launcher <arguments>`, e.g. `mpirun`, whose arguments then
    /// name `train`) with one BLAS thread and `environment` added; its stdout and stderr go to
    /// `outputFile`.
    init(_ arguments: [String], outputFile: URL, launcher: String? = nil, environment extra: [String: String] = [:]) throws {
        self.outputFile = outputFile
        FileManager.default.createFile(atPath: outputFile.path, contents: nil)
        let handle = try FileHandle(forWritingTo: outputFile)
        process.executableURL = URL(fileURLWithPath: try launcher ?? TrainTool.executable())
        process.arguments = arguments
        process.standardOutput = handle
        process.standardError = handle
        var environment = ProcessInfo.processInfo.environment
        environment["OPENBLAS_NUM_THREADS"] = "1"
        environment.merge(extra) { $1 }
        process.environment = environment
        try process.run()
        try handle.close()
    }

    var pid: Int32 { process.processIdentifier }

    /// SIGKILL, then waits; true if the process was still running (and so was killed).
    func kill() -> Bool {
        _ = Glibc.kill(pid, SIGKILL)
        process.waitUntilExit()
        return process.terminationReason == .uncaughtSignal
    }

    /// Waits for the end; returns the exit status (a signal is a test failure).
    func wait() throws -> Int32 {
        process.waitUntilExit()
        guard process.terminationReason == .exit else {
            throw TestFailure("train \(process.arguments ?? []) died of signal \(process.terminationStatus):\n\(output)")
        }
        return process.terminationStatus
    }

    var output: String { (try? String(contentsOf: outputFile, encoding: .utf8)) ?? "" }

    /// Runs `train <arguments>` to its end and requires exit status 0.
    @discardableResult
    static func succeed(_ arguments: [String], in folder: URL) throws -> String {
        let run = try TrainProcess(arguments, outputFile: folder.appendingPathComponent("console-\(UUID().uuidString).txt"))
        let status = try run.wait()
        guard status == 0 else { throw TestFailure("train \(arguments.joined(separator: " ")) exited with \(status):\n\(run.output)") }
        return run.output
    }
}

/// A failed precondition of a fault test, with its explanation.
struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
