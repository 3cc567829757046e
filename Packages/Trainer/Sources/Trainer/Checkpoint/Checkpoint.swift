import DataPipeline
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SeqModels
import Tensor

/// The JSON sidecar of a checkpoint (`<name>.json` beside `<name>.safetensors`).
struct CheckpointInfo: Codable, Sendable {
    public static let currentFormat = "adaranker-swift-checkpoint-1"

    public var format: String = CheckpointInfo.currentFormat
    /// `model` and `train_type` of the weights, under their reference names in the JSON
    /// (`"GRU4Rec"`, `"Ada-Ranker"`); an unknown name makes the sidecar unreadable.
    public var model: ModelName
    public var trainType: TrainType
    /// The epoch after which the weights were taken (0 = before training).
    public var epoch: Int
    public var validMetric: String
    /// The best valid score of the run when the checkpoint was written, and its epoch.
    public var bestScore: Double?
    public var bestEpoch: Int?
    /// For the resumable state: the loop's progress.
    public var progress: FitProgress?
    /// The merged configuration of the run.
    public var config: [String: ConfigValue]
    public var data: DataFingerprint?
    /// FNV-1a-64 checksums (hex) of the weight and optimiser files, so a checkpoint whose files do
    /// not belong together (an interrupted save) or were damaged is detected.
    public var weightsChecksum: String
    public var optimizerChecksum: String?
    public var created: String

    /// A sidecar; the checksums are filled in by `Checkpoint.write(to:)`.
    public init(model: ModelName, trainType: TrainType, epoch: Int, validMetric: String, bestScore: Double?, bestEpoch: Int?,
                progress: FitProgress?, config: [String: ConfigValue], data: DataFingerprint?,
                weightsChecksum: String = "", optimizerChecksum: String? = nil, created: String) {
        self.model = model
        self.trainType = trainType
        self.epoch = epoch
        self.validMetric = validMetric
        self.bestScore = bestScore
        self.bestEpoch = bestEpoch
        self.progress = progress
        self.config = config
        self.data = data
        self.weightsChecksum = weightsChecksum
        self.optimizerChecksum = optimizerChecksum
        self.created = created
    }

    enum CodingKeys: String, CodingKey {
        case format, model, epoch, progress, config, data, created
        case trainType = "train_type", validMetric = "valid_metric", bestScore = "best_score", bestEpoch = "best_epoch"
        case weightsChecksum = "weights_checksum", optimizerChecksum = "optimizer_checksum"
    }
}

/// A checkpoint: model weights under the reference's parameter names (safetensors), optionally the
/// optimiser state (`<name>.optimizer.safetensors`) and the sidecar (`<name>.json`).
///
/// A bare safetensors file without sidecar — e.g. a reference PyTorch state dict exported with
/// `safetensors.torch.save_file(model.state_dict(), path)` — loads too, with `info == nil`.
public struct Checkpoint {
    public var weights: [String: Tensor]
    public var optimizerState: [String: Tensor]?
    var info: CheckpointInfo?

    init(weights: [String: Tensor], optimizerState: [String: Tensor]? = nil, info: CheckpointInfo? = nil) {
        self.weights = weights
        self.optimizerState = optimizerState
        self.info = info
    }

    /// `<name>.json` for `<name>.safetensors`.
    public static func sidecarURL(for weights: URL) -> URL { CheckpointFiles(weights: weights).sidecar }

    /// `<name>.optimizer.safetensors` for `<name>.safetensors`.
    public static func optimizerURL(for weights: URL) -> URL { CheckpointFiles(weights: weights).optimizer }

    /// Writes the checkpoint as one unit (`CheckpointFiles`): weights and optimiser state are
    /// staged under pending names, the sidecar naming their checksums is the commit point, and the
    /// files then replace the previous checkpoint. Until the commit point the previous checkpoint
    /// stays complete and readable; a failed write (e.g. a full disk) leaves it untouched.
    /// A checkpoint without `info` is a bare weights file, written atomically on its own.
    public func write(to url: URL) throws {
        let files = CheckpointFiles(weights: url)
        let weightBytes = SafeTensors.encode(weights.mapValues { .float($0) })
        guard var info else {
            try files.recover()
            try AtomicFile.write(weightBytes, to: url)
            try? FileManager.default.removeItem(at: files.optimizer)
            try? FileManager.default.removeItem(at: files.sidecar)
            return
        }
        let optimizerBytes = optimizerState.map { SafeTensors.encode($0.mapValues { .float($0) }) }
        info.weightsChecksum = Self.checksum(weightBytes)
        info.optimizerChecksum = optimizerBytes.map(Self.checksum)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let sidecarBytes = try encoder.encode(info)
        try files.stage(weights: weightBytes, optimizer: optimizerBytes)
        try files.commit(sidecar: sidecarBytes)
        try files.moveIntoPlace()
    }

