import Autograd
import AutogradTestSupport
import Foundation
import Tensor
import XCTest

final class ArithmeticTests: XCTestCase {
    func testAddBroadcastsTrailingVector() {
        var rng = SeededGenerator(seed: 20)
        let x = Sample.parameter([2, 3, 4], &rng), bias = Sample.parameter([4], &rng)
        assertGradientsMatch([x, bias]) { $0[0] + $0[1] }
        // The vector's gradient is the upstream gradient summed over B and L.
        bias.zeroGrad()
        (x + bias).sum().backward()
        XCTAssertEqual(bias.grad!.scalars, [Float](repeating: 6, count: 4))
    }

    func testSubtractBroadcastsColumnAgainstMatrix() {
        var rng = SeededGenerator(seed: 21)
        let column = Sample.parameter([3, 1], &rng), matrix = Sample.parameter([3, 5], &rng)
        assertGradientsMatch([column, matrix]) { $0[0] - $0[1] }
        assertGradientsMatch([matrix, column]) { $0[0] - $0[1] }
    }

    func testMultiplyBroadcastsPerBatchScalar() {
        var rng = SeededGenerator(seed: 22)
        let x = Sample.parameter([2, 3, 4], &rng), scale = Sample.parameter([2, 1, 1], &rng)
        assertGradientsMatch([x, scale]) { $0[0] * $0[1] }
        assertGradientsMatch([scale, x]) { $0[0] * $0[1] }
    }

    func testMultiplyBroadcastsBothOperands() {
        var rng = SeededGenerator(seed: 23)
        let a = Sample.parameter([3, 1, 4], &rng), b = Sample.parameter([2, 1], &rng)
        assertGradientsMatch([a, b]) { $0[0] * $0[1] }
    }

    func testDivideWithBroadcasting() {
        var rng = SeededGenerator(seed: 24)
        let x = Sample.parameter([2, 3, 4], &rng), y = Sample.uniform([3, 1], 0.5, 2, &rng)
        assertGradientsMatch([x, y]) { $0[0] / $0[1] }
        let numerator = Sample.parameter([4], &rng), denominator = Sample.uniform([2, 3, 4], 0.5, 2, &rng)
        assertGradientsMatch([numerator, denominator]) { $0[0] / $0[1] }
    }

    func testFrozenOperandGetsNoGradient() {
        var rng = SeededGenerator(seed: 25)
        let x = Sample.parameter([3, 4], &rng)
        let frozen = Variable(Tensor.uniform([4], low: 0.5, high: 2, using: &rng))
        assertGradientsMatch([x, frozen]) { $0[0] * $0[1] + $0[0] / $0[1] - $0[1] }
    }

    func testScalarOperators() {
        var rng = SeededGenerator(seed: 26)
        let x = Sample.parameter([3, 4], &rng)
        assertGradientsMatch([x]) { inputs in
            let v = inputs[0]
            return (v + 1.5) * (2 - v) + (0.5 * v) * (v * 3) + (v - 0.25) / 4 + (-v) + (1 + v)
        }
    }

    func testScalarOperatorValues() {
        let x = Variable(Tensor(shape: [2], scalars: [1, -2]))
        XCTAssertEqual((x + 1).value.scalars, [2, -1])
        XCTAssertEqual((1 + x).value.scalars, [2, -1])
        XCTAssertEqual((x - 1).value.scalars, [0, -3])
        XCTAssertEqual((1 - x).value.scalars, [0, 3])
        XCTAssertEqual((x * 2).value.scalars, [2, -4])
        XCTAssertEqual((2 * x).value.scalars, [2, -4])
        XCTAssertEqual((x / 2).value.scalars, [0.5, -1])
        XCTAssertEqual((-x).value.scalars, [-1, 2])
    }

