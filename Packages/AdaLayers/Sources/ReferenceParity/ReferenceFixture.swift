import Foundation
import SeqModels
import Tensor

/// One reference fixture folder (AdaLayers README § Reference fixtures), read: `config.json` as a
/// `ModelConfig`, the reference parameters of `model.safetensors`, the batch of `batch.safetensors`
/// and the expected tensors of `expected.safetensors` (`scores [B, C]`, `loss [1]`, `grad.<name>`).
public struct ReferenceFixture {
    /// The folder, e.g. `…/parity/GRU4Rec-Base`.
    public let directory: URL
    /// `config.json`, decoded (Base or Ada-Ranker per its `train_type`).
    public let config: ModelConfig
    /// The reference parameters by name.
    public var parameters: [String: Tensor]
    /// The batch (candidates = `[item_id, neg_items…]`; SRGNN fixtures carry the stored graph).
    public let batch: RankingBatch
    /// Expected tensors by name (`scores`, `loss`, `grad.<name>`).
    public var expected: [String: Tensor]

    /// Folder name, e.g. `GRU4Rec-Base`.
    public var name: String { directory.lastPathComponent }

    /// Path of one of the folder's files.
    public func path(_ file: String) -> String { directory.appendingPathComponent(file).path }

    /// Reads the four files of `directory`.
    /// - Throws: `ModelConfigError.unreadable` naming `config.json`, or `SafeTensorsError` naming
    ///   the offending safetensors file.
    public init(directory: URL) throws {
        self.directory = directory
        config = try ModelConfig(contentsOf: directory.appendingPathComponent("config.json"))
        func floats(_ file: String) throws -> [String: Tensor] {
            let contents = try SafeTensorsFile(contentsOf: directory.appendingPathComponent(file).path)
            var result: [String: Tensor] = [:]
            for name in contents.names { result[name] = try contents.tensor(name) }
            return result
        }
        parameters = try floats("model.safetensors")
        batch = try RankingBatch(safetensors: SafeTensorsFile(contentsOf: directory.appendingPathComponent("batch.safetensors").path))
        expected = try floats("expected.safetensors")
    }
}

/// Entries match when `|actual − expected| ≤ absolute` or `≤ relative · |expected|`; NaN never matches.
public struct ParityTolerance: Sendable, Equatable {
    public var absolute: Float
    public var relative: Float

    public init(absolute: Float = 1e-4, relative: Float = 1e-3) {
        self.absolute = absolute
        self.relative = relative
    }
}
