import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A folder that appears complete or not at all: its files are written into a hidden sibling,
/// `.<name>.building-<pid>`, which is renamed to `<name>` when everything is written.
///
/// While it is built, the lock `.<name>.lock` beside it is held (`FolderLock`), so a second
/// writer stops at once. Replacing an existing folder takes two renames (the old folder to
/// `.<name>.replaced-<pid>`, the new one into place) and then deletes the old one; a process killed
/// in between leaves no `<name>` at all, never a mixture. The next `begin` deletes every leftover of
/// a killed build: sibling `.building-*` and `.replaced-*` folders, and hidden temporaries
/// (`.*.partial-*`, `.*.tmp`) that older versions wrote inside `<name>`.
final class StagingFolder {
    let target: URL
    let staging: URL
    private let lock: FolderLock
    private var finished = false

    /// Locks `target`, removes leftovers of killed builds and creates an empty staging folder.
    /// - Parameter isReplaceable: which file names in an existing `target` this build may replace;
    ///   any other file stops the build before it starts (it would be deleted with the old folder).
    init(target: URL, isReplaceable: (String) -> Bool) throws {
        self.target = target.standardizedFileURL
        let parent = self.target.deletingLastPathComponent()
        let name = self.target.lastPathComponent
        lock = try FolderLock.acquire(parent.appendingPathComponent(".\(name).lock"), for: self.target)
        staging = parent.appendingPathComponent(".\(name).building-\(getpid())")
        Self.removeLeftovers(name: name, parent: parent)
        try Self.checkReplaceable(self.target, isReplaceable: isReplaceable)
        do { try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true) } catch {
            throw AtomicFile.WriteError(path: staging.path, reason: error.localizedDescription)
        }
    }

    deinit {
        if !finished { try? FileManager.default.removeItem(at: staging) }
        lock.release()
    }

    /// Puts the staging folder in place of `target` (see the type's description).
    func commit() throws {
        let fm = FileManager.default
        let parent = target.deletingLastPathComponent()
        var replaced: URL?
        if fm.fileExists(atPath: target.path) {
            let old = parent.appendingPathComponent(".\(target.lastPathComponent).replaced-\(getpid())")
            try Self.move(target, to: old)
            replaced = old
        }
        try Self.move(staging, to: target)
        finished = true
        AtomicFile.syncFolder(parent)
        if let replaced { try? fm.removeItem(at: replaced) }
    }

    private static func move(_ source: URL, to destination: URL) throws {
        guard rename(source.path, destination.path) == 0 else {
            throw AtomicFile.WriteError(path: destination.path, reason: "cannot rename \(source.path) to it (\(String(cString: strerror(errno))))")
        }
    }

    private static func removeLeftovers(name: String, parent: URL) {
        let fm = FileManager.default
        for entry in (try? fm.contentsOfDirectory(atPath: parent.path)) ?? []
        where entry.hasPrefix(".\(name).building-") || entry.hasPrefix(".\(name).replaced-") {
            try? fm.removeItem(at: parent.appendingPathComponent(entry))
        }
        let inside = parent.appendingPathComponent(name)
        for entry in (try? fm.contentsOfDirectory(atPath: inside.path)) ?? [] where isTemporary(entry) {
            try? fm.removeItem(at: inside.appendingPathComponent(entry))
        }
    }

    /// A hidden temporary of an interrupted atomic write.
    private static func isTemporary(_ name: String) -> Bool {
        name.hasPrefix(".") && (name.contains(".partial-") || name.hasSuffix(".tmp"))
    }

    private static func checkReplaceable(_ target: URL, isReplaceable: (String) -> Bool) throws {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: target.path, isDirectory: &isFolder) else { return }
        guard isFolder.boolValue else {
            throw TrainerError.invalidSetting("\(target.path) exists and is not a folder; choose another output folder")
        }
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: target.path)) ?? []
        if let foreign = entries.sorted().first(where: { !isReplaceable($0) && !isTemporary($0) }) {
            throw TrainerError.invalidSetting("\(target.path) holds '\(foreign)', which prepare did not write; the folder is replaced as a whole, so prepare into another folder or move that file away")
        }
    }
}
