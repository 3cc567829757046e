import CAutogradKernels
import CTensorKernels
import Foundation
import Tensor
import XCTest
@testable import Autograd
import AutogradTestSupport

/// The C kernels behind `layerNorm` and `gelu` (eight-lane blocks plus a scalar tail) against
/// double-precision references, on both kernel paths (AVX2 and portable); the fused dropout's
/// random stream; the per-thread gradient mode.
final class NeuralKernelsTests: XCTestCase {
    /// Runs `body` with the AVX2 kernels allowed and then forbidden.
    private func onBothKernelPaths(_ body: (String) -> Void) {
        body("avx2 allowed")
        adr_tensor_kernels_allow_avx2(0)
        defer { adr_tensor_kernels_allow_avx2(1) }
        XCTAssertEqual(adr_tensor_kernels_use_avx2(), 0)
        body("portable")
    }

    /// Layer norm of `[rows, d]` rows in Double: values and the gradients for upstream `g`.
    private func layerNormReference(x: [Float], weight: [Float], bias: [Float], g: [Float], d: Int, eps: Double)
        -> (y: [Double], dx: [Double], dWeight: [Double], dBias: [Double]) {
        let rows = x.count / d
        var y = [Double](repeating: 0, count: x.count), dx = y
        var dWeight = [Double](repeating: 0, count: d), dBias = dWeight
        for r in 0..<rows {
            let row = (0..<d).map { Double(x[r * d + $0]) }
            let mean = row.reduce(0, +) / Double(d)
            let variance = row.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(d)
            let inverse = 1 / (variance + eps).squareRoot()
            let normalized = row.map { ($0 - mean) * inverse }
            let scaled = (0..<d).map { Double(g[r * d + $0]) * Double(weight[$0]) }
            let meanScaled = scaled.reduce(0, +) / Double(d)
            let meanScaledNormalized = zip(scaled, normalized).map { $0 * $1 }.reduce(0, +) / Double(d)
            for j in 0..<d {
                y[r * d + j] = normalized[j] * Double(weight[j]) + Double(bias[j])
                dx[r * d + j] = inverse * (scaled[j] - meanScaled - normalized[j] * meanScaledNormalized)
                dWeight[j] += Double(g[r * d + j]) * normalized[j]
                dBias[j] += Double(g[r * d + j])
            }
        }
        return (y, dx, dWeight, dBias)
    }

    func testLayerNormMatchesDoubleReferenceForFullAndPartialLaneBlocks() {
        for d in [3, 8, 13, 64] {
            var rng = SeededGenerator(seed: UInt64(500 + d))
            let rows = 7
            let x = Tensor.normal([rows, d], mean: 0.3, std: 2, using: &rng)
            let weight = Tensor.uniform([d], low: 0.5, high: 1.5, using: &rng)
            let bias = Tensor.uniform([d], low: -0.5, high: 0.5, using: &rng)
            let g = Tensor.normal([rows, d], using: &rng)
            let reference = layerNormReference(x: x.scalars, weight: weight.scalars, bias: bias.scalars,
                                               g: g.scalars, d: d, eps: 1e-5)
            onBothKernelPaths { path in
                let (vx, vw, vb) = (Variable(x, requiresGrad: true), Variable(weight, requiresGrad: true),
                                    Variable(bias, requiresGrad: true))
                let y = vx.layerNorm(weight: vw, bias: vb, eps: 1e-5)
                y.backward(seed: g)
                for (name, actual, expected) in [("y", y.value.scalars, reference.y), ("dx", vx.grad!.scalars, reference.dx),
                                                 ("dWeight", vw.grad!.scalars, reference.dWeight),
                                                 ("dBias", vb.grad!.scalars, reference.dBias)] {
                    XCTAssertEqual(actual.count, expected.count)
                    for (a, e) in zip(actual, expected) {
                        XCTAssertEqual(Double(a), e, accuracy: 2e-5 * max(1, abs(e)), "\(name), d = \(d), \(path)")
                    }
                }
            }
        }
    }

    func testLayerNormGradientsByFiniteDifferencesOnWideRows() {
        var rng = SeededGenerator(seed: 531)
        let x = Sample.parameter([3, 21], &rng)
        let weight = Sample.parameter([21], &rng), bias = Sample.parameter([21], &rng)
        onBothKernelPaths { _ in
            assertGradientsMatch([x, weight, bias]) { $0[0].layerNorm(weight: $0[1], bias: $0[2], eps: 1e-5) }
        }
    }

    func testGELUMatchesErfFormOnBothPathsAndPartialBlocks() {
        for count in [5, 8, 13, 40] {
            var rng = SeededGenerator(seed: UInt64(600 + count))
            let x = Tensor.normal([count], std: 3, using: &rng)
            onBothKernelPaths { path in
                let v = Variable(x, requiresGrad: true)
                let y = v.gelu()
                y.sum().backward()
                for i in 0..<count {
                    let d = Double(x.scalars[i])
                    let cdf = 0.5 * (1 + erf(d / 2.0.squareRoot())), pdf = exp(-d * d / 2) / (2 * Double.pi).squareRoot()
                    XCTAssertEqual(Double(y.value.scalars[i]), d * cdf, accuracy: 3e-7 * max(1, abs(d)), "gelu(\(d)), \(path)")
                    XCTAssertEqual(Double(v.grad!.scalars[i]), cdf + d * pdf, accuracy: 5e-7 * max(1, abs(d)),
                                   "gelu′(\(d)), \(path)")
                }
            }
        }
    }

    /// The fused dropout draws exactly one `nextFloat` per element, in order: the same masks as
    /// drawing them one by one, and the generator ends where that loop would.
    func testDropoutDrawsOneFloatPerElementInOrder() {
        var rng = SeededGenerator(seed: 77)
        var replay = rng
        let x = Variable(Tensor.normal([37], using: &replay), requiresGrad: true)
        rng = replay
        let y = x.dropout(probability: 0.3, training: true, rng: &rng)
        for i in 0..<37 {
            let kept = replay.nextFloat() >= 0.3
            XCTAssertEqual(y.value.scalars[i], kept ? x.value.scalars[i] / 0.7 : 0, accuracy: 1e-6)
        }
        XCTAssertEqual(rng.next(), replay.next(), "the generator advanced by one draw per element")
    }

    /// `withoutGradients` on one thread leaves other threads recording.
    func testGradientModeIsPerThread() {
        final class Box { var seen = false }
        let box = Box()
        withoutGradients {
            XCTAssertFalse(GradientMode.isEnabled)
            let done = DispatchSemaphore(value: 0)
            let thread = Thread { box.seen = GradientMode.isEnabled; done.signal() }
            thread.start()
            done.wait()
        }
        let otherThreadSawEnabled = box.seen
        XCTAssertTrue(otherThreadSawEnabled)
        XCTAssertTrue(GradientMode.isEnabled)
        let nested = withoutGradients { withoutGradients { GradientMode.isEnabled } }
        XCTAssertFalse(nested)
        XCTAssertTrue(GradientMode.isEnabled, "nested scopes restore recording")
    }
}
