import Foundation
import XCTest
@testable import Tensor

final class SoftmaxTests: XCTestCase {
    func testSoftmaxLastAxisAgainstFormula() {
        let x = T([2, 3], [1, 2, 3, -1, 0, 1])
        let e = [Float](arrayLiteral: 1, 2, 3).map { Foundation.exp($0) }
        let total = e.reduce(0, +)
        let row = e.map { $0 / total }
        assertClose(x.softmax(axis: -1), T([2, 3], row + row))  // softmax is shift-invariant
        assertClose(x.logSoftmax(axis: 1), T([2, 3], (row + row).map { Foundation.log($0) }))
    }

    func testRowsSumToOne() {
        var rng = SeededGenerator(seed: 5)
        let x = Tensor.normal([7, 33], std: 4, using: &rng)
        assertClose(x.softmax(axis: 1).sum(axis: 1), Tensor.ones([7]))
        assertClose(x.logSoftmax(axis: 1).exp().sum(axis: 1), Tensor.ones([7]))
    }

    func testStridedAxisMatchesTransposedLastAxis() {
        var rng = SeededGenerator(seed: 6)
        let x = Tensor.normal([3, 5, 4], using: &rng)
        assertClose(x.softmax(axis: 1), x.transposed().softmax(axis: -1).transposed())
        assertClose(x.logSoftmax(axis: -2), x.transposed().logSoftmax(axis: 2).transposed())
        assertClose(x.softmax(axis: 1).sum(axis: 1), Tensor.ones([3, 4]))
    }

    func testStableForLargeInputs() {
        let x = T([1, 3], [1000, 1001, 1002])
        let expected = T([1, 3], [0.09003057, 0.24472847, 0.66524096])
        assertClose(x.softmax(axis: 1), expected)
        assertClose(x.logSoftmax(axis: 1), T([1, 3], [-2.40760596, -1.40760596, -0.40760596]))
        let masked = T([1, 3], [-1e9, 0, -1e9]).softmax(axis: 1)
        assertClose(masked, T([1, 3], [0, 1, 0]))
        XCTAssertFalse(T([2], [-3e38, 3e38]).softmax(axis: 0).scalars.contains { $0.isNaN })
    }
}
