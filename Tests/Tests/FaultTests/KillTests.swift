import Foundation
import Trainer
import XCTest

/// `kill -9` at random moments of `train fit` and `train prepare`: after every kill the visible
/// files are whole (checkpoints readable; the prepared folder absent, or complete as before or
/// after), and the rerun gives exactly the uninterrupted results.
final class KillTests: XCTestCase {
    /// Made on first use, shared by the tests of the class.
    private static let shared = Result { try FaultFixtures(name: "kill") }

    override class func tearDown() {
        if case .success(let fixtures) = shared { fixtures.remove() }
        super.tearDown()
    }

    private func setUpFixtures() throws -> FaultFixtures { try Self.shared.get() }

    /// At least 20 kills spread over whole runs: each attempt resumes (or restarts) the run and is
    /// killed after a random delay; a run that finishes is compared with the reference and the
    /// next sequence starts in a new folder.
    func testFitKilledAtRandomMomentsResumesToTheUninterruptedResults() throws {
        let fixtures = try setUpFixtures()
        var schedule = KillSchedule(seed: 20_261_130)
        var kills = 0, finishedRuns = 0, sequence = 0
        var output = fixtures.root.appendingPathComponent("killed-fit-0")
        while kills < 22 {
            let resume = FitWorkflow.isResumable(output)
            let run = try TrainProcess(fixtures.fitArguments(output: output, resume: resume),
                                       outputFile: fixtures.logs.appendingPathComponent("fit-\(kills)-\(finishedRuns).txt"))
            let delay = schedule.next(upTo: 0.9 * fixtures.fitSeconds)
            Thread.sleep(forTimeInterval: delay)
            if run.kill() {
                kills += 1
                FaultFixtures.assertCheckpointsReadable(output, "after kill \(kills) at \(String(format: "%.3f", delay)) s")
                continue
            }
            XCTAssertEqual(run.process.terminationStatus, 0, run.output)
            try fixtures.assertSameResults(output, "sequence \(sequence) after \(kills) kills")
            finishedRuns += 1
            sequence += 1
            output = fixtures.root.appendingPathComponent("killed-fit-\(sequence)")
        }
        try fixtures.finishFit(output)
        try fixtures.assertSameResults(output, "last sequence after \(kills) kills in total")
        print("fault: fit survived \(kills) kills (\(finishedRuns + 1) runs completed identically)")
    }

    /// At least 20 kills of `prepare`, half of them while it replaces a complete folder prepared
    /// with another seed: after every kill the folder is absent or exactly one of the two complete
    /// results; the rerun gives the uninterrupted result and removes every leftover.
    func testPrepareKilledAtRandomMomentsLeavesACompleteFolderOrNone() throws {
        let fixtures = try setUpFixtures()
        let seed5 = try FaultFixtures.contents(of: fixtures.preparedSeed5)
        let seed6 = try FaultFixtures.contents(of: fixtures.preparedSeed6)
        var schedule = KillSchedule(seed: 15)
        var kills = 0
        let parent = fixtures.root.appendingPathComponent("prepare-kills")
        let target = parent.appendingPathComponent("data")
        for attempt in 0..<80 where kills < 22 {
            let overOldFolder = attempt % 2 == 1
            try? FileManager.default.removeItem(at: parent)
            try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
            if overOldFolder { try FileManager.default.copyItem(at: fixtures.preparedSeed6, to: target) }
            let run = try TrainProcess(FaultFixtures.prepareArguments(input: fixtures.input, output: target, seed: 5),
                                       outputFile: fixtures.logs.appendingPathComponent("prepare-\(attempt).txt"))
            let delay = schedule.next(upTo: 0.8 * fixtures.prepareSeconds)
            Thread.sleep(forTimeInterval: delay)
            guard run.kill() else { continue }
            kills += 1
            let context = "kill \(kills) at \(String(format: "%.3f", delay)) s, \(overOldFolder ? "replacing" : "new")"
            if FileManager.default.fileExists(atPath: target.path) {
                let now = try FaultFixtures.contents(of: target)
                XCTAssertTrue(now == seed5 || (overOldFolder && now == seed6),
                              "the folder is neither complete result (\(context)): \(now.keys.sorted())")
            }
            try TrainProcess.succeed(FaultFixtures.prepareArguments(input: fixtures.input, output: target, seed: 5), in: fixtures.logs)
            XCTAssertEqual(try FaultFixtures.contents(of: target), seed5, "rerun after \(context)")
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: parent.path).filter { $0 != "data" && $0 != ".data.lock" }
            XCTAssertEqual(leftovers, [], "leftovers after the rerun (\(context))")
        }
        XCTAssertGreaterThanOrEqual(kills, 20, "prepare finished before most kills: make the input larger")
        print("fault: prepare survived \(kills) kills")
    }
}
