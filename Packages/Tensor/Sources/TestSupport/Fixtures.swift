import Foundation
import XCTest

/// Where the tests of every package find their inputs.
///
/// - Reference fixtures are part of the repository (`Tests/Fixtures`, see its README). They are
///   found from this file's own path, so a fresh clone needs no set-up; `ADARANKER_FIXTURES` (a
///   folder holding `parity/` and `metrics.json`) overrides that location. A missing fixture is
///   always an error, never a skip.
/// - MovieLens-100K may not be redistributed, so it is never in the repository: tests that need it
///   read `ADARANKER_ML100K` (a folder with `ml-100k.inter` and `ml-100k.item`), skip with a
///   one-line message when it is unset, and fail when it is unset under `CI=true`.
public enum TestFixtures {
    /// The folder holding `parity/` and `metrics.json`.
    public static func directory() throws -> URL {
        let environment = ProcessInfo.processInfo.environment
        if let path = environment["ADARANKER_FIXTURES"], !path.isEmpty {
            let url = URL(fileURLWithPath: path)
            guard FileManager.default.fileExists(atPath: url.appendingPathComponent("parity").path) else {
                throw MissingTestInput("ADARANKER_FIXTURES=\(path) has no parity/ folder")
            }
            return url
        }
        guard let url = repositoryFixtures else {
            throw MissingTestInput("Tests/Fixtures not found above \(#filePath); set ADARANKER_FIXTURES to a folder holding parity/")
        }
        return url
    }

    /// A file the project writes itself (not recorded from the reference), such as `tiny-demo.yaml`:
    /// always read from the repository's `Tests/Fixtures`, whatever `ADARANKER_FIXTURES` says.
    public static func repositoryFile(_ name: String) throws -> URL {
        guard let folder = repositoryFixtures else {
            throw MissingTestInput("Tests/Fixtures not found above \(#filePath)")
        }
        let url = folder.appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw MissingTestInput("fixture \(url.path) not found")
        }
        return url
    }

    /// `Tests/Fixtures` of the repository this file belongs to, found by walking up from its path.
    static let repositoryFixtures = repositoryFolder("Tests/Fixtures", holding: "parity")

    /// The folder of all parity fixtures (`<Model>-<Base|Ada-Ranker>/` each).
    public static func parityDirectory() throws -> URL {
        try directory().appendingPathComponent("parity")
    }

    /// One parity fixture folder, e.g. `parity("GRU4Rec-Base")`; throws when it has no `config.json`.
    public static func parity(_ name: String) throws -> URL {
        let folder = try parityDirectory().appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: folder.appendingPathComponent("config.json").path) else {
            throw MissingTestInput("parity fixture \(folder.path) not found")
        }
        return folder
    }

    /// A file directly inside the fixtures folder, e.g. `file("metrics.json")`.
    public static func file(_ name: String) throws -> URL {
        let url = try directory().appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw MissingTestInput("fixture \(url.path) not found")
        }
        return url
    }
}

/// MovieLens data for the tests that train on real data (never committed: its licence forbids it).
public enum TestDatasets {
    /// The ML-100K folder named by `ADARANKER_ML100K`. Skips the test when unset; under `CI=true`
    /// an unset or wrong folder fails it instead.
    public static func movieLens100K() throws -> URL {
        let environment = ProcessInfo.processInfo.environment
        guard let path = environment["ADARANKER_ML100K"], !path.isEmpty else {
            if environment["CI"] == "true" {
                throw MissingTestInput("ADARANKER_ML100K is not set under CI=true; it must name the folder with ml-100k.inter and ml-100k.item")
            }
            throw XCTSkip("set ADARANKER_ML100K to the folder with ml-100k.inter and ml-100k.item to run this test")
        }
        let url = URL(fileURLWithPath: path)
        guard FileManager.default.fileExists(atPath: url.appendingPathComponent("ml-100k.inter").path) else {
            throw MissingTestInput("ADARANKER_ML100K=\(path) has no ml-100k.inter")
        }
        return url
    }
}

/// The first folder `<ancestor>/<path>` holding `entry`, walking up from this file's folder: how
/// the tests find the repository's `Tests/Fixtures` and `Configs` without any set-up.
func repositoryFolder(_ path: String, holding entry: String) -> URL? {
    var folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    while folder.path != "/" {
        let candidate = folder.appendingPathComponent(path)
        if FileManager.default.fileExists(atPath: candidate.appendingPathComponent(entry).path) {
            return candidate
        }
        folder.deleteLastPathComponent()
    }
    return nil
}

/// A test input that should exist and does not; the message says where it was looked for.
struct MissingTestInput: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A fresh empty temporary folder `<prefix>-<UUID>`, removed when `testCase` ends.
public func makeTemporaryDirectory(_ testCase: XCTestCase, prefix: String = "adaranker-test") throws -> URL {
    let url = try newTemporaryDirectory(prefix: prefix)
    testCase.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
    return url
}

/// A fresh empty temporary folder `<prefix>-<UUID>` for fixtures that several tests share (made
/// once per test class or per test process), removed when the test process exits; a class may
/// remove it earlier, in its `class func tearDown()`.
public func makeSharedTemporaryDirectory(prefix: String) throws -> URL {
    let url = try newTemporaryDirectory(prefix: prefix)
    SharedTemporaryDirectories.removeAtExit(url)
    return url
}

private func newTemporaryDirectory(prefix: String) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// The shared temporary folders made by this process, removed by one `atexit` handler (XCTest ends
/// the process with `exit` after the last test).
private enum SharedTemporaryDirectories {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var folders: [URL] = []
    private static let exitHandler: Void = { atexit { SharedTemporaryDirectories.removeAll() } }()

    static func removeAtExit(_ url: URL) {
        _ = exitHandler
        lock.withLock { folders.append(url) }
    }

    private static func removeAll() {
        lock.withLock { for url in folders { try? FileManager.default.removeItem(at: url) } }
    }
}

extension TestFixtures {
    /// Copies parity fixture `name` into a new writable folder `parent/<newName>` and returns it, for
    /// tests that damage a fixture on purpose.
    public static func copyParity(_ name: String, into parent: URL, as newName: String? = nil) throws -> URL {
        let source = try parity(name)
        let copy = parent.appendingPathComponent(newName ?? name)
        let manager = FileManager.default
        try manager.createDirectory(at: copy, withIntermediateDirectories: true)
        for file in try manager.contentsOfDirectory(atPath: source.path) {
            try manager.copyItem(at: source.appendingPathComponent(file), to: copy.appendingPathComponent(file))
        }
        return copy
    }
}