    func testClampedKeepsValuesBelowTheBoundAndStopsTheGradientAbove() {
        var rng = SeededGenerator(seed: 28)
        // Every entry at least 0.5 away from the bound 0: negatives pass, positives are cut to 0.
        let x = Sample.awayFromZero([3, 4], margin: 0.5, &rng)
        assertGradientsMatch([x]) { $0[0].clamped(max: 0) * $0[0] }
        let y = Variable(Tensor(shape: [4], scalars: [-1, 0.5, 3, .nan]), requiresGrad: true)
        let z = y.clamped(max: 0.5)
        XCTAssertEqual(Array(z.value.scalars.prefix(3)), [-1, 0.5, 0.5])
        XCTAssertTrue(z.value.scalars[3].isNaN)
        z.sum().backward()
        XCTAssertEqual(Array(y.grad!.scalars.prefix(3)), [1, 1, 0])
    }

    func testExpLogSqrtSquared() {
        var rng = SeededGenerator(seed: 27)
        let x = Sample.parameter([3, 4], &rng)
        assertGradientsMatch([x]) { $0[0].exp() }
        assertGradientsMatch([x]) { $0[0].squared() }
        let positive = Sample.uniform([3, 4], 0.5, 3, &rng)
        assertGradientsMatch([positive]) { $0[0].log() }
        assertGradientsMatch([positive]) { $0[0].sqrt() }
    }

    func testTanhSigmoidRelu() {
        var rng = SeededGenerator(seed: 28)
        let x = Sample.parameter([4, 5], &rng)
        assertGradientsMatch([x]) { $0[0].tanh() }
        assertGradientsMatch([x]) { $0[0].sigmoid() }
        // Keep every entry well away from the kink at 0 so the finite difference is exact.
        let y = Sample.awayFromZero([4, 5], margin: 0.05, &rng)
        assertGradientsMatch([y]) { $0[0].relu() }
        y.zeroGrad()
        y.relu().sum().backward()
        XCTAssertEqual(y.grad!.scalars, y.value.scalars.map { $0 > 0 ? 1 : 0 })
    }

    func testGeluGradient() {
        var rng = SeededGenerator(seed: 29)
        let x = Variable(Tensor.uniform([4, 5], low: -3, high: 3, using: &rng), requiresGrad: true)
        assertGradientsMatch([x]) { $0[0].gelu() }
    }

    func testGeluValuesUseTheErfForm() {
        let x = Variable(Tensor(shape: [5], scalars: [1, -1, 0, 2, 0.5]))
        // x·Φ(x) with the standard normal CDF (the tanh approximation differs in the 4th decimal).
        let expected: [Float] = [0.8413447, -0.1586553, 0, 1.9544997, 0.3457312]
        for (value, reference) in zip(x.gelu().value.scalars, expected) {
            XCTAssertEqual(value, reference, accuracy: 2e-6)
        }
    }

    func testGeluMatchesDoublePrecisionOnAGrid() {
        // Every 1/64 in [−8, 8], plus a length that is not a multiple of the vector width.
        let grid = (-512...512).map { Float($0) / 64 }
        let x = Variable(Tensor(shape: [grid.count], scalars: grid), requiresGrad: true)
        let y = x.gelu()
        y.sum().backward()
        for (i, v) in grid.enumerated() {
            let d = Double(v)
            let cdf = 0.5 * (1 + erf(d / 2.0.squareRoot()))
            let pdf = Foundation.exp(-0.5 * d * d) / (2 * Double.pi).squareRoot()
            XCTAssertEqual(Double(y.value.scalars[i]), d * cdf, accuracy: 3e-7 * max(1, abs(d)), "gelu(\(v))")
            XCTAssertEqual(Double(x.grad!.scalars[i]), cdf + d * pdf, accuracy: 5e-7 * max(1, abs(d)), "gelu′(\(v))")
        }
    }

    func testComposite() {
        var rng = SeededGenerator(seed: 30)
        let a = Sample.parameter([2, 3], &rng), b = Sample.parameter([3], &rng)
        assertGradientsMatch([a, b]) { inputs in
            let (a, b) = (inputs[0], inputs[1])
            return (a * b).tanh() + (a - b).sigmoid() * a.exp()
        }
    }
}
