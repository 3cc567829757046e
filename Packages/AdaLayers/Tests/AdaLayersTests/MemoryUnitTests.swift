@testable import AdaLayers
import Autograd
import AutogradTestSupport
import Foundation
import Tensor
import XCTest

/// Memory units: shapes, the attention read-out, Xavier-uniform initialisation, and gradients.
final class MemoryUnitTests: XCTestCase {
    /// `z [B, D]` → `[B, out, in]` for the four units of the head (D = 16).
    func testShapesOfTheFourUnits() {
        let d = 16, rows = 3
        let z = Variable(Sample.tensor([rows, d], seed: 1))
        var rng = SeededGenerator(seed: 2)
        for (inFeatures, outFeatures) in [(2 * d, d), (1, d), (d, 1), (1, 1)] {
            let unit = MemoryUnit(keyDimension: d, inFeatures: inFeatures, outFeatures: outFeatures)
            unit.resetAllParameters(using: &rng)
            XCTAssertEqual(unit.index.shape, [10, d])
            XCTAssertEqual(unit.array.shape, [10, inFeatures * outFeatures])
            XCTAssertEqual(unit.namedParameters().map(\.0), ["index", "array"])
            XCTAssertEqual(unit(z).shape, [rows, outFeatures, inFeatures])
        }
    }

    /// The output is `softmax(z · indexᵀ) · array`, reshaped row-major to `[B, out, in]` (so entry
    /// `[b, o, i]` is column `o·in + i` of the mixed array).
    func testReadOutIsTheAttentionMixtureInOutInOrder() {
        let (d, inFeatures, outFeatures, slots) = (3, 4, 2, 5)
        let unit = MemoryUnit(keyDimension: d, inFeatures: inFeatures, outFeatures: outFeatures, slots: slots)
        var rng = SeededGenerator(seed: 3)
        unit.resetAllParameters(using: &rng)
        let z = Sample.tensor([2, d], seed: 4)
        let output = unit(Variable(z)).value
        for b in 0..<2 {
            var logits = (0..<slots).map { s in (0..<d).reduce(Float(0)) { $0 + z[b, $1] * unit.index.value[s, $1] } }
            let top = logits.max()!
            logits = logits.map { Foundation.exp($0 - top) }
            let total = logits.reduce(0, +)
            for o in 0..<outFeatures {
                for i in 0..<inFeatures {
                    let mixed = (0..<slots).reduce(Float(0)) { $0 + logits[$1] / total * unit.array.value[$1, o * inFeatures + i] }
                    XCTAssertEqual(output[b, o, i], mixed, accuracy: 1e-6, "[\(b), \(o), \(i)]")
                }
            }
        }
    }

    /// Xavier-uniform: every entry within ±√(6 / (rows + cols)), spread over most of the range, mean ≈ 0.
    func testXavierUniformBounds() {
        let d = 64
        let unit = MemoryUnit(keyDimension: d, inFeatures: 2 * d, outFeatures: d)
        XCTAssertTrue(unit.array.value.scalars.allSatisfy { $0 == 0 }, "parameters are zero before initialisation")
        var rng = SeededGenerator(seed: 5)
        unit.resetAllParameters(using: &rng)
        for (parameter, shape) in [(unit.index, [10, d]), (unit.array, [10, 2 * d * d])] {
            let bound = (6 / Float(shape[0] + shape[1])).squareRoot()
            let values = parameter.value.scalars
            XCTAssertEqual(parameter.shape, shape)
            XCTAssertLessThanOrEqual(values.map(abs).max()!, bound)
            XCTAssertGreaterThan(values.map(abs).max()!, 0.9 * bound)
            XCTAssertEqual(values.reduce(0, +) / Float(values.count), 0, accuracy: 0.1 * bound)
        }
        // Index of [10, 64]: √(6/74) ≈ 0.285; array of [10, 8192]: √(6/8202) ≈ 0.027.
        XCTAssertEqual((6 / Float(10 + d)).squareRoot(), 0.2847, accuracy: 1e-4)
    }

    /// Same seed, same parameters; different seed, different parameters.
    func testInitialisationIsSeeded() {
        func draw(_ seed: UInt64) -> Tensor {
            let unit = MemoryUnit(keyDimension: 4, inFeatures: 3, outFeatures: 2)
            var rng = SeededGenerator(seed: seed)
            unit.resetAllParameters(using: &rng)
            return unit.array.value
        }
        XCTAssertEqual(draw(7), draw(7))
        XCTAssertNotEqual(draw(7), draw(8))
    }

    /// Gradients of `index`, `array` and `z` match central finite differences (tiny sizes).
    func testGradientsMatchFiniteDifferences() {
        let unit = MemoryUnit(keyDimension: 3, inFeatures: 2, outFeatures: 2, slots: 4)
        var rng = SeededGenerator(seed: 6)
        unit.resetAllParameters(using: &rng)
        let z = Variable(Sample.tensor([2, 3], seed: 7) * 2, requiresGrad: true)
        let weights = Variable(Sample.tensor([2, 2, 2], seed: 8))
        assertGradientsMatch(named: [("index", unit.index), ("array", unit.array), ("z", z)]) {
            (unit(z) * weights).sum()
        }
    }
}
