import SeqModels
import Tensor

/// Tiny model configurations and random batches for the tests of SeqModels and of the packages
/// built on it (AdaLayers): 15 items, 6 users.
public enum TinyRankers {
    public static let itemCount = 15
    public static let userCount = 6

    /// A small configuration of `model`: D = `embeddingSize`, L = `maxSeqLen`, inner size 16, one
    /// block, seed 11; GRU4Rec and NARM get hidden size 2D.
    public static func config(_ model: ModelName, trainType: TrainType = .base, embeddingSize: Int = 8,
                              maxSeqLen: Int = 6) -> ModelConfig {
        var config = ModelConfig(model: model, trainType: trainType, embeddingSize: embeddingSize, innerSize: 16,
                                 blockNum: 1, maxSeqLen: maxSeqLen, itemNum: itemCount, userNum: userCount, seed: 11)
        if model == .gru4Rec || model == .narm { config.hiddenSize = 2 * embeddingSize }
        return config
    }

    /// A batch of `rows` left-padded histories of length `length` — row r has r % length + 1 real
    /// items (items 1 ..< 15 drawn from `SeededGenerator(seed:)`); with `repeatInLastRow` the last row
    /// is full and its last item repeats the one two positions earlier — and `columns` random
    /// candidates per row, with SRGNN graphs.
    public static func batch(rows: Int = 3, length: Int = 6, columns: Int = 5, seed: UInt64 = 3,
                             repeatInLastRow: Bool = true) -> RankingBatch {
        var rng = SeededGenerator(seed: seed)
        var sequence = [Int](repeating: 0, count: rows * length)
        var lengths: [Int] = []
        for row in 0..<rows {
            let isRepeatRow = repeatInLastRow && row == rows - 1
            let real = isRepeatRow ? length : row % length + 1
            lengths.append(real)
            for t in (length - real)..<length { sequence[row * length + t] = 1 + rng.nextInt(below: itemCount - 1) }
            if isRepeatRow && length >= 3 { sequence[row * length + length - 1] = sequence[row * length + length - 3] }
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

    /// The batch with `itemSeq` replaced (graph rebuilt).
    public static func replacingSequence(_ batch: RankingBatch, with itemSeq: IndexTensor) -> RankingBatch {
        var copy = batch
        copy.itemSeq = itemSeq
        copy.graph = SessionGraph(itemSeq: itemSeq)
        return copy
    }
}
