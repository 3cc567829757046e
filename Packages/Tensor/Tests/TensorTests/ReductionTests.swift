import XCTest
@testable import Tensor

final class ReductionTests: XCTestCase {
    let x = T([2, 3], [1, 5, 3, 4, 2, 6])

    func testSumAndMeanOfAll() {
        assertClose(x.sum(), Tensor(21))
        XCTAssertEqual(x.sum().shape, [])
        assertClose(x.mean(), Tensor(3.5))
    }

    func testSumOfManyElementsIsAccurate() {
        // 1 000 003 values of 0.1: naive Float accumulation drifts by ~1%.
        let big = Tensor(repeating: 0.1, shape: [1_000_003])
        XCTAssertEqual(big.sum().item, 100_000.3, accuracy: 0.05)
    }

    func testSumAlongAxes() {
        assertClose(x.sum(axis: 0), T([3], [5, 7, 9]))
        assertClose(x.sum(axis: 1), T([2], [9, 12]))
        assertClose(x.sum(axis: -1), T([2], [9, 12]))
        assertClose(x.sum(axis: -2, keepDims: true), T([1, 3], [5, 7, 9]))
        assertClose(x.sum(axis: 1, keepDims: true), T([2, 1], [9, 12]))
        // Middle axis of a rank-3 tensor: [2, 3, 2] → [2, 2].
        let y = iota([2, 3, 2])
        assertClose(y.sum(axis: 1), T([2, 2], [0 + 2 + 4, 1 + 3 + 5, 6 + 8 + 10, 7 + 9 + 11]))
        // Long contiguous rows exercise the vector path.
        let long = iota([2, 37])
        assertClose(long.sum(axis: 1), T([2], [666, 666 + 37 * 37]))
    }

    func testMeanAlongAxes() {
        assertClose(x.mean(axis: 0), T([3], [2.5, 3.5, 4.5]))
        assertClose(x.mean(axis: -1, keepDims: true), T([2, 1], [3, 4]))
    }

    func testMaxAndArgmax() {
        assertClose(x.max(axis: 0), T([3], [4, 5, 6]))
        assertClose(x.max(axis: -1), T([2], [5, 6]))
        assertClose(x.max(axis: 1, keepDims: true), T([2, 1], [5, 6]))
        XCTAssertEqual(x.argmax(axis: 1), IndexTensor([1, 2]))
        XCTAssertEqual(x.argmax(axis: 0), IndexTensor([1, 0, 1]))
        XCTAssertEqual(x.argmax(axis: -2), IndexTensor([1, 0, 1]))
        // Ties resolve to the first index.
        XCTAssertEqual(T([1, 4], [2, 7, 7, 1]).argmax(axis: 1), IndexTensor(shape: [1], indices: [1]))
        let y = T([2, 2, 2], [1, 9, 3, 4, -1, -2, -3, -4])
        XCTAssertEqual(y.argmax(axis: 1), IndexTensor(shape: [2, 2], indices: [1, 0, 0, 0]))
        assertClose(y.max(axis: 1), T([2, 2], [3, 9, -1, -2]))
    }
}
