import Autograd
@testable import SeqModels
import SeqModelsTestSupport
import Tensor
import XCTest

/// NextItNet's `encode` computes each block only over the trailing positions the blocks above it read;
/// these tests hold it to the full stack (`allPositionStates`, then `final_layer` at the last position).
final class NextItNetWindowTests: XCTestCase {
    /// L = 40 with blocks of dilation 1 then 4 (k = 3): the top block needs 1 output from 17 middle and
    /// 25 input positions, the bottom one 25 from 29 and 31, so the embeddings are cut to the last 31.
    func testWindowsShrinkTowardsTheTop() throws {
        let ranker = try Ranker(config: TinyRankers.config(.nextItNet, maxSeqLen: 40))
        let encoder = try XCTUnwrap(ranker.encoder as? NextItNetEncoder)
        XCTAssertEqual(encoder.residualBlocks.map(\.dilation), [1, 4])
        XCTAssertEqual(encoder.lastPositionWindows(length: 40),
                       [BlockWindow(input: 31, middle: 29, output: 25), BlockWindow(input: 25, middle: 17, output: 1)])
        // Short histories: every window that reaches time 0 is clipped to L.
        XCTAssertEqual(encoder.lastPositionWindows(length: 6),
                       [BlockWindow(input: 6, middle: 6, output: 6), BlockWindow(input: 6, middle: 6, output: 1)])
    }

    /// Output and every parameter gradient of the windowed `encode` equal those of the full stack, for a
    /// history long enough to cut (L = 40) and one that is not (L = 6).
    func testWindowedEncodeMatchesFullStack() throws {
        for length in [40, 6] {
            let ranker = try Ranker(config: TinyRankers.config(.nextItNet, maxSeqLen: length))
            let encoder = try XCTUnwrap(ranker.encoder as? NextItNetEncoder)
            let batch = TinyRankers.batch(rows: 4, length: length)
            var rng = SeededGenerator(seed: 5)
            let seed = Tensor.normal([4, 8], using: &rng)
            func run(_ body: () -> Variable) -> (Tensor, [Tensor?]) {
                ranker.zeroGrad()
                let output = body()
                output.backward(seed: seed)
                return (output.value, ranker.parameters.map(\.grad))
            }
            let (windowed, windowedGrads) = run {
                encoder.encode(batch, embedItems: ranker.embedItems, userEmbeddings: { ranker.embedUsers(batch.userIds) })
            }
            let (full, fullGrads) = run {
                let states = encoder.allPositionStates(batch, embedItems: ranker.embedItems)
                return encoder.finalLayer(states.slice(axis: 1, range: (length - 1)..<length).reshaped([4, 8]))
            }
            XCTAssertLessThan(windowed.maxAbsDifference(full), 1e-6, "L = \(length)")
            XCTAssertEqual(windowedGrads.map { $0 == nil }, fullGrads.map { $0 == nil })
            for (index, (a, b)) in zip(windowedGrads, fullGrads).enumerated() {
                guard let a, let b else { continue }
                XCTAssertLessThan(a.maxAbsDifference(b), 1e-5, "L = \(length), parameter \(index)")
            }
        }
    }
}
