import AdaLayers
import SeqModels
import SeqModelsTestSupport
import Tensor
import XCTest

/// Inference is batch-invariant: `RankingModel.scores` gives a row bit-for-bit the same scores alone
/// as inside batches of any size, for all seven encoders, Base and Ada-Ranker.
///
/// D = 64 because OpenBLAS's sgemm rows change with the number of rows only from inner sizes of
/// about 64 on (so with plain OpenBLAS products this test fails for every variant).
final class BatchInvarianceTests: XCTestCase {
    /// Rows `picked` of `batch` as a batch of their own (SRGNN rebuilds its graphs).
    private static func rows(_ picked: [Int], of batch: RankingBatch) -> RankingBatch {
        let length = batch.itemSeq.shape[1], width = batch.candidates.shape[1]
        func gather(_ tensor: IndexTensor, _ size: Int) -> [Int] {
            picked.flatMap { tensor.indices[$0 * size ..< ($0 + 1) * size] }
        }
        return RankingBatch(userIds: IndexTensor(gather(batch.userIds, 1)),
                            itemSeq: IndexTensor(shape: [picked.count, length], indices: gather(batch.itemSeq, length)),
                            itemSeqLen: IndexTensor(gather(batch.itemSeqLen, 1)),
                            candidates: IndexTensor(shape: [picked.count, width], indices: gather(batch.candidates, width)))
    }

    func testEveryVariantScoresARowAloneAndInBatchesBitForBit() throws {
        let total = 11, width = 5
        let batch = Self.rows(Array(0..<total), of: TinyRankers.batch(rows: total, length: 6, columns: width))
        for trainType in TrainType.allCases {
            for name in ModelName.allCases {
                let model = try makeRankingModel(config: TinyRankers.config(name, trainType: trainType, embeddingSize: 64))
                let alone = (0..<total).map { model.scores(Self.rows([$0], of: batch)).scalars }
                for size in [2, 3, 5, 9, total] {
                    for start in stride(from: 0, to: total, by: size) {
                        let picked = Array(start ..< min(start + size, total))
                        let scores = model.scores(Self.rows(picked, of: batch)).scalars
                        for (position, row) in picked.enumerated() {
                            XCTAssertEqual(Array(scores[position * width ..< (position + 1) * width]), alone[row],
                                           "\(name.rawValue) \(trainType.rawValue): row \(row) in a batch of \(picked.count)")
                        }
                    }
                }
            }
        }
    }
}
