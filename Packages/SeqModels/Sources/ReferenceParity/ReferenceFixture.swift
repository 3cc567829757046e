import Foundation
import SeqModels
import Tensor

/// One reference fixture folder (SeqModels README § Reference fixtures), read: `config.json` as a
/// `ModelConfig`, the reference parameters of `model.safetensors`, the batch of `batch.safetensors`
/// and the expected tensors of `expected.safetensors` (`scores [B, C]`, `loss [1]`, `grad.<name>`).
struct ReferenceFixture {
    /// The folder, e.g. `…/parity/GRU4Rec-Base`.
    let directory: URL
    /// `config.json`, decoded (Base or Ada-Ranker per its `train_type`).
    let config: ModelConfig
    /// The reference parameters by name.
    var parameters: [String: Tensor]
    /// The batch (candidates = `[item_id, neg_items…]`; SRGNN fixtures carry the stored graph).
    let batch: RankingBatch
    /// Expected tensors by name (`scores`, `loss`, `grad.<name>`).
    var expected: [String: Tensor]

    /// Folder name, e.g. `GRU4Rec-Base`.
    var name: String { directory.lastPathComponent }

    /// Path of one of the folder's files.
    func path(_ file: String) -> String { directory.appendingPathComponent(file).path }

    /// Reads the four files of `directory`.
    /// - Throws: `ModelConfigError.unreadable` naming `config.json`, or `SafeTensorsError` naming
    ///   the offending safetensors file.
    init(directory: URL) throws {
        func file(_ name: String) -> String { directory.appendingPathComponent(name).path }
        func floats(_ name: String) throws -> [String: Tensor] {
            let contents = try SafeTensorsFile(contentsOf: file(name))
            var result: [String: Tensor] = [:]
            for tensorName in contents.names { result[tensorName] = try contents.tensor(tensorName) }
            return result
        }
        let config = try ModelConfig(contentsOf: directory.appendingPathComponent("config.json"))
        let parameters = try floats("model.safetensors")
        let batch = try RankingBatch(safetensors: SafeTensorsFile(contentsOf: file("batch.safetensors")))
        let expected = try floats("expected.safetensors")
        self.directory = directory
        self.config = config
        self.parameters = parameters
        self.batch = batch
        self.expected = expected
    }
}