    /// Reads a checkpoint; the sidecar and optimiser state are optional. A save in progress (or
    /// interrupted after its commit point) is read from its pending files (`CheckpointFiles`).
    /// - Parameter withOptimizer: whether to read (and check) the optimiser state; evaluation and
    ///   fine-tuning need only the weights.
    /// - Throws: `TrainerError.checkpointUnreadable` for a missing, truncated or corrupt file, or
    ///   files that do not match their sidecar's checksums.
    public static func read(from url: URL, withOptimizer: Bool = true) throws -> Checkpoint {
        let files = CheckpointFiles(weights: url)
        var attempt = 0
        while true {
            do {
                return try read(files.visible, displayPath: url.path, withOptimizer: withOptimizer)
            } catch {
                // A writer may have moved files between our looks (a save in progress): look again
                // shortly; damaged files fail the same way every time.
                attempt += 1
                guard attempt < 3 else { throw error }
                usleep(20_000)
            }
        }
    }

    private static func read(_ visible: CheckpointFiles.Visible, displayPath path: String,
                             withOptimizer: Bool) throws -> Checkpoint {
        guard FileManager.default.fileExists(atPath: visible.weights.path) else {
            throw TrainerError.checkpointUnreadable(path: path, reason: "no such file")
        }
        let weightBytes: Data
        do { weightBytes = try Data(contentsOf: visible.weights) } catch {
            throw TrainerError.checkpointUnreadable(path: path, reason: error.localizedDescription)
        }
        var info: CheckpointInfo?
        if let sidecar = visible.sidecar {
            do {
                info = try JSONDecoder().decode(CheckpointInfo.self, from: Data(contentsOf: sidecar))
            } catch DecodingError.dataCorrupted(let context) where !context.codingPath.isEmpty {
                // A field with an unusable value (an unknown model name, …): name the field and the value.
                throw TrainerError.checkpointUnreadable(path: sidecar.path,
                                                        reason: JSONFieldProblem(.dataCorrupted(context)).description)
            } catch {
                throw TrainerError.checkpointUnreadable(path: sidecar.path, reason: "not a checkpoint sidecar (\(error))")
            }
            if info!.weightsChecksum != checksum(weightBytes) {
                throw TrainerError.checkpointUnreadable(path: path, reason: "its contents do not match the checksum in \(sidecar.lastPathComponent) (damaged or from an interrupted save)")
            }
        }
        let weights = try floatTensors(weightBytes, path: path)
        var optimizerState: [String: Tensor]?
        if withOptimizer, let expected = info?.optimizerChecksum, let sidecar = visible.sidecar {
            let optimizerFile = visible.optimizer
            guard let bytes = try? Data(contentsOf: optimizerFile) else {
                throw TrainerError.checkpointUnreadable(path: optimizerFile.path, reason: "the optimiser state named in \(sidecar.lastPathComponent) is missing")
            }
            guard checksum(bytes) == expected else {
                throw TrainerError.checkpointUnreadable(path: optimizerFile.path, reason: "its contents do not match the checksum in \(sidecar.lastPathComponent)")
            }
            optimizerState = try floatTensors(bytes, path: optimizerFile.path)
        }
        return Checkpoint(weights: weights, optimizerState: optimizerState, info: info)
    }

    private static func floatTensors(_ bytes: Data, path: String) throws -> [String: Tensor] {
        let file: SafeTensorsFile
        do { file = try SafeTensorsFile(bytes: bytes, path: path) } catch {
            throw TrainerError.checkpointUnreadable(path: path, reason: "\(error)")
        }
        var tensors: [String: Tensor] = [:]
        for (name, value) in file.entries {
            guard case .float(let tensor) = value else {
                throw TrainerError.checkpointUnreadable(path: path, reason: "tensor '\(name)' holds integers; parameters are floats")
            }
            tensors[name] = tensor
        }
        return tensors
    }

    /// FNV-1a (64-bit) over the data taken as little-endian 8-byte words plus the trailing bytes,
    /// as 16 hex digits. A fast integrity check, not a cryptographic hash.
    static func checksum(_ data: Data) -> String {
        String(data.withUnsafeBytes { fnv1a($0) }, radix: 16).leftPadded(to: 16)
    }

    /// The FNV-1a hash of `checksum(_:)` as a number (also used to compare the replicas of a
    /// distributed run).
    static func fnv1a(_ raw: UnsafeRawBufferPointer) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        let prime: UInt64 = 0x0000_0100_0000_01B3
        let words = raw.count / 8
        for i in 0..<words {
            hash = (hash ^ UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self))) &* prime
        }
        for i in (8 * words)..<raw.count { hash = (hash ^ UInt64(raw[i])) &* prime }
        return hash
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
