import Foundation
import XCTest
import Tensor
@testable import Autograd
import AutogradTestSupport

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

    /// RecBole's SASRec mask for item ids `[B, L]`: 0 where query t may attend key s (s ≤ t and
    /// `ids[b, s] ≠ 0`), −10000 elsewhere.
    private func maskValue(_ ids: IndexTensor, _ b: Int, _ t: Int, _ s: Int) -> Double {
        s <= t && ids.indices[b * ids.shape[1] + s] != 0 ? 0 : -10000
    }

    /// The fused op against composite ops (split heads, matmul, additive mask, softmax, merge),
    /// values and gradients, for every query and for the last query only.
    func testFusedAttentionMatchesCompositeOps() {
        var rng = SeededGenerator(seed: 10)
        let (batch, length, width, heads) = (3, 5, 6, 2)
        let headSize = width / heads
        let ids = IndexTensor(shape: [batch, length], indices: [0, 0, 3, 4, 5, 1, 2, 3, 4, 5, 0, 0, 0, 0, 7])
        var maskScalars: [Float] = []
        for b in 0..<batch { for t in 0..<length { for s in 0..<length { maskScalars.append(Float(maskValue(ids, b, t, s))) } } }
        let mask = Tensor(shape: [batch, 1, length, length], scalars: maskScalars)
        for lastOnly in [false, true] {
            let inputs = (0..<3).map { _ in Variable(.uniform([batch, length, width], low: -1, high: 1, using: &rng), requiresGrad: true) }
            let plainInputs = inputs.map { Variable($0.value, requiresGrad: true) }
            let queries = lastOnly ? inputs[0].slice(axis: 1, range: (length - 1)..<length) : inputs[0]
            var noDropout = SeededGenerator(seed: 0)
            let fused = Variable.maskedMultiHeadAttention(
                queries: queries, keys: inputs[1], values: inputs[2], heads: heads, scale: 1 / Float(headSize).squareRoot(),
                itemSeq: ids, dropout: 0.5, training: false, rng: &noDropout)
            func split(_ t: Variable) -> Variable { t.reshaped([batch, length, heads, headSize]).permuted([0, 2, 1, 3]) }
            let scores = split(plainInputs[0]).matmul(split(plainInputs[1]), transposeB: true) / Float(headSize).squareRoot()
                + Variable(mask)
            var plain = scores.softmax(axis: -1).matmul(split(plainInputs[2])).permuted([0, 2, 1, 3])
                .reshaped([batch, length, width])
            if lastOnly { plain = plain.slice(axis: 1, range: (length - 1)..<length) }
            assertSameValuesAndGradients(fused, inputs, plain, plainInputs, rng: &rng)
        }
    }

    /// With dropout in training, the fused op draws the same mask as `dropout` on the composite
    /// ops' probabilities (one draw per entry of `[B, h, Q, L]`, row-major) and leaves the generator
    /// in the same state; values and gradients agree.
    func testFusedAttentionDropoutMatchesCompositeDropout() {
        var rng = SeededGenerator(seed: 21)
        let (batch, length, width, heads, p) = (2, 6, 4, 2, Float(0.4))
        let headSize = width / heads
        let ids = IndexTensor(shape: [batch, length], indices: [0, 1, 2, 3, 4, 5, 0, 0, 6, 7, 8, 9])
        var maskScalars: [Float] = []
        for b in 0..<batch { for t in 0..<length { for s in 0..<length { maskScalars.append(Float(maskValue(ids, b, t, s))) } } }
        let inputs = (0..<3).map { _ in Variable(.uniform([batch, length, width], low: -1, high: 1, using: &rng), requiresGrad: true) }
        let plainInputs = inputs.map { Variable($0.value, requiresGrad: true) }
        var fusedRNG = SeededGenerator(seed: 5), plainRNG = SeededGenerator(seed: 5)
        let fused = Variable.maskedMultiHeadAttention(
            queries: inputs[0], keys: inputs[1], values: inputs[2], heads: heads, scale: 1 / Float(headSize).squareRoot(),
            itemSeq: ids, dropout: p, training: true, rng: &fusedRNG)
        func split(_ t: Variable) -> Variable { t.reshaped([batch, length, heads, headSize]).permuted([0, 2, 1, 3]) }
        let scores = split(plainInputs[0]).matmul(split(plainInputs[1]), transposeB: true) / Float(headSize).squareRoot()
            + Variable(Tensor(shape: [batch, 1, length, length], scalars: maskScalars))
        let dropped = scores.softmax(axis: -1).dropout(probability: p, training: true, rng: &plainRNG)
        XCTAssertTrue(dropped.value.scalars.contains(0), "the mask drops some probabilities")
        let plain = dropped.matmul(split(plainInputs[2])).permuted([0, 2, 1, 3]).reshaped([batch, length, width])
        XCTAssertEqual(fusedRNG.next(), plainRNG.next(), "both consume the same number of draws")
        assertSameValuesAndGradients(fused, inputs, plain, plainInputs, rng: &rng)
    }

    /// The fused output and the composite one agree in shape and values, and so do the gradients
    /// of their inputs for one random upstream gradient (to 1e-5).
    private func assertSameValuesAndGradients(_ fused: Variable, _ inputs: [Variable], _ plain: Variable,
                                              _ plainInputs: [Variable], rng: inout SeededGenerator,
                                              file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(fused.shape, plain.shape, file: file, line: line)
        for (a, b) in zip(fused.value.scalars, plain.value.scalars) { XCTAssertEqual(a, b, accuracy: 1e-5, file: file, line: line) }
        let upstream = Tensor.uniform(fused.shape, low: -1, high: 1, using: &rng)
        fused.backward(seed: upstream)
        plain.backward(seed: upstream)
        for (a, b) in zip(inputs, plainInputs) {
            for (x, y) in zip(a.grad!.scalars, b.grad!.scalars) { XCTAssertEqual(x, y, accuracy: 1e-5, file: file, line: line) }
        }
    }

    /// Finite differences through the fused op with dropout on the probabilities (the same mask
    /// for every evaluation: the generator is re-created inside the function).
    func testFusedAttentionGradientsWithDropout() {
        var rng = SeededGenerator(seed: 17)
        let ids = IndexTensor(shape: [2, 4], indices: [0, 2, 3, 4, 5, 6, 7, 8])
        let inputs = [Sample.parameter([2, 2, 4], &rng), Sample.parameter([2, 4, 4], &rng), Sample.parameter([2, 4, 4], &rng)]
        assertGradientsMatch(inputs) { v in
            var dropoutRNG = SeededGenerator(seed: 3)
            return Variable.maskedMultiHeadAttention(queries: v[0], keys: v[1], values: v[2], heads: 2, scale: 0.7,
                                                     itemSeq: ids, dropout: 0.3, training: true, rng: &dropoutRNG)
        }
    }

    /// Changing the input at a padding position, or at positions after t, leaves output t unchanged.
    func testOutputsIgnorePaddingKeysAndFuturePositions() {
        let attention = makeAttention(dimension: 8, heads: 2, seed: 11)
        var rng = SeededGenerator(seed: 12)
        let ids = IndexTensor(shape: [1, 4], indices: [0, 5, 3, 7])
        let x = Tensor.uniform([1, 4, 8], low: -1, high: 1, using: &rng)
        let base = attention(Variable(x), itemSeq: ids).value

        var paddingChanged = x
        for j in 0..<8 { paddingChanged[0, 0, j] += 3 }
        let afterPadding = attention(Variable(paddingChanged), itemSeq: ids).value
        for t in 1..<4 { for j in 0..<8 { XCTAssertEqual(afterPadding[0, t, j], base[0, t, j], accuracy: 1e-6) } }

        var futureChanged = x
        for j in 0..<8 { futureChanged[0, 3, j] -= 2 }
        let afterFuture = attention(Variable(futureChanged), itemSeq: ids).value
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
        let x = Tensor.uniform([batch, length, width], low: -1, high: 1, using: &rng)
        let y = attention(Variable(x), itemSeq: ids).value

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
                        dims.reduce(0.0) { $0 + q[t][$1] * k[s][$1] } / Double(headSize).squareRoot() + maskValue(ids, b, t, s)
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
                    let fullyMasked = (0..<length).allSatisfy { maskValue(ids, b, t, $0) != 0 }
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
        let out = layer(Variable(.uniform([2, 5, 8], low: -1, high: 1, using: &rng)), itemSeq: ids)
        XCTAssertEqual(out.shape, [2, 5, 8])
        out.backward(seed: .uniform([2, 5, 8], low: -1, high: 1, using: &rng))
        for (name, p) in layer.namedParameters() {
            XCTAssertNotNil(p.grad, name)
            XCTAssertTrue(p.grad!.scalars.contains { $0 != 0 }, name)
        }
    }

    /// An encoder asked for the last position only gives that position of the full computation,
    /// with the same parameter gradients.
    func testEncoderLastPositionOnlyEqualsFullComputation() {
        let encoder = TransformerEncoder(layerCount: 2, dimension: 8, heads: 2, innerSize: 16, hiddenDropout: 0.2,
                                         attentionDropout: 0.2, activation: .relu, eps: 1e-12,
                                         randomSource: RandomSource(seed: 18))
        var rng = SeededGenerator(seed: 19)
        encoder.resetAllParameters(using: &rng)
        encoder.eval()
        let ids = IndexTensor(shape: [2, 5], indices: [0, 0, 1, 2, 3, 4, 5, 6, 7, 8])
        let x = Variable(.uniform([2, 5, 8], low: -1, high: 1, using: &rng))
        let upstream = Tensor.uniform([2, 1, 8], low: -1, high: 1, using: &rng)
        let last = encoder(x, itemSeq: ids, lastPositionOnly: true)
        last.backward(seed: upstream)
        let lastGradients = encoder.namedParameters().map { $0.1.grad! }
        encoder.zeroGrad()
        let full = encoder(x, itemSeq: ids).slice(axis: 1, range: 4..<5)
        full.backward(seed: upstream)
        for (a, b) in zip(last.value.scalars, full.value.scalars) { XCTAssertEqual(a, b, accuracy: 1e-5) }
        for ((name, p), g) in zip(encoder.namedParameters(), lastGradients) {
            for (a, b) in zip(g.scalars, p.grad!.scalars) { XCTAssertEqual(a, b, accuracy: 1e-4, name) }
        }
    }
}
