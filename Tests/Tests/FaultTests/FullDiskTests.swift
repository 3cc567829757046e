import Foundation
import TestSupport
import Trainer
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// A full disk while `fit` or `prepare` writes: the command stops with an error naming the file
/// (no crash), what is visible stays whole, and after space is freed the rerun gives exactly the
/// uninterrupted results. The disk is a small tmpfs the test mounts, so this needs root (and a
/// system that allows mounting); otherwise the tests are skipped with a message.
final class FullDiskTests: XCTestCase {
    private static let shared = Result { try FaultFixtures(name: "full-disk") }
    private var mountPoint: URL?

    override class func tearDown() {
        if case .success(let fixtures) = shared { fixtures.remove() }
        super.tearDown()
    }

    /// Mounts a tmpfs of `kilobytes` (or resizes the one mounted), skipping the test without root.
    /// When the test ends it is unmounted and its mount point removed.
    private func mountDisk(kilobytes: Int) throws -> URL {
        if let mountPoint {
            let resize = try TrainTool.run("/bin/mount", ["-o", "remount,size=\(kilobytes)k", mountPoint.path])
            guard resize.status == 0 else { throw TestFailure("cannot resize the tmpfs: \(resize.output)") }
            return mountPoint
        }
        guard geteuid() == 0 else { throw XCTSkip("full-disk tests need root to mount a small tmpfs; skipped") }
        let point = try makeTemporaryDirectory(self, prefix: "fault-disk")
        let mount = try TrainTool.run("/bin/mount", ["-t", "tmpfs", "-o", "size=\(kilobytes)k", "tmpfs", point.path])
        guard mount.status == 0 else {
            throw XCTSkip("cannot mount a tmpfs here (\(mount.output.trimmingCharacters(in: .whitespacesAndNewlines))); full-disk tests skipped")
        }
        // Teardown blocks run last-added first: this unmount precedes the mount point's removal.
        addTeardownBlock { _ = try? TrainTool.run("/bin/umount", [point.path]) }
        mountPoint = point
        return point
    }

    private static func empty(_ folder: URL) throws {
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
            try FileManager.default.removeItem(at: folder.appendingPathComponent(name))
        }
    }

    /// `fit` into disks of several sizes, from 8 kB to almost three checkpoints (a save needs room
    /// for the new files beside the committed best and last): each run fails at another point (the
    /// configuration, the first best checkpoint, the first last one, a later save), is checked,
    /// and then resumed on a larger disk.
    func testFitOnAFullDiskStopsCleanlyAndResumesToTheUninterruptedResults() throws {
        let fixtures = try Self.shared.get()
        let checkpoint = try ["best.safetensors", "best.optimizer.safetensors"].reduce(0) { total, name in
            total + (try Data(contentsOf: fixtures.referenceRun.appendingPathComponent(name))).count
        } / 1024
        var failures = 0
        for kilobytes in [8, checkpoint / 2, checkpoint * 6 / 5, checkpoint * 11 / 5, checkpoint * 29 / 10] {
            let disk = try mountDisk(kilobytes: kilobytes)
            let output = disk.appendingPathComponent("run")
            let run = try TrainProcess(fixtures.fitArguments(output: output, resume: false),
                                       outputFile: fixtures.logs.appendingPathComponent("full-fit-\(kilobytes).txt"))
            let status = try run.wait()
            if status != 0 {
                failures += 1
                XCTAssertTrue(run.output.contains("No space left") || run.output.contains("cannot write"),
                              "\(kilobytes) kB: \(run.output)")
                FaultFixtures.assertCheckpointsReadable(output, "disk of \(kilobytes) kB full")
                print("fault: fit on a full disk of \(kilobytes) kB: \(run.output.split(separator: "\n").last ?? "")")
            }
            _ = try mountDisk(kilobytes: 64 * 1024)
            if status != 0 { try fixtures.finishFit(output) }
            try fixtures.assertSameResults(output, "after a full disk of \(kilobytes) kB")
            try Self.empty(disk)
        }
        XCTAssertGreaterThanOrEqual(failures, 4, "the disks are smaller than the run needs")
    }

    /// `prepare` into disks too small for it: the folder does not appear (or an earlier complete
    /// one stays), nothing is left behind, and the rerun on a larger disk gives the same files.
    func testPrepareOnAFullDiskLeavesNoFolderAndRerunsIdentically() throws {
        let fixtures = try Self.shared.get()
        let expected = try FaultFixtures.contents(of: fixtures.preparedSeed5)
        let size = expected.values.reduce(0) { $0 + $1.count } / 1024
        for fraction in [0.1, 0.5, 0.9] {
            let disk = try mountDisk(kilobytes: max(8, Int(Double(size) * fraction)))
            let target = disk.appendingPathComponent("data")
            let arguments = FaultFixtures.prepareArguments(input: fixtures.input, output: target, seed: 5)
            let run = try TrainProcess(arguments, outputFile: fixtures.logs.appendingPathComponent("full-prepare-\(fraction).txt"))
            XCTAssertNotEqual(try run.wait(), 0, "a disk of \(fraction) × the output cannot hold it")
            XCTAssertTrue(run.output.contains("No space left") || run.output.contains("write"), run.output)
            XCTAssertFalse(FileManager.default.fileExists(atPath: target.path), "a half-written folder appeared (\(fraction))")
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: disk.path).filter { $0 != ".data.lock" }, [],
                           "leftovers on the full disk (\(fraction))")
            _ = try mountDisk(kilobytes: 64 * 1024)
            try TrainProcess.succeed(arguments, in: fixtures.logs)
            XCTAssertEqual(try FaultFixtures.contents(of: target), expected, "rerun after a full disk (\(fraction))")
            try Self.empty(disk)
        }
    }
}
