import Foundation
import XCTest
@testable import Tensor

final class ArithmeticTests: XCTestCase {
    func testSameShapeOperators() {
        let a = T([2, 2], [1, 2, 3, 4]), b = T([2, 2], [2, 4, 6, 8])
        assertClose(a + b, T([2, 2], [3, 6, 9, 12]))
        assertClose(a - b, T([2, 2], [-1, -2, -3, -4]))
        assertClose(a * b, T([2, 2], [2, 8, 18, 32]))
        assertClose(a / b, T([2, 2], [0.5, 0.5, 0.5, 0.5]))
        assertClose(-a, T([2, 2], [-1, -2, -3, -4]))
    }

    func testScalarOperators() {
        let a = T([3], [1, 2, 4])
        assertClose(a + 1, T([3], [2, 3, 5]))
        assertClose(1 + a, T([3], [2, 3, 5]))
        assertClose(a - 1, T([3], [0, 1, 3]))
        assertClose(1 - a, T([3], [0, -1, -3]))
        assertClose(a * 2, T([3], [2, 4, 8]))
        assertClose(2 * a, T([3], [2, 4, 8]))
        assertClose(a / 2, T([3], [0.5, 1, 2]))
        assertClose(2 / a, T([3], [2, 1, 0.5]))
    }

    func testTrailingAxisBroadcast() {
        // [B, L, D] + [D]
        let x = iota([2, 2, 3]), bias = T([3], [10, 20, 30])
        let expected = (0..<12).map { Float($0) + [10, 20, 30][$0 % 3] }
        assertClose(x + bias, T([2, 2, 3], expected))
        assertClose(bias + x, T([2, 2, 3], expected))
        assertClose(x - bias, T([2, 2, 3], (0..<12).map { Float($0) - [10, 20, 30][$0 % 3] }))
        assertClose(bias - x, T([2, 2, 3], (0..<12).map { [10, 20, 30][$0 % 3] - Float($0) }))
    }

    func testPerBatchScaleBroadcast() {
        // [B, L, D] * [B, 1, 1] and [B, L, D] / [B, L, 1]
        let x = iota([2, 2, 3]), scale = T([2, 1, 1], [2, -1])
        assertClose(x * scale, T([2, 2, 3], (0..<12).map { Float($0) * ($0 < 6 ? 2 : -1) }))
        let perRow = T([2, 2, 1], [1, 2, 4, 8])
        assertClose(x / perRow, T([2, 2, 3], (0..<12).map { Float($0) / [1, 2, 4, 8][$0 / 3] }))
    }

    func testOuterAndMiddleBroadcast() {
        let column = T([3, 1], [1, 2, 3]), row = T([1, 2], [10, 20])
        assertClose(column * row, T([3, 2], [10, 20, 20, 40, 30, 60]))
        assertClose(row + column, T([3, 2], [11, 21, 12, 22, 13, 23]))
        // [2, 3, 2] + [3, 1]: the operand repeats along the first and last axes.
        let x = Tensor.zeros([2, 3, 2]) + column
        assertClose(x, T([2, 3, 2], [1, 1, 2, 2, 3, 3, 1, 1, 2, 2, 3, 3]))
        // Scalar tensors broadcast against anything.
        assertClose(Tensor(3) * T([2], [1, 2]), T([2], [3, 6]))
    }

    func testInPlaceOperators() {
        var a = T([2, 3], [1, 2, 3, 4, 5, 6])
        a += T([3], [1, 1, 1])
        assertClose(a, T([2, 3], [2, 3, 4, 5, 6, 7]))
        a -= T([2, 1], [1, 2])
        assertClose(a, T([2, 3], [1, 2, 3, 3, 4, 5]))
        a *= T([2, 3], [2, 2, 2, 1, 1, 1])
        assertClose(a, T([2, 3], [2, 4, 6, 3, 4, 5]))
        a /= Tensor(2)
        assertClose(a, T([2, 3], [1, 2, 3, 1.5, 2, 2.5]))
        a *= 2
        assertClose(a, T([2, 3], [2, 4, 6, 3, 4, 5]))
        a.addScaled(T([2, 3], [1, 1, 1, 1, 1, 1]), alpha: -1)
        assertClose(a, T([2, 3], [1, 3, 5, 2, 3, 4]))
    }

    func testInPlaceKeepsValueSemantics() {
        var a = T([2], [1, 2])
        let copy = a
        a += T([2], [10, 10])
        assertClose(copy, T([2], [1, 2]))
        assertClose(a, T([2], [11, 12]))
        a += a
        assertClose(a, T([2], [22, 24]))
    }

    func testMapAndZipMap() {
        let a = T([3], [1, 2, 3]), b = T([3], [4, 5, 6])
        assertClose(a.map { $0 * $0 + 1 }, T([3], [2, 5, 10]))
        assertClose(Tensor.zipMap(a, b) { $0 * 10 + $1 }, T([3], [14, 25, 36]))
    }

    func testUnaryMath() {
        let x = T([5], [-2, -0.5, 0, 0.5, 2])
        assertClose(x.exp(), T([5], x.scalars.map { Foundation.exp($0) }))
        assertClose(x.tanh(), T([5], x.scalars.map { Foundation.tanh($0) }))
        assertClose(x.sigmoid(), T([5], x.scalars.map { 1 / (1 + Foundation.exp(-$0)) }))
        assertClose(x.relu(), T([5], [0, 0, 0, 0.5, 2]))
        assertClose(x.abs(), T([5], [2, 0.5, 0, 0.5, 2]))
        assertClose(x.squared(), T([5], [4, 0.25, 0, 0.25, 4]))
        assertClose(x.erf(), T([5], [-0.995322265, -0.520499878, 0, 0.520499878, 0.995322265]))
        assertClose(T([3], [1, 4, 9]).sqrt(), T([3], [1, 2, 3]))
        assertClose(T([3], [1, Float(M_E), 0.5]).log(), T([3], [0, 1, -0.693147181]))
        assertClose(T([2], [2, 4]).reciprocal(), T([2], [0.5, 0.25]))
        assertClose(T([2], [2, 4]).pow(3), T([2], [8, 64]))
        assertClose(x.clamped(min: -1, max: 1), T([5], [-1, -0.5, 0, 0.5, 1]))
    }

    func testSigmoidSaturatesWithoutNaN() {
        let s = T([2], [-200, 200]).sigmoid()
        XCTAssertEqual(s.scalars, [0, 1])
    }

    func testMaxAbsDifference() {
        XCTAssertEqual(T([3], [1, 2, 3]).maxAbsDifference(T([3], [1, 2.5, 2])), 1)
        XCTAssertTrue(T([1], [.nan]).maxAbsDifference(T([1], [0])).isNaN)
        XCTAssertEqual(T([1], [.infinity]).maxAbsDifference(T([1], [.infinity])), 0)
    }
}
