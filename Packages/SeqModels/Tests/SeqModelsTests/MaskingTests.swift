import Autograd
@testable import SeqModels
import SeqModelsTestSupport
import Tensor
import XCTest

final class MaskingTests: XCTestCase {
    /// Changing the item at position j never changes any output at positions < j. For SASRec this
    /// holds at real-item positions; a padding position has no visible key at all, so (as in the
    /// reference) its additive mask is uniform and its meaningless output mixes every position.
    func testSASRecAndNextItNetAreCausal() throws {
        for model in [ModelName.sasRec, .nextItNet] {
            let ranker = try Ranker(config: TinyRankers.config(model))
            ranker.eval()
            let batch = TinyRankers.batch(rows: 3, length: 6)
            func states(_ b: RankingBatch) -> Tensor {
                withoutGradients {
                    if let sasRec = ranker.encoder as? SASRecEncoder {
                        return sasRec.allPositionStates(b, embedItems: ranker.embedItems).value
                    }
                    return (ranker.encoder as! NextItNetEncoder).allPositionStates(b, embedItems: ranker.embedItems).value
                }
            }
            let reference = states(batch)
            let width = reference.shape[2]
            for j in 1..<6 {
                var ids = batch.itemSeq.indices
                for row in 0..<3 { ids[row * 6 + j] = ids[row * 6 + j] % (TinyRankers.itemCount - 1) + 1 }
                let changed = states(TinyRankers.replacingSequence(batch, with: IndexTensor(shape: [3, 6], indices: ids)))
                var laterChanged = false
                for row in 0..<3 {
                    for t in 0..<6 {
                        let offset = (row * 6 + t) * width
                        let difference = zip(reference.scalars[offset..<(offset + width)], changed.scalars[offset..<(offset + width)])
                            .reduce(Float(0)) { max($0, abs($1.0 - $1.1)) }
                        let isPadding = batch.itemSeq.indices[row * 6 + t] == 0
                        if t < j && (model == .nextItNet || !isPadding) {
                            XCTAssertEqual(difference, 0, "\(model): position \(t) of row \(row) changed when position \(j) did")
                        }
                        if t >= j && difference > 1e-4 { laterChanged = true }
                    }
                }
                XCTAssertTrue(laterChanged, "\(model): changing position \(j) had no effect at all")
            }
            // The last-position shortcut of `encode` equals the full computation.
            let full = reference
            let encoded = withoutGradients { ranker.sequenceEmbedding(batch).value }
            if model == .sasRec {
                var last: [Float] = []
                for row in 0..<3 { last += full.scalars[((row * 6 + 5) * width)..<((row * 6 + 6) * width)] }
                XCTAssertLessThan(encoded.maxAbsDifference(Tensor(shape: [3, width], scalars: last)), 1e-5)
            }
        }
    }

    /// Rows with at least one real item are unaffected by what the padding positions hold.
    func testSASRecSRGNNAndSHANIgnorePaddingPositions() throws {
        for model in [ModelName.sasRec, .srgnn, .shan] {
            let ranker = try Ranker(config: TinyRankers.config(model))
            ranker.eval()
            let batch = TinyRankers.batch(rows: 4, length: 6)
            XCTAssertTrue(batch.itemSeq.indices.contains(0))
            var rng = SeededGenerator(seed: 5)
            let noise = Tensor.normal([1, 8], std: 3, using: &rng)
            let plain: ItemEmbedder = ranker.embedItems
            // Padding positions get arbitrary vectors instead of the zero row.
            let noisy: ItemEmbedder = { ids in
                let mask = Variable(ids.paddingIndicator(width: 8))
                return ranker.embedItems(ids) + mask * Variable(noise)
            }
            let clean = withoutGradients { ranker.encoder.encode(batch, embedItems: plain, userEmbeddings: { ranker.embedUsers(batch.userIds) }).value }
            let perturbed = withoutGradients { ranker.encoder.encode(batch, embedItems: noisy, userEmbeddings: { ranker.embedUsers(batch.userIds) }).value }
            XCTAssertLessThan(clean.maxAbsDifference(perturbed), 1e-5, "\(model) reads padding positions")
        }
    }

    /// NARM's attention weights `alpha` are exactly 0 at padding positions and non-zero elsewhere.
    func testNARMMasksPadding() throws {
        let ranker = try Ranker(config: TinyRankers.config(.narm))
        let narm = ranker.encoder as! NARMEncoder
        let batch = TinyRankers.batch(rows: 4, length: 6)
        var rng = SeededGenerator(seed: 9)
        let states = Variable(.normal([4, 6, narm.gru.hiddenSize], using: &rng))
        let alpha = narm.attentionWeights(states, itemSeq: batch.itemSeq).value
        XCTAssertEqual(alpha.shape, [4, 6, 1])
        for (id, weight) in zip(batch.itemSeq.indices, alpha.scalars) {
            if id == 0 { XCTAssertEqual(weight, 0) } else { XCTAssertNotEqual(weight, 0) }
        }
    }
}

extension IndexTensor {
    /// `[S..., width]` with 1 where the id is padding (0), for building test embedders.
    func paddingIndicator(width: Int) -> Tensor {
        Tensor(shape: shape + [width], scalars: indices.flatMap { [Float](repeating: $0 == 0 ? 1 : 0, count: width) })
    }
}
