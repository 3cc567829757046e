import XCTest
import Tensor
@testable import Autograd

/// Initialisers: PyTorch's bounds, and the sample statistics of large draws.
final class InitializerTests: XCTestCase {
    private func stats(_ t: Tensor) -> (mean: Double, std: Double, maxAbs: Float) {
        let n = Double(t.count)
        let mean = t.scalars.reduce(0.0) { $0 + Double($1) } / n
        let variance = t.scalars.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / n
        return (mean, variance.squareRoot(), t.scalars.map(abs).max()!)
    }

    func testFans() {
        XCTAssertTrue(Initializer.fans([5, 3]) == (3, 5))
        XCTAssertTrue(Initializer.fans([6, 4, 1, 3]) == (12, 18))
        XCTAssertTrue(Initializer.fans([7]) == (7, 7))
    }

    func testKaimingUniformWithSqrt5IsOneOverSqrtFanIn() {
        var rng = SeededGenerator(seed: 1)
        let w = Initializer.kaimingUniform([400, 100], using: &rng)
        let s = stats(w)
        XCTAssertLessThanOrEqual(s.maxAbs, 0.1)
        XCTAssertGreaterThan(s.maxAbs, 0.099)
        XCTAssertEqual(s.mean, 0, accuracy: 0.002)
        XCTAssertEqual(s.std, 0.1 / 3.0.squareRoot(), accuracy: 0.001)
    }

    func testLinearDefaultInitialisation() {
        var rng = SeededGenerator(seed: 2)
        let layer = Linear(inFeatures: 64, outFeatures: 512, rng: &rng)
        let w = stats(layer.weight.value), b = stats(layer.bias!.value)
        XCTAssertLessThanOrEqual(w.maxAbs, 0.125)
        XCTAssertEqual(w.std, 0.125 / 3.0.squareRoot(), accuracy: 0.002)
        XCTAssertLessThanOrEqual(b.maxAbs, 0.125)
        XCTAssertGreaterThan(b.maxAbs, 0.11)
    }

    func testEmbeddingIsStandardNormal() {
        var rng = SeededGenerator(seed: 3)
        let s = stats(Embedding(count: 1000, dimension: 64, rng: &rng).weight.value)
        XCTAssertEqual(s.mean, 0, accuracy: 0.01)
        XCTAssertEqual(s.std, 1, accuracy: 0.01)
    }

    func testGRUIsUniformOverOneOverSqrtHidden() {
        var rng = SeededGenerator(seed: 4)
        let gru = GRU(inputSize: 64, hiddenSize: 128, rng: &rng)
        let bound = 1 / Float(128).squareRoot()
        for (name, p) in gru.namedParameters() {
            let s = stats(p.value)
            XCTAssertLessThanOrEqual(s.maxAbs, bound, name)
            XCTAssertGreaterThan(s.maxAbs, 0.95 * bound, name)
        }
        XCTAssertEqual(stats(gru.weightsIH[0].value).std, Double(bound) / 3.0.squareRoot(), accuracy: 0.001)
    }

    func testXavier() {
        var rng = SeededGenerator(seed: 5)
        let uniform = stats(Initializer.xavierUniform([300, 200], using: &rng))
        let bound = (6.0 / 500).squareRoot()
        XCTAssertLessThanOrEqual(Double(uniform.maxAbs), bound)
        XCTAssertEqual(uniform.std, bound / 3.0.squareRoot(), accuracy: 0.001)
        let normal = stats(Initializer.xavierNormal([300, 200], gain: 2, using: &rng))
        XCTAssertEqual(normal.std, 2 * (2.0 / 500).squareRoot(), accuracy: 0.002)
        XCTAssertEqual(normal.mean, 0, accuracy: 0.002)
    }

    func testNormalWithSmallStd() {
        var rng = SeededGenerator(seed: 6)
        let s = stats(Initializer.normal([200, 100], mean: 0, std: 0.02, using: &rng))
        XCTAssertEqual(s.std, 0.02, accuracy: 0.0005)
        XCTAssertEqual(s.mean, 0, accuracy: 0.0005)
    }
}
