import DataPipeline
import Metrics
import SeqModels
import Tensor

/// Scores a split with a model in evaluation mode (no dropout, `z = mu`, no graph) and turns the
/// scores into the ranking metrics of Metrics README § Definitions — means over all rows of the split.
struct Evaluator {
    public let model: any RankingModel
    public let batchSize: Int
    public let maxSeqLen: Int
    public let showProgress: Bool

    public init(model: any RankingModel, batchSize: Int, maxSeqLen: Int, showProgress: Bool) {
        self.model = model
        self.batchSize = batchSize
        self.maxSeqLen = maxSeqLen
        self.showProgress = showProgress
    }

    /// The metrics of `split` (its rows in order), named `splitName` in errors.
    /// - Throws: `TrainerError.emptySplit` for a split without rows, `TrainerError.nonFiniteScores`
    ///   when the model scores any row with NaN or infinity (such metrics would mean nothing).
    public func metrics(of split: Split, name splitName: String, title: String) throws -> RankingMetrics {
        guard split.rowCount > 0 else { throw TrainerError.emptySplit(splitName) }
        var metrics = RankingMetrics()
        forEachScoredBatch(split, title: title) { _, scores in
            scores.scalars.withUnsafeBufferPointer { metrics.add(scores: $0, candidateCount: scores.shape[1]) }
        }
        guard metrics.invalidRowCount == 0 else {
            throw TrainerError.nonFiniteScores(split: splitName, rows: metrics.invalidRowCount, of: metrics.rowCount)
        }
        return metrics
    }

    /// Calls `body` with each batch and its scores `[B, C]` (column 0 = the positive), in row order.
    public func forEachScoredBatch(_ split: Split, title: String, _ body: (Batch, Tensor) throws -> Void) rethrows {
        let model = self.model
        let batches = BatchIterator(split: split, batchSize: batchSize, maxSeqLen: maxSeqLen,
                                    order: .sequential)
        let bar = ProgressBar(title: title, total: split.rowCount, unit: "rows", enabled: showProgress ? nil : false)
        for batch in batches {
            let scores = model.scores(RankingBatch(batch))
            try body(batch, scores)
            bar.advance(by: batch.size)
        }
        bar.finish()
    }
}
