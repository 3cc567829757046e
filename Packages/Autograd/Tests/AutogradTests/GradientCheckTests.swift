import Autograd
import AutogradTestSupport
import Tensor
import XCTest

/// The checker itself: it must accept a correct rule and reject wrong ones, otherwise the op
/// tests prove nothing.
final class GradientCheckTests: XCTestCase {
    /// `x²` with a backward rule supplied by the test.
    private func square(_ x: Variable, rule: @escaping (Tensor, Tensor) -> Tensor) -> Variable {
        let value = x.value
        return Variable.record(value.squared(), inputs: [x]) { g in [rule(g, value)] }
    }

    /// `a ⊙ b` (b broadcast) whose rule for b forgets part of the broadcast sum.
    private func badBroadcastProduct(_ a: Variable, _ b: Variable) -> Variable {
        let (x, y) = (a.value, b.value)
        return Variable.record(x * y, inputs: [a, b]) { g in
            // Wrong: takes the first row of g ⊙ a instead of summing all rows.
            [g * y, (g * x).slice(axis: 0, range: 0..<1).reshaped(y.shape)]
        }
    }

    func testAcceptsCorrectRule() {
        var rng = SeededGenerator(seed: 1)
        let x = Sample.parameter([4, 5], &rng)
        let report = checkGradients([x]) { square($0[0]) { g, x in 2 * g * x } }
        XCTAssertTrue(report.passed, "\(report.mismatches.prefix(3))")
        XCTAssertEqual(report.checkedCount, 20)
    }

    func testRejectsMissingFactor() {
        var rng = SeededGenerator(seed: 2)
        let x = Sample.parameter([4, 5], &rng)
        let report = checkGradients([x]) { square($0[0]) { g, x in g * x } }
        XCTAssertFalse(report.passed)
    }

    func testRejectsFivePercentError() {
        var rng = SeededGenerator(seed: 3)
        let x = Sample.parameter([4, 5], &rng)
        let report = checkGradients([x]) { square($0[0]) { g, x in 2.1 * g * x } }
        XCTAssertFalse(report.passed)
        XCTAssertGreaterThan(report.mismatches.count, report.checkedCount / 2)
    }

    func testRejectsWrongSign() {
        var rng = SeededGenerator(seed: 4)
        let x = Sample.parameter([3, 3], &rng)
        let report = checkGradients([x]) { square($0[0]) { g, x in -2 * g * x } }
        XCTAssertFalse(report.passed)
    }

    func testRejectsIncompleteBroadcastReduction() {
        var rng = SeededGenerator(seed: 5)
        let a = Sample.parameter([3, 4], &rng), b = Sample.parameter([4], &rng)
        let report = checkGradients([a, b]) { badBroadcastProduct($0[0], $0[1]) }
        XCTAssertFalse(report.passed)
        XCTAssertTrue(report.mismatches.allSatisfy { $0.input == 1 }, "only b's rule is wrong")
    }

    func testFlagsGradientReachingFrozenInput() {
        var rng = SeededGenerator(seed: 6)
        let x = Sample.parameter([3], &rng)
        let frozen = Variable(Tensor.normal([3], using: &rng))
        // A leaf given a gradient by hand, as a broken op might do.
        let report = checkGradients([x, frozen]) { inputs in
            inputs[1].grad = Tensor.ones([3])
            return inputs[0] * inputs[1]
        }
        XCTAssertEqual(report.frozenInputsWithGradient, [1])
        XCTAssertFalse(report.passed)
    }
}
