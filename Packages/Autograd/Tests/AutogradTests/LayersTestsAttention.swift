import Foundation
import XCTest
import Tensor
@testable import Autograd

/// Multi-head self-attention and the Transformer layer: the mask, invariance to padding keys and
/// future positions, and values against a direct `Double` computation.
final class LayersTestsAttention: XCTestCase {
    private func makeAttention(dimension: Int, heads: Int, seed: UInt64) -> MultiHeadSelfAttention {
        let attention = MultiHeadSelfAttention(dimension: dimension, heads: heads, hiddenDropout: 0.5, attentionDropout: 0.5,
                                               eps: 1e-12, randomSource: RandomSource(seed: seed))
        var rng = SeededGenerator(seed: seed)
        attention.resetAllParameters(using: &rng)
        attention.layerNorm.weight.value = .uniform([dimension], low: 0.5, high: 1.5, using: &rng)
        attention.layerNorm.bias.value = .uniform([dimension], low: -0.5, high: 0.5, using: &rng)
        attention.eval()
        return attention
    }

    func testMaskBlocksPaddingKeysAndFuturePositions() {
        let mask = MultiHeadSelfAttention.additiveMask(itemSequence: IndexTensor(shape: [1, 3], indices: [0, 4, 9]))
        XCTAssertEqual(mask.shape, [1, 1, 3, 3])
        XCTAssertEqual(mask.scalars, [-10000, -10000, -10000,
                                      -10000, 0, -10000,
                                      -10000, 0, 0])
        let bidirectional = MultiHeadSelfAttention.additiveMask(itemSequence: IndexTensor(shape: [1, 3], indices: [0, 4, 9]), causal: false)
        XCTAssertEqual(bidirectional.scalars, [-10000, 0, 0, -10000, 0, 0, -10000, 0, 0])
    }

    /// Changing the input at a padding position, or at positions after t, leaves output t unchanged.
    func testOutputsIgnorePaddingKeysAndFuturePositions() {
        let attention = makeAttention(dimension: 8, heads: 2, seed: 11)
        var rng = SeededGenerator(seed: 12)
        let ids = IndexTensor(shape: [1, 4], indices: [0, 5, 3, 7])
        let mask = MultiHeadSelfAttention.additiveMask(itemSequence: ids)
        let x = Tensor.uniform([1, 4, 8], low: -1, high: 1, using: &rng)
        let base = attention(Variable(x), additiveMask: mask).value

        var paddingChanged = x
        for j in 0..<8 { paddingChanged[0, 0, j] += 3 }
        let afterPadding = attention(Variable(paddingChanged), additiveMask: mask).value
        for t in 1..<4 { for j in 0..<8 { XCTAssertEqual(afterPadding[0, t, j], base[0, t, j], accuracy: 1e-6) } }

        var futureChanged = x
        for j in 0..<8 { futureChanged[0, 3, j] -= 2 }
        let afterFuture = attention(Variable(futureChanged), additiveMask: mask).value
        // Position 0 is padding: every key is masked for it, so its (unused) output mixes all positions.
        for t in 1..<3 { for j in 0..<8 { XCTAssertEqual(afterFuture[0, t, j], base[0, t, j], accuracy: 1e-6) } }
        XCTAssertNotEqual(afterFuture[0, 3, 0], base[0, 3, 0], "the changed position itself must change")
    }

    /// Evaluation-mode attention against a scalar `Double` implementation of RecBole's formula.
    /// Rows whose keys are all masked (a padding query) add −10000 to every score, which costs
    /// about 1e-3 of absolute precision in `Float`: they get a looser tolerance.
    func testAttentionMatchesDirectComputation() {
        let (batch, length, width, heads) = (2, 3, 4, 2)
        let headSize = width / heads
        let attention = makeAttention(dimension: width, heads: heads, seed: 13)
        var rng = SeededGenerator(seed: 14)
        let ids = IndexTensor(shape: [batch, length], indices: [0, 2, 3, 4, 5, 6])
        let mask = MultiHeadSelfAttention.additiveMask(itemSequence: ids)
        let x = Tensor.uniform([batch, length, width], low: -1, high: 1, using: &rng)
        let y = attention(Variable(x), additiveMask: mask).value

        func linear(_ layer: Linear, _ row: [Double]) -> [Double] {
            (0..<layer.outFeatures).map { o in
                (0..<layer.inFeatures).reduce(Double(layer.bias!.value.scalars[o])) {
                    $0 + Double(layer.weight.value.scalars[o * layer.inFeatures + $1]) * row[$1]
                }
            }
        }
        for b in 0..<batch {
            let rows = (0..<length).map { t in (0..<width).map { Double(x[b, t, $0]) } }
            let q = rows.map { linear(attention.query, $0) }, k = rows.map { linear(attention.key, $0) }
            let v = rows.map { linear(attention.value, $0) }
            for t in 0..<length {
                var context = [Double](repeating: 0, count: width)
                for h in 0..<heads {
                    let dims = (h * headSize)..<((h + 1) * headSize)
                    let scores = (0..<length).map { s in
                        dims.reduce(0.0) { $0 + q[t][$1] * k[s][$1] } / Double(headSize).squareRoot() + Double(mask[b, 0, t, s])
                    }
                    let top = scores.max()!
                    let weights = scores.map { Foundation.exp($0 - top) }
                    let total = weights.reduce(0, +)
                    for s in 0..<length { for d in dims { context[d] += weights[s] / total * v[s][d] } }
                }
                let residual = zip(linear(attention.dense, context), rows[t]).map { $0 + $1 }
                let mean = residual.reduce(0, +) / Double(width)
                let variance = residual.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(width)
                for j in 0..<width {
                    let normalised = (residual[j] - mean) / (variance + 1e-12).squareRoot()
                    let expected = normalised * Double(attention.layerNorm.weight.value.scalars[j])
                        + Double(attention.layerNorm.bias.value.scalars[j])
                    let fullyMasked = (0..<length).allSatisfy { mask[b, 0, t, $0] != 0 }
                    XCTAssertEqual(Double(y[b, t, j]), expected, accuracy: fullyMasked ? 2e-3 : 2e-5, "b \(b) t \(t) j \(j)")
                }
            }
        }
    }

    func testTransformerLayerShapesAndGradientsReachEveryParameter() {
        let layer = TransformerLayer(dimension: 8, heads: 2, innerSize: 16, hiddenDropout: 0.2, attentionDropout: 0.2,
                                     eps: 1e-12, randomSource: RandomSource(seed: 15))
        var rng = SeededGenerator(seed: 16)
        layer.resetAllParameters(using: &rng)
        let ids = IndexTensor(shape: [2, 5], indices: [0, 0, 1, 2, 3, 4, 5, 6, 7, 8])
        let out = layer(Variable(.uniform([2, 5, 8], low: -1, high: 1, using: &rng)),
                        additiveMask: MultiHeadSelfAttention.additiveMask(itemSequence: ids))
        XCTAssertEqual(out.shape, [2, 5, 8])
        out.backward(seed: .uniform([2, 5, 8], low: -1, high: 1, using: &rng))
        for (name, p) in layer.namedParameters() {
            XCTAssertNotNil(p.grad, name)
            XCTAssertTrue(p.grad!.scalars.contains { $0 != 0 }, name)
        }
    }
}
