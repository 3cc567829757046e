import Autograd
import Foundation
import Tensor

/// Keeping the ranks' replicas of the model identical.
extension ProcessGroup {
    /// Gives every rank the root's weights and optimiser state, and returns the root's `extra`
    /// bytes (e.g. the progress of a resumed run). Called once before training, after the root has
    /// loaded whatever the run starts from, so that the other ranks need no file of their own
    /// (a resumed run may therefore use another number of ranks).
    func shareRootState(model: Module, optimizer: any Optimizer, extra: Data) throws -> Data {
        guard isDistributed else { return extra }
        var entries: [String: SafeTensorValue] = [:]
        if isRoot {
            for (name, tensor) in model.stateDict() { entries["model/" + name] = .float(tensor) }
            for (name, tensor) in optimizer.stateDict() { entries["optimizer/" + name] = .float(tensor) }
        }
        let encoded = isRoot ? SafeTensors.encode(entries, metadata: ["extra": extra.base64EncodedString()]) : Data()
        let shared = try broadcastFromRoot(encoded)
        let file = try SafeTensorsFile(bytes: shared, path: "(state broadcast by rank 0)")
        let rootExtra = Data(base64Encoded: file.metadata["extra"] ?? "") ?? Data()
        guard !isRoot else { return rootExtra }
        func tensors(_ prefix: String) throws -> [String: Tensor] {
            var result: [String: Tensor] = [:]
            for name in file.entries.keys where name.hasPrefix(prefix) {
                result[String(name.dropFirst(prefix.count))] = try file.tensor(name)
            }
            return result
        }
        try model.loadStateDict(try tensors("model/"))
        let optimizerState = try tensors("optimizer/")
        if !optimizerState.isEmpty { try optimizer.loadStateDict(optimizerState) }
        return rootExtra
    }

    /// Stops with `DistributedError.replicasDiverged` unless every rank holds bit-identical
    /// parameters: each rank hashes every parameter's bytes (`Checkpoint.fnv1a`) and the ranks
    /// compare the minimum and maximum of each hash.
    func checkReplicasAgree(_ parameters: [(String, Parameter)], epoch: Int) throws {
        guard isDistributed else { return }
        let hashes = parameters.map { $0.1.value.scalars.withUnsafeBytes { Checkpoint.fnv1a($0) } }
        let (minimum, maximum) = try range(of: hashes)
        if let index = hashes.indices.first(where: { minimum[$0] != maximum[$0] }) {
            throw DistributedError.replicasDiverged(epoch: epoch, parameter: parameters[index].0)
        }
    }
}
