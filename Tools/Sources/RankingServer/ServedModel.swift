import Foundation
import Trainer

/// A loaded checkpoint as the server uses it: the forward pass, the id tables of its prepared data
/// and a description for `/health`.
public struct ServedModel: @unchecked Sendable {
    /// e.g. `GRU4Rec Ada-Ranker`.
    public var description: String
    /// `MAX_SEQ_LEN`: histories are cut to their last this-many items.
    public var maxSeqLen: Int
    public var tables: IdTables
    /// Scores rows of one candidate count in one pass; only ever called on the scorer's thread.
    public var forward: BatchingScorer.ForwardPass

    public init(description: String, maxSeqLen: Int, tables: IdTables, forward: @escaping BatchingScorer.ForwardPass) {
        self.description = description
        self.maxSeqLen = maxSeqLen
        self.tables = tables
        self.forward = forward
    }

    /// Loads the checkpoint exactly as `train evaluate` / `train infer` do (`CheckpointWorkflow.load`)
    /// and the id tables of its data folder.
    public static func load(_ request: CheckpointRequest) throws -> ServedModel {
        let loaded = try CheckpointWorkflow.load(request)
        let tables = try IdTables(folder: request.dataFolder, itemNum: loaded.data.itemNum, userNum: loaded.data.userNum)
        return ServedModel(description: loaded.description, maxSeqLen: loaded.maxSeqLen, tables: tables,
                           forward: { rows in loaded.scores(rows) })
    }
}

/// Whether the model is loaded: `/health` and the ranking endpoints read it on every request.
final class ServingState: @unchecked Sendable {
    enum Phase {
        case loading
        case ready(scorer: BatchingScorer, validation: RequestValidation, model: ServedModel)
        case draining
    }

    private let lock = NSLock()
    private var phase = Phase.loading

    var current: Phase { lock.withLock { phase } }

    func set(_ next: Phase) { lock.withLock { phase = next } }

    /// The scorer and validation, or a 503 saying why there are none yet or any more.
    func ready() throws -> (scorer: BatchingScorer, validation: RequestValidation) {
        switch current {
        case .ready(let scorer, let validation, _): return (scorer, validation)
        case .loading: throw APIError(.serviceUnavailable, "the model is still loading; GET /health says when it is ready")
        case .draining: throw APIError(.serviceUnavailable, "the server is shutting down")
        }
    }
}
