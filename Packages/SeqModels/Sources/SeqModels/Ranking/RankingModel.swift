import Autograd
import Foundation
import Tensor

/// A model that scores candidate lists: the Base `Ranker` and the Ada-Ranker (package AdaLayers).
///
/// This is everything a training loop needs from a model: its hyper-parameters, its one random
/// stream, its training objective and its scores. Conformers implement `config`, `random` and
/// `scoreCandidates`, and `trainingLoss` when their objective is more than `loss`; inference
/// (`scores`) and state-dict files (`save(to:)`, `load(from:)`) come from the extension.
public protocol RankingModel: Module {
    /// The hyper-parameters the model was built from.
    var config: ModelConfig { get }
    /// The one random stream of the model's dropout layers (and the Ada-Ranker's latent samples);
    /// a training loop re-seeds `random.generator` to make each epoch's draws reproducible.
    var random: RandomSource { get }
    /// Click probabilities `[B, C]` (after the sigmoid) for the batch's candidates `[B, C]`,
    /// recorded for back-propagation when gradients are enabled. Dropout follows the module mode.
    func scoreCandidates(_ batch: RankingBatch) -> Variable
    /// The objective a training step minimises: `loss(_:)` by default; the Ada-Ranker adds
    /// `kl_weight` times the KL term of its latent distribution. A one-element `Variable`.
    func trainingLoss(_ batch: RankingBatch) -> Variable
    /// Names of the parameters that adapt the model to each candidate list (none for a plain
    /// ranker; the Ada-Ranker's extractor, FiLM and memory units), e.g. for their own learning rate.
    var adaptationParameterNames: Set<String> { get }
    /// The Base ranker inside the model that fine-tuning loads a Base checkpoint into: the
    /// Ada-Ranker's `base`; `nil` for a plain ranker, which is itself a Base model.
    var baseRanker: Ranker? { get }
}

extension RankingModel {
    /// The training objective of a plain ranker: `loss(_:)`.
    public func trainingLoss(_ batch: RankingBatch) -> Variable { loss(batch) }

    /// A plain ranker has no adaptation parameters.
    public var adaptationParameterNames: Set<String> { [] }

    /// A plain ranker holds no separate Base ranker.
    public var baseRanker: Ranker? { nil }

    /// Whether the model reads SRGNN's session graph (`RankingBatch.graph`). Such a model builds the
    /// graph from `itemSeq` itself when the batch carries none, so a caller only needs this to
    /// build graphs ahead of time (e.g. away from the training thread).
    public var needsSessionGraph: Bool { config.model.needsSessionGraph }

    /// Binary cross-entropy over the B × C scores with label 1 for column 0 (the positive) and 0
    /// for the other columns, averaged over all entries (SeqModels README § Scoring head and loss). A one-element `Variable`.
    public func loss(_ batch: RankingBatch) -> Variable {
        let probabilities = scoreCandidates(batch)
        return Variable.binaryCrossEntropy(probabilities, targets: rankingLabels(shape: probabilities.shape))
    }

    /// Click probabilities `[B, C]` for inference: evaluation mode (no dropout), no graph recorded.
    /// Works for any C ≥ 1 and any B ≥ 1 (one request: B = 1). The module's previous mode is restored.
    ///
    /// Batches of at most `singleThreadedScoringRows` rows run with one BLAS thread: their products
    /// are too small to gain from a second thread, which only adds hand-over latency.
    ///
    /// Batch-invariant: the matrix products run inside `withBatchInvariantProducts`, so a row's
    /// scores are bit-for-bit the same whether it is scored alone or with any other rows.
    ///
    /// Switches the shared module tree's mode (and, for small batches, the process-wide BLAS thread
    /// count) while it runs: do not call it concurrently with training.
    public func scores(_ batch: RankingBatch) -> Tensor {
        let wasTraining = isTraining
        if wasTraining { eval() }
        defer { if wasTraining { train() } }
        let threads = batch.count <= singleThreadedScoringRows ? 1 : Int.max
        return withBLASThreads(atMost: threads) {
            withBatchInvariantProducts { withoutGradients { scoreCandidates(batch).value } }
        }
    }

    /// Writes every parameter, under its reference name, to a safetensors file (atomically).
    public func save(to path: String, metadata: [String: String] = [:]) throws {
        try SafeTensors.write(stateDict().mapValues { .float($0) }, metadata: metadata, to: path)
    }

    /// Loads parameters from a safetensors file written by `save(to:)` or exported from the reference.
    ///
    /// Every name and shape is checked before any value is copied, so a failed load leaves the model
    /// unchanged.
    /// - Parameter strict: when `true`, the file must hold exactly this model's parameters.
    /// - Throws: `StateDictError` naming the first missing, unexpected or mis-shaped parameter (with
    ///   both shapes), prefixed by the file path via `StateDictFileError`; `SafeTensorsError` for an
    ///   unreadable file.
    public func load(from path: String, strict: Bool = true) throws {
        let file = try SafeTensorsFile(contentsOf: path)
        var values: [String: Tensor] = [:]
        for name in file.names {
            guard case .float(let tensor)? = file.entries[name] else {
                throw StateDictFileError(path: path, reason: "tensor '\(name)' holds integers, expected float parameters")
            }
            values[name] = tensor
        }
        try loadCheckedStateDict(values, strict: strict, source: path)
    }

    /// `loadStateDict` that validates every entry first (no partial loads).
    /// - Parameter source: names the origin (a file path) in errors.
    public func loadCheckedStateDict(_ values: [String: Tensor], strict: Bool = true, source: String = "state dict") throws {
        do {
            try checkStateDict(values, strict: strict)
        } catch let error as StateDictError {
            throw StateDictFileError(path: source, reason: error.description)
        }
        try loadStateDict(values, strict: strict)
    }
}

/// A state dict that does not fit the model; `path` is the file (or other source) it came from.
public struct StateDictFileError: Error, CustomStringConvertible {
    public let path: String
    public let reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "\(path): \(reason)" }
}

/// Largest batch that `RankingModel.scores` runs with a single BLAS thread (single requests and
/// other tiny batches).
public let singleThreadedScoringRows = 8

/// Ranking labels of shape `[B, C]` (rank 2): 1 in column 0, 0 elsewhere.
public func rankingLabels(shape: [Int]) -> Tensor {
    precondition(shape.count == 2, "ranking labels need a [B, C] shape, got \(shape)")
    let (rows, columns) = (shape[0], shape[1])
    var labels = [Float](repeating: 0, count: rows * columns)
    for row in 0..<rows { labels[row * columns] = 1 }
    return Tensor(shape: shape, scalars: labels)
}
