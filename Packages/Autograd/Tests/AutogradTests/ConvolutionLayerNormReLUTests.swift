import AutogradTestSupport
import Tensor
import XCTest
@testable import Autograd

/// `causalConv1dLayerNormReLU`, NextItNet's `ReLU(LayerNorm(conv(x)))` as one op.
final class ConvolutionLayerNormReLUTests: XCTestCase {
    /// Over several blocks (60 sequences of 50: two blocks of 40 and 20 sequences), for the full output
    /// and a window: the values and ∂x have the bits of `causalConv1d`, `layerNorm` and `relu` in a row;
    /// the parameter gradients agree to reassociation and do not depend on the number of threads.
    func testMatchesTheThreeOpsInARowOverSeveralBlocks() {
        for (channels, outputLength) in [(64, 50), (13, 31)] {
            var rng = SeededGenerator(seed: UInt64(700 + channels))
            let x = Tensor.normal([60, 50, channels], using: &rng)
            let weight = Tensor.normal([channels, channels, 1, 3], std: 0.2, using: &rng)
            let bias = Tensor.normal([channels], using: &rng)
            let normWeight = Tensor.uniform([channels], low: 0.5, high: 1.5, using: &rng)
            let normBias = Tensor.uniform([channels], low: -0.5, high: 0.5, using: &rng)
            let g = Tensor.normal([60, outputLength, channels], using: &rng)
            func run(fused: Bool) -> [Tensor] {
                let leaves = [x, weight, bias, normWeight, normBias].map { Variable($0, requiresGrad: true) }
                let y = fused
                    ? leaves[0].causalConv1dLayerNormReLU(weight: leaves[1], bias: leaves[2], dilation: 4,
                                                          outputLength: outputLength, normWeight: leaves[3],
                                                          normBias: leaves[4], eps: 1e-8)
                    : leaves[0].causalConv1d(weight: leaves[1], bias: leaves[2], dilation: 4, outputLength: outputLength)
                        .layerNorm(weight: leaves[3], bias: leaves[4], eps: 1e-8).relu()
                y.backward(seed: g)
                return [y.value] + leaves.map { $0.grad! }
            }
            let separate = run(fused: false), fused = run(fused: true)
            let label = "C \(channels), L′ \(outputLength)"
            XCTAssertTrue(fused[0].scalars == separate[0].scalars, "\(label): values")
            XCTAssertTrue(fused[1].scalars == separate[1].scalars, "\(label): ∂x")
            XCTAssertGreaterThan(fused[0].scalars.filter { $0 == 0 }.count, fused[0].count / 4, "the ReLU clips")
            for (index, name) in [(2, "∂weight"), (3, "∂bias"), (4, "∂normWeight"), (5, "∂normBias")] {
                let scale = max(1, separate[index].scalars.map(abs).max()!)
                XCTAssertLessThan(fused[index].maxAbsDifference(separate[index]) / scale, 1e-5, "\(label): \(name)")
            }
            let oneThread = withBLASThreads(atMost: 1) { run(fused: true) }
            for (a, b) in zip(oneThread, fused) { XCTAssertTrue(a.scalars == b.scalars, "\(label): one thread differs") }
        }
    }

    /// (The seed puts no output within the finite-difference step of the ReLU's kink at 0, where
    /// the two-sided difference quotient is not the derivative.)
    func testGradientsByFiniteDifferences() {
        var rng = SeededGenerator(seed: 713)
        let x = Sample.parameter([2, 6, 3], &rng)
        let weight = Sample.parameter([4, 3, 1, 3], &rng), bias = Sample.parameter([4], &rng)
        let normWeight = Sample.parameter([4], &rng), normBias = Sample.parameter([4], &rng)
        assertGradientsMatch([x, weight, bias, normWeight, normBias]) {
            $0[0].causalConv1dLayerNormReLU(weight: $0[1], bias: $0[2], dilation: 2, outputLength: 4,
                                            normWeight: $0[3], normBias: $0[4], eps: 1e-5)
        }
        // Without a convolution bias, with a frozen convolution weight.
        assertGradientsMatch([x, Variable(weight.value), normWeight, normBias]) {
            $0[0].causalConv1dLayerNormReLU(weight: $0[1], bias: nil, dilation: 1, normWeight: $0[2],
                                            normBias: $0[3], eps: 1e-5)
        }
    }
}
