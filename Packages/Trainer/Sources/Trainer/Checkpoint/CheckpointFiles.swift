import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The files of one checkpoint `<name>` in a folder and the protocol that replaces them as one
/// unit (Trainer README § Run folder, "Checkpoints and their commit point").
///
/// Committed files: `<name>.safetensors` (weights), `<name>.optimizer.safetensors` (optimiser
/// state, optional) and `<name>.json` (the sidecar with the checksums of the other two).
/// A new checkpoint is first staged under hidden names — `.<name>.pending.safetensors`,
/// `.<name>.pending.optimizer.safetensors` — and becomes the checkpoint at one instant, the
/// **commit point**: the atomic rename that creates its sidecar `.<name>.pending.json`. The pending
/// files are then renamed over the committed names, the sidecar last. A reader that finds a
/// pending sidecar takes it (and each pending file that still exists) as the checkpoint, so at
/// every moment exactly one complete checkpoint is visible: the previous one before the commit
/// point, the new one after it. Uncommitted pending files (no pending sidecar) are leftovers of an
/// interrupted save and are deleted by the next writer.
struct CheckpointFiles {
    let weights: URL
    let optimizer: URL
    let sidecar: URL
    let pendingWeights: URL
    let pendingOptimizer: URL
    let pendingSidecar: URL

    /// The files of the checkpoint whose weights are `weights` (`<folder>/<name>.safetensors`).
    init(weights: URL) {
        let folder = weights.deletingLastPathComponent()
        let name = weights.deletingPathExtension().lastPathComponent
        self.weights = weights
        optimizer = folder.appendingPathComponent("\(name).optimizer.safetensors")
        sidecar = folder.appendingPathComponent("\(name).json")
        pendingWeights = folder.appendingPathComponent(".\(name).pending.safetensors")
        pendingOptimizer = folder.appendingPathComponent(".\(name).pending.optimizer.safetensors")
        pendingSidecar = folder.appendingPathComponent(".\(name).pending.json")
    }

    /// Where a reader finds the checkpoint's files right now: the pending set when its sidecar
    /// exists (committed, not yet moved into place), else the committed names.
    struct Visible {
        let weights: URL
        let optimizer: URL
        /// nil: a bare safetensors file without sidecar.
        let sidecar: URL?
    }

    var visible: Visible {
        let fm = FileManager.default
        if fm.fileExists(atPath: pendingSidecar.path) {
            return Visible(weights: fm.fileExists(atPath: pendingWeights.path) ? pendingWeights : weights,
                           optimizer: fm.fileExists(atPath: pendingOptimizer.path) ? pendingOptimizer : optimizer,
                           sidecar: pendingSidecar)
        }
        return Visible(weights: weights, optimizer: optimizer,
                       sidecar: fm.fileExists(atPath: sidecar.path) ? sidecar : nil)
    }

    /// Whether a checkpoint (committed or pending-committed) exists.
    var exists: Bool {
        let fm = FileManager.default
        return fm.fileExists(atPath: pendingSidecar.path) || fm.fileExists(atPath: weights.path)
    }

    /// Stage 1: the new weights and optimiser state under their pending names (flushed to disk).
    /// Finishes or discards an earlier interrupted save first, so the visible checkpoint is whole.
    func stage(weights weightBytes: Data, optimizer optimizerBytes: Data?) throws {
        try recover()
        do {
            try FileManager.default.createDirectory(at: weights.deletingLastPathComponent(), withIntermediateDirectories: true)
            try AtomicFile.writeDurably(weightBytes, to: pendingWeights, reportedAs: weights)
            if let optimizerBytes { try AtomicFile.writeDurably(optimizerBytes, to: pendingOptimizer, reportedAs: optimizer) }
        } catch {
            discardUncommitted()
            throw error as? AtomicFile.WriteError ?? AtomicFile.WriteError(path: weights.path, reason: error.localizedDescription)
        }
    }

    /// Stage 2, the commit point: the sidecar appears under its pending name in one rename.
    func commit(sidecar bytes: Data) throws {
        do { try AtomicFile.write(bytes, to: pendingSidecar) } catch {
            discardUncommitted()
            throw AtomicFile.WriteError(path: sidecar.path, reason: (error as? AtomicFile.WriteError)?.reason ?? error.localizedDescription)
        }
    }

    /// Stage 3: the committed pending files replace the previous checkpoint (renames only, which
    /// need no disk space); the sidecar moves last. Does nothing without a pending sidecar.
    func moveIntoPlace() throws {
        let fm = FileManager.default
        guard fm.fileExists(atPath: pendingSidecar.path) else { return }
        try Self.move(pendingWeights, to: weights, ifPresent: true)
        if fm.fileExists(atPath: pendingOptimizer.path) {
            try Self.move(pendingOptimizer, to: optimizer, ifPresent: true)
        } else if !Self.sidecarNamesOptimizer(pendingSidecar) {
            try? fm.removeItem(at: optimizer)
        }
        try Self.move(pendingSidecar, to: sidecar, ifPresent: false)
        AtomicFile.syncFolder(weights.deletingLastPathComponent())
    }

    /// Brings the files to a clean state after an interrupted save: a committed save is finished
    /// (`moveIntoPlace`), an uncommitted one is deleted.
    func recover() throws {
        if FileManager.default.fileExists(atPath: pendingSidecar.path) {
            try moveIntoPlace()
        } else {
            discardUncommitted()
        }
    }

    /// Deletes the staged files of a save that did not reach its commit point.
    func discardUncommitted() {
        guard !FileManager.default.fileExists(atPath: pendingSidecar.path) else { return }
        try? FileManager.default.removeItem(at: pendingWeights)
        try? FileManager.default.removeItem(at: pendingOptimizer)
    }

    private static func move(_ source: URL, to destination: URL, ifPresent: Bool) throws {
        if ifPresent && !FileManager.default.fileExists(atPath: source.path) { return }
        guard rename(source.path, destination.path) == 0 else {
            throw AtomicFile.WriteError(path: destination.path, reason: "cannot move \(source.lastPathComponent) into place (\(String(cString: strerror(errno))))")
        }
    }

    /// Whether the sidecar at `url` records an optimiser checksum (unreadable: assume it does,
    /// so that nothing is deleted on a guess).
    private static func sidecarNamesOptimizer(_ url: URL) -> Bool {
        guard let data = try? Data(contentsOf: url),
              let info = try? JSONDecoder().decode(CheckpointInfo.self, from: data) else { return true }
        return info.optimizerChecksum != nil
    }
}
