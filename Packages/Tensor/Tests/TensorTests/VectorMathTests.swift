import Foundation
import XCTest
@testable import Tensor

/// The vectorised exp / sigmoid / tanh against double-precision references over their whole range.
final class VectorMathTests: XCTestCase {
    /// 200 001 points spread over [-lower, upper] (covers the vector body and the padded tail).
    func grid(_ lower: Float, _ upper: Float, count: Int = 200_001) -> Tensor {
        Tensor(shape: [count], scalars: (0..<count).map { lower + (upper - lower) * Float($0) / Float(count - 1) })
    }

    /// Largest error in units of the reference's magnitude (relative, with an absolute floor).
    func worstError(_ actual: Tensor, _ input: Tensor, floor: Double, _ reference: (Double) -> Double) -> Double {
        var worst = 0.0
        for (a, x) in zip(actual.scalars, input.scalars) {
            let r = reference(Double(x))
            let error = Swift.abs(Double(a) - r) / Swift.max(Swift.abs(r), floor)
            worst = Swift.max(worst, error.isNaN ? .infinity : error)
        }
        return worst
    }

    func testExpRelativeErrorIsAFewUlps() {
        let x = grid(-87, 88.7)
        XCTAssertLessThan(worstError(x.exp(), x, floor: 1e-37, Foundation.exp), 3e-7)
        let small = grid(-1, 1, count: 10_007)
        XCTAssertLessThan(worstError(small.exp(), small, floor: 1e-37, Foundation.exp), 2e-7)
    }

    func testExpSpecialValues() {
        let x = T([9], [0, -.infinity, .infinity, 89, -104, 88.5, -100, .nan, 1])
        let e = x.exp().scalars
        XCTAssertEqual(e[0], 1)
        XCTAssertEqual(e[1], 0)
        XCTAssertEqual(e[2], .infinity)
        XCTAssertEqual(e[3], .infinity)
        XCTAssertEqual(e[4], 0)
        XCTAssertEqual(Double(e[5]), Foundation.exp(88.5), accuracy: 1e32)      // near the overflow limit
        XCTAssertEqual(Double(e[6]), Foundation.exp(-100.0), accuracy: 1e-44)   // subnormal result
        XCTAssertTrue(e[7].isNaN)
        XCTAssertEqual(e[8], Float(M_E), accuracy: 2e-7)
    }

    func testSigmoidAndTanhAbsoluteError() {
        let x = grid(-30, 30)
        let sigmoidError = worstError(x.sigmoid(), x, floor: 1) { 1 / (1 + Foundation.exp(-$0)) }
        XCTAssertLessThan(sigmoidError, 2e-7)
        XCTAssertLessThan(worstError(x.tanh(), x, floor: 1, Foundation.tanh), 2e-7)
        // Relative accuracy near 0 (the polynomial branch) and across the branch point 0.625.
        let near = grid(-0.7, 0.7, count: 14_001)
        XCTAssertLessThan(worstError(near.tanh(), near, floor: 1e-30, Foundation.tanh), 4e-7)
    }

    func testTanhAndSigmoidLimits() {
        let x = T([5], [-.infinity, .infinity, .nan, 0, -0.0])
        XCTAssertEqual(Array(x.tanh().scalars.prefix(2)), [-1, 1])
        XCTAssertTrue(x.tanh().scalars[2].isNaN)
        XCTAssertEqual(x.tanh().scalars[3], 0)
        XCTAssertEqual(x.tanh().scalars[4].sign, .minus)
        XCTAssertEqual(Array(x.sigmoid().scalars.prefix(2)), [0, 1])
        XCTAssertEqual(x.sigmoid().scalars[3], 0.5)
    }
}
