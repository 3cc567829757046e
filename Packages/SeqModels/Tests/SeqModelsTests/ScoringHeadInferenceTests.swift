import XCTest
import Autograd
import Tensor
@testable import SeqModels

/// The scoring head's inference path (the first layer without building the pairs) must give the
/// bits of the pair path, and must stay out of training and of anything that records a graph.
final class ScoringHeadInferenceTests: XCTestCase {
    private func head(dimension: Int, seed: UInt64) -> ScoringHead {
        var rng = SeededGenerator(seed: seed)
        let head = ScoringHead(dimension: dimension, dropoutProbability: 0.3, random: RandomSource(seed: seed))
        head.resetAllParameters(using: &rng)
        return head
    }

    func testInferenceFirstLayerGivesThePairPathsBits() throws {
        var rng = SeededGenerator(seed: 11)
        for (rows, columns, width) in [(1, 20, 64), (3, 7, 32), (2, 5, 12), (4, 1, 64)] {
            let head = head(dimension: width, seed: 12)
            head.eval()
            let sequence = Variable(.normal([rows, width], using: &rng))
            let candidates = Variable(.normal([rows, columns, width], using: &rng))
            let (direct, pairs) = withBatchInvariantProducts {
                withoutGradients {
                    (head.inferenceHiddenLayer(sequence: sequence, candidates: candidates)?.value,
                     ScoringHead.pairFeatures(sequence: sequence, candidates: candidates)
                        .linear(weight: head.hidden.weight, bias: head.hidden.bias).value)
                }
            }
            let result = try XCTUnwrap(direct, "evaluation mode, batch-invariant, no graph: the inference path runs")
            XCTAssertEqual(result.shape, [rows, columns, width])
            XCTAssertEqual(result.scalars.map(\.bitPattern), pairs.scalars.map(\.bitPattern),
                           "B \(rows) C \(columns) D \(width)")
        }
    }

    func testInferencePathOnlyInEvaluationWithoutGraph() {
        var rng = SeededGenerator(seed: 13)
        let head = head(dimension: 16, seed: 14)
        let sequence = Variable(.normal([2, 16], using: &rng)), candidates = Variable(.normal([2, 3, 16], using: &rng))
        let run = { head.inferenceHiddenLayer(sequence: sequence, candidates: candidates) }
        XCTAssertNil(withBatchInvariantProducts { withoutGradients { run() } }, "training mode keeps dropout on the pairs")
        head.eval()
        XCTAssertNil(withoutGradients { run() }, "outside batch-invariant products OpenBLAS multiplies the pairs")
        XCTAssertNil(withBatchInvariantProducts { run() }, "the parameters require gradients: the graph is recorded")
        XCTAssertNotNil(withBatchInvariantProducts { withoutGradients { run() } })
    }
}
