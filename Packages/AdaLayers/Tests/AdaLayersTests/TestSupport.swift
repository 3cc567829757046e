import AdaLayers
import Autograd
import SeqModels
import Tensor
import XCTest

/// Tiny models and batches for the AdaLayers tests.
enum TestSupport {
    static let itemCount = 15
    static let userCount = 6

    /// A small Ada-Ranker configuration of `model`: D = 8 (4 for gradient checks), L = 6.
    static func config(_ model: ModelName, embeddingSize: Int = 8, maxSeqLen: Int = 6,
                       trainType: TrainType = .adaRanker) -> ModelConfig {
        var config = ModelConfig(model: model, trainType: trainType, embeddingSize: embeddingSize, innerSize: 16,
                                 blockNum: 1, maxSeqLen: maxSeqLen, itemNum: itemCount, userNum: userCount, seed: 11)
        if model == .gru4Rec || model == .narm { config.hiddenSize = 2 * embeddingSize }
        return config
    }

    /// `rows` left-padded histories of length `length` (row r has r % length + 1 real items) and
    /// `columns` random candidates, with SRGNN graphs.
    static func batch(rows: Int = 3, length: Int = 6, columns: Int = 5, seed: UInt64 = 3) -> RankingBatch {
        var rng = SeededGenerator(seed: seed)
        var sequence = [Int](repeating: 0, count: rows * length)
        var lengths: [Int] = []
        for row in 0..<rows {
            let real = row % length + 1
            lengths.append(real)
            for t in (length - real)..<length { sequence[row * length + t] = 1 + rng.nextInt(below: itemCount - 1) }
        }
        let itemSeq = IndexTensor(shape: [rows, length], indices: sequence)
        return RankingBatch(
            userIds: IndexTensor((0..<rows).map { _ in rng.nextInt(below: userCount) }),
            itemSeq: itemSeq,
            itemSeqLen: IndexTensor(lengths),
            candidates: IndexTensor(shape: [rows, columns],
                                    indices: (0..<(rows * columns)).map { _ in 1 + rng.nextInt(below: itemCount - 1) }),
            graph: SessionGraph(itemSeq: itemSeq))
    }
}
