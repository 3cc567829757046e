import AutogradTestSupport
import Tensor
import XCTest
@testable import Autograd

/// `layerNormReLU`, the fused and parallel `relu(layerNorm(x))` of NextItNet's residual blocks.
final class LayerNormReLUTests: XCTestCase {
    /// Over three row blocks (2,500 rows): the values and ∂x have the bits of `layerNorm` then `relu`;
    /// ∂weight and ∂bias (summed per block) agree to reassociation, and do not depend on the threads.
    func testMatchesLayerNormThenReLUOverSeveralBlocks() {
        for d in [64, 13] {
            var rng = SeededGenerator(seed: UInt64(700 + d))
            let x = Tensor.normal([5, 500, d], mean: 0.2, std: 2, using: &rng)
            let weight = Tensor.uniform([d], low: 0.5, high: 1.5, using: &rng)
            let bias = Tensor.uniform([d], low: -0.5, high: 0.5, using: &rng)
            let g = Tensor.normal([5, 500, d], using: &rng)
            func run(fused: Bool) -> [Tensor] {
                let (vx, vw, vb) = (Variable(x, requiresGrad: true), Variable(weight, requiresGrad: true),
                                    Variable(bias, requiresGrad: true))
                let y = fused ? vx.layerNormReLU(weight: vw, bias: vb, eps: 1e-8)
                              : vx.layerNorm(weight: vw, bias: vb, eps: 1e-8).relu()
                y.backward(seed: g)
                return [y.value, vx.grad!, vw.grad!, vb.grad!]
            }
            let separate = run(fused: false), fused = run(fused: true)
            XCTAssertTrue(fused[0].scalars == separate[0].scalars, "d \(d): values")
            XCTAssertTrue(fused[1].scalars == separate[1].scalars, "d \(d): ∂x")
            XCTAssertGreaterThan(fused[0].scalars.filter { $0 == 0 }.count, x.count / 4, "the ReLU clips")
            XCTAssertLessThan(fused[2].maxAbsDifference(separate[2]), 1e-3, "d \(d): ∂weight")
            XCTAssertLessThan(fused[3].maxAbsDifference(separate[3]), 1e-3, "d \(d): ∂bias")
            let oneThread = withBLASThreads(atMost: 1) { run(fused: true) }
            for (a, b) in zip(oneThread, fused) { XCTAssertTrue(a.scalars == b.scalars, "d \(d): one thread differs") }
        }
    }

    /// (The seed puts no output within the finite-difference step of the ReLU's kink at 0, where
    /// the two-sided difference quotient is not the derivative.)
    func testGradientsByFiniteDifferences() {
        var rng = SeededGenerator(seed: 713)
        let x = Sample.parameter([3, 4, 7], &rng)
        let weight = Sample.parameter([7], &rng), bias = Sample.parameter([7], &rng)
        assertGradientsMatch([x, weight, bias]) { $0[0].layerNormReLU(weight: $0[1], bias: $0[2], eps: 1e-5) }
    }
}
