import DataPipeline
import Metrics
import SeqModels
import Tensor

/// Scores a split with a model in evaluation mode (no dropout, `z = mu`, no graph) and turns the
/// scores into the ranking metrics of Metrics README § Definitions — means over all rows of the split.
///
/// In a distributed run each process scores its contiguous share of the rows; the scores are then
/// gathered in row order on every process, which computes the metrics exactly as one process
/// would (same rows, same order, same sums).
struct Evaluator {
    public let model: any RankingModel
    public let batchSize: Int
    public let maxSeqLen: Int
    public let showProgress: Bool
    public let group: ProcessGroup

    public init(model: any RankingModel, batchSize: Int, maxSeqLen: Int, showProgress: Bool,
                group: ProcessGroup = .single) {
        self.model = model
        self.batchSize = batchSize
        self.maxSeqLen = maxSeqLen
        self.showProgress = showProgress
        self.group = group
    }

    /// The metrics of `split` (its rows in order), named `splitName` in errors.
    /// - Throws: `TrainerError.emptySplit` for a split without rows, `TrainerError.nonFiniteScores`
    ///   when the model scores any row with NaN or infinity (such metrics would mean nothing).
    public func metrics(of split: Split, name splitName: String, title: String) throws -> RankingMetrics {
        guard split.rowCount > 0 else { throw TrainerError.emptySplit(splitName) }
        // This process's share of the rows (all of them in a plain run), then every share in row order.
        var scores: [Float] = []
        forEachScoredBatch(split, rows: group.share(of: split.rowCount), title: title) { _, batchScores in
            scores += batchScores.scalars
        }
        var metrics = RankingMetrics()
        metrics.add(scores: try group.gather(scores), candidateCount: split.negativesPerRow + 1)
        guard metrics.invalidRowCount == 0 else {
            throw TrainerError.nonFiniteScores(split: splitName, rows: metrics.invalidRowCount, of: metrics.rowCount)
        }
        return metrics
    }

    /// Calls `body` with each batch of `rows` (default: all) and its scores `[B, C]` (column 0 = the
    /// positive), in row order.
    public func forEachScoredBatch(_ split: Split, rows: Range<Int>? = nil, title: String,
                                   _ body: (Batch, Tensor) throws -> Void) rethrows {
        let model = self.model
        let rows = rows ?? 0 ..< split.rowCount
        let bar = ProgressBar(title: title, total: rows.count, unit: "rows", enabled: showProgress ? nil : false)
        for start in stride(from: rows.lowerBound, to: rows.upperBound, by: batchSize) {
            let batch = BatchIterator.makeBatch(split: split, rows: Array(start ..< min(start + batchSize, rows.upperBound)),
                                                maxSeqLen: maxSeqLen)
            let scores = model.scores(RankingBatch(batch))
            try body(batch, scores)
            bar.advance(by: batch.size)
        }
        bar.finish()
    }
}
