import Foundation
import SeqModels
import Tensor

/// The JSON sidecar of a checkpoint (`<name>.json` beside `<name>.safetensors`).
struct CheckpointInfo: Codable, Sendable {
    public static let currentFormat = "adaranker-swift-checkpoint-1"

    public var format: String = CheckpointInfo.currentFormat
    /// `model` and `train_type` of the weights.
    public var model: String
    public var trainType: String
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
    public init(model: String, trainType: String, epoch: Int, validMetric: String, bestScore: Double?, bestEpoch: Int?,
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
    public static func sidecarURL(for weights: URL) -> URL {
        weights.deletingPathExtension().appendingPathExtension("json")
    }

    /// `<name>.optimizer.safetensors` for `<name>.safetensors`.
    public static func optimizerURL(for weights: URL) -> URL {
        weights.deletingPathExtension().appendingPathExtension("optimizer").appendingPathExtension("safetensors")
    }

    /// Writes the files atomically, weights and optimiser state first and the sidecar last, so a
    /// sidecar always describes complete files (checked through its checksums when read).
    public func write(to url: URL) throws {
        let weightBytes = SafeTensors.encode(weights.mapValues { .float($0) })
        try AtomicFile.write(weightBytes, to: url)
        var info = info
        info?.weightsChecksum = Self.checksum(weightBytes)
        let optimizerFile = Self.optimizerURL(for: url)
        if let optimizerState {
            let bytes = SafeTensors.encode(optimizerState.mapValues { .float($0) })
            try AtomicFile.write(bytes, to: optimizerFile)
            info?.optimizerChecksum = Self.checksum(bytes)
        } else {
            info?.optimizerChecksum = nil
            try? FileManager.default.removeItem(at: optimizerFile)
        }
        let sidecar = Self.sidecarURL(for: url)
        guard let info else {
            try? FileManager.default.removeItem(at: sidecar)
            return
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try AtomicFile.write(try encoder.encode(info), to: sidecar)
    }

    /// Reads a checkpoint; the sidecar and optimiser state are optional.
    /// - Throws: `TrainerError.checkpointUnreadable` for a missing, truncated or corrupt file, or
    ///   files that do not match their sidecar's checksums.
    public static func read(from url: URL) throws -> Checkpoint {
        let path = url.path
        guard FileManager.default.fileExists(atPath: path) else {
            throw TrainerError.checkpointUnreadable(path: path, reason: "no such file")
        }
        let weightBytes: Data
        do { weightBytes = try Data(contentsOf: url) } catch {
            throw TrainerError.checkpointUnreadable(path: path, reason: error.localizedDescription)
        }
        var info: CheckpointInfo?
        let sidecar = sidecarURL(for: url)
        if FileManager.default.fileExists(atPath: sidecar.path) {
            do {
                info = try JSONDecoder().decode(CheckpointInfo.self, from: Data(contentsOf: sidecar))
            } catch {
                throw TrainerError.checkpointUnreadable(path: sidecar.path, reason: "not a checkpoint sidecar (\(error))")
            }
            if info!.weightsChecksum != checksum(weightBytes) {
                throw TrainerError.checkpointUnreadable(path: path, reason: "its contents do not match the checksum in \(sidecar.lastPathComponent) (damaged or from an interrupted save)")
            }
        }
        let weights = try floatTensors(weightBytes, path: path)
        var optimizerState: [String: Tensor]?
        if let expected = info?.optimizerChecksum {
            let optimizerFile = optimizerURL(for: url)
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
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        let prime: UInt64 = 0x0000_0100_0000_01B3
        data.withUnsafeBytes { raw in
            let words = raw.count / 8
            for i in 0..<words {
                hash = (hash ^ UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self))) &* prime
            }
            for i in (8 * words)..<raw.count { hash = (hash ^ UInt64(raw[i])) &* prime }
        }
        return String(hash, radix: 16).leftPadded(to: 16)
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
