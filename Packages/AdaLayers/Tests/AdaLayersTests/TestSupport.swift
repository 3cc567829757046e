import SeqModels
import SeqModelsTestSupport

/// The AdaLayers tests' defaults for SeqModels' `TinyRankers`: Ada-Ranker configurations and
/// batches without the repeated-item row.
enum TestSupport {
    static let itemCount = TinyRankers.itemCount
    static let userCount = TinyRankers.userCount

    /// A small Ada-Ranker configuration of `model`: D = 8 (4 for gradient checks), L = 6.
    static func config(_ model: ModelName, embeddingSize: Int = 8, maxSeqLen: Int = 6,
                       trainType: TrainType = .adaRanker) -> ModelConfig {
        TinyRankers.config(model, trainType: trainType, embeddingSize: embeddingSize, maxSeqLen: maxSeqLen)
    }

    /// `rows` left-padded histories of length `length` (row r has r % length + 1 real items) and
    /// `columns` random candidates, with SRGNN graphs.
    static func batch(rows: Int = 3, length: Int = 6, columns: Int = 5, seed: UInt64 = 3) -> RankingBatch {
        TinyRankers.batch(rows: rows, length: length, columns: columns, seed: seed, repeatInLastRow: false)
    }
}
