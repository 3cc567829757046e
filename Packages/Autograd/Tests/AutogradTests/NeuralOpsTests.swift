import Autograd
import AutogradTestSupport
import Tensor
import XCTest

final class NeuralOpsTests: XCTestCase {
    func testSoftmaxGradients() {
        var rng = SeededGenerator(seed: 80)
        let x = Sample.parameter([2, 3, 4], &rng)
        for axis in [-1, 1, 0] {
            assertGradientsMatch([x]) { $0[0].softmax(axis: axis) }
        }
    }

    func testLogSoftmaxGradients() {
        var rng = SeededGenerator(seed: 81)
        let x = Sample.parameter([2, 3, 4], &rng)
        for axis in [-1, -2, 0] {
            assertGradientsMatch([x]) { $0[0].logSoftmax(axis: axis) }
        }
    }

    func testSoftmaxWithMaskedEntries() {
        // Attention-style: masked keys at −10000 get (numerically) zero weight and zero gradient.
        var rng = SeededGenerator(seed: 82)
        let scores = Sample.parameter([2, 4], &rng)
        let mask = Tensor(shape: [1, 4], scalars: [0, 0, 1, 1])
        assertGradientsMatch([scores]) { $0[0].maskedFill(mask, value: -10000).softmax(axis: -1) }
        let weights = scores.maskedFill(mask, value: -10000).softmax(axis: -1).value
        XCTAssertEqual(weights[0, 2], 0)
        XCTAssertEqual(weights[1, 0] + weights[1, 1], 1, accuracy: 1e-6)
    }

    func testLayerNormValues() {
        let x = Variable(Tensor(shape: [2, 4], scalars: [1, 2, 3, 4, -1, 0, 0, 1]))
        let weight = Variable(Tensor(shape: [4], scalars: [1, 2, 1, 1]))
        let bias = Variable(Tensor(shape: [4], scalars: [0, 0, 1, 0]))
        let y = x.layerNorm(weight: weight, bias: bias, eps: 1e-5).value
        // Row 1: mean 2.5, variance 1.25; row 2: mean 0, variance 0.5.
        let r1 = 1 / (1.25 + 1e-5).squareRoot(), r2 = 1 / (0.5 + 1e-5).squareRoot()
        let expected: [Double] = [-1.5 * r1, 2 * -0.5 * r1, 0.5 * r1 + 1, 1.5 * r1,
                                  -1 * r2, 0, 1, 1 * r2]
        for (value, reference) in zip(y.scalars, expected) { XCTAssertEqual(Double(value), reference, accuracy: 1e-5) }
    }

    func testLayerNormGradients() {
        var rng = SeededGenerator(seed: 83)
        let x = Sample.parameter([2, 3, 5], &rng)
        let weight = Sample.parameter([5], &rng), bias = Sample.parameter([5], &rng)
        assertGradientsMatch([x, weight, bias]) { $0[0].layerNorm(weight: $0[1], bias: $0[2], eps: 1e-5) }
        // SASRec's eps and a frozen affine part.
        let frozenWeight = Variable(weight.value), frozenBias = Variable(bias.value)
        assertGradientsMatch([x, frozenWeight, frozenBias]) { $0[0].layerNorm(weight: $0[1], bias: $0[2], eps: 1e-12) }
        // Only the affine parameters trainable.
        let data = Variable(x.value)
        assertGradientsMatch([data, weight, bias]) { $0[0].layerNorm(weight: $0[1], bias: $0[2], eps: 1e-8) }
    }

    func testDropoutIsIdentityWhenNotTraining() {
        var rng = SeededGenerator(seed: 84)
        let x = Sample.parameter([3, 4], &rng)
        let before = rng
        XCTAssertTrue(x.dropout(probability: 0.5, training: false, rng: &rng) === x)
        XCTAssertTrue(x.dropout(probability: 0, training: true, rng: &rng) === x)
        XCTAssertEqual(rng.next(), before.nextCopy(), "no random numbers drawn")
    }

    func testDropoutMaskAndScale() {
        var rng = SeededGenerator(seed: 85)
        let x = Variable(Tensor.ones([100, 100]), requiresGrad: true)
        let y = x.dropout(probability: 0.4, training: true, rng: &rng)
        let values = Set(y.value.scalars)
        XCTAssertEqual(values, [0, 1 / 0.6])
        let dropped = Double(y.value.scalars.filter { $0 == 0 }.count) / 10_000
        XCTAssertEqual(dropped, 0.4, accuracy: 0.02)
        // The gradient is the mask times the scale.
        y.sum().backward()
        XCTAssertEqual(x.grad!, y.value)
        // Same seed, same mask.
        var again = SeededGenerator(seed: 85)
        XCTAssertEqual(x.dropout(probability: 0.4, training: true, rng: &again).value, y.value)
        XCTAssertEqual(x.dropout(probability: 1, training: true, rng: &again).value, Tensor.zeros([100, 100]))
    }

    func testDropoutGradient() {
        var rng = SeededGenerator(seed: 86)
        let x = Sample.parameter([4, 6], &rng)
        assertGradientsMatch([x]) { inputs in
            var maskRNG = SeededGenerator(seed: 7)  // the same mask on every evaluation
            return inputs[0].dropout(probability: 0.3, training: true, rng: &maskRNG)
        }
    }
}

private extension SeededGenerator {
    /// The next draw of a copy (leaves `self` untouched).
    func nextCopy() -> UInt64 {
        var copy = self
        return copy.next()
    }
}
