import Foundation
import Trainer
import XCTest

/// Two processes writing one folder: the second stops at once with a message naming the first's
/// PID, and the first ends with exactly the results of a run that was alone.
final class ConcurrentWriterTests: XCTestCase {
    private static let shared = Result { try FaultFixtures(name: "concurrent") }

    override class func tearDown() {
        if case .success(let fixtures) = shared { fixtures.remove() }
        super.tearDown()
    }

    /// Waits until `lockFile` records `pid` (the holder took the lock).
    private func waitForLock(_ lockFile: URL, heldBy pid: Int32, timeout: Double = 20) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let text = try? String(contentsOf: lockFile, encoding: .utf8),
               text.trimmingCharacters(in: .whitespacesAndNewlines) == "\(pid)" { return }
            Thread.sleep(forTimeInterval: 0.005)
        }
        throw TestFailure("process \(pid) did not take the lock \(lockFile.path) within \(timeout) s")
    }

    /// Starts the second writer while the first holds the lock and checks it is refused at once.
    private func assertSecondWriterRefused(_ arguments: [String], holder: TrainProcess, name: String,
                                           file: StaticString = #filePath, line: UInt = #line) throws {
        let fixtures = try Self.shared.get()
        let started = Date()
        let second = try TrainProcess(arguments, outputFile: fixtures.logs.appendingPathComponent("\(name)-second.txt"))
        let status = try second.wait()
        let seconds = Date().timeIntervalSince(started)
        XCTAssertNotEqual(status, 0, second.output, file: file, line: line)
        XCTAssertTrue(second.output.contains("process \(holder.pid)"), "the message names the holder: \(second.output)",
                      file: file, line: line)
        XCTAssertLessThan(seconds, 10, "the second writer should stop at once", file: file, line: line)
        print("fault: second \(name) refused after \(String(format: "%.2f", seconds)) s: \(second.output.trimmingCharacters(in: .whitespacesAndNewlines))")
    }

    func testASecondFitOnTheSameFolderStopsAndTheFirstEndsAsIfAlone() throws {
        let fixtures = try Self.shared.get()
        let output = fixtures.root.appendingPathComponent("two-fits")
        let first = try TrainProcess(fixtures.fitArguments(output: output, resume: false),
                                     outputFile: fixtures.logs.appendingPathComponent("fit-first.txt"))
        try waitForLock(RunFolder(url: output).lockFile, heldBy: first.pid)
        for resume in [false, true] {
            try assertSecondWriterRefused(fixtures.fitArguments(output: output, resume: resume), holder: first,
                                          name: "fit\(resume ? " --resume" : "")")
        }
        XCTAssertEqual(try first.wait(), 0, first.output)
        try fixtures.assertSameResults(output, "the first of two concurrent fits")
    }

    /// On a larger input than the other tests', so that the first `prepare` still runs when the
    /// second starts.
    func testASecondPrepareOfTheSameFolderStopsAndTheFirstEndsAsIfAlone() throws {
        let fixtures = try Self.shared.get()
        let input = fixtures.root.appendingPathComponent("larger.tsv")
        try FaultFixtures.syntheticInteractions(users: 6000, items: 400, perUser: 24).write(to: input, atomically: false, encoding: .utf8)
        let alone = fixtures.root.appendingPathComponent("prepared-alone")
        try TrainProcess.succeed(FaultFixtures.prepareArguments(input: input, output: alone, seed: 5), in: fixtures.logs)

        let parent = fixtures.root.appendingPathComponent("two-prepares")
        let target = parent.appendingPathComponent("data")
        let arguments = FaultFixtures.prepareArguments(input: input, output: target, seed: 5)
        let first = try TrainProcess(arguments, outputFile: fixtures.logs.appendingPathComponent("prepare-first.txt"))
        try waitForLock(parent.appendingPathComponent(".data.lock"), heldBy: first.pid)
        try assertSecondWriterRefused(arguments, holder: first, name: "prepare")
        XCTAssertEqual(try first.wait(), 0, first.output)
        XCTAssertEqual(try FaultFixtures.contents(of: target), try FaultFixtures.contents(of: alone))
    }
}
