import XCTest
@testable import Tensor

final class BroadcastingTests: XCTestCase {
    func testBroadcastShapeFollowsNumPyRules() {
        XCTAssertEqual(Tensor.broadcastShape([2, 3, 4], [4]), [2, 3, 4])
        XCTAssertEqual(Tensor.broadcastShape([2, 1, 4], [3, 1]), [2, 3, 4])
        XCTAssertEqual(Tensor.broadcastShape([], [5, 2]), [5, 2])
        XCTAssertEqual(Tensor.broadcastShape([1], [1, 1, 7]), [1, 1, 7])
        XCTAssertTrue(Tensor.isBroadcastable([3, 1], to: [2, 3, 4]))
        XCTAssertFalse(Tensor.isBroadcastable([2, 4], to: [2, 3, 4]))
        XCTAssertTrue(Tensor.isBroadcastable([1, 1, 4], to: [4]))
        XCTAssertFalse(Tensor.isBroadcastable([2, 4], to: [4]))
    }

    func testBroadcastMaterialises() {
        let row = T([3], [1, 2, 3])
        assertClose(row.broadcast(to: [2, 3]), T([2, 3], [1, 2, 3, 1, 2, 3]))
        let column = T([2, 1], [5, 7])
        assertClose(column.broadcast(to: [2, 3]), T([2, 3], [5, 5, 5, 7, 7, 7]))
        // Middle axis broadcast: [2, 1, 2] → [2, 3, 2].
        let middle = T([2, 1, 2], [1, 2, 3, 4])
        assertClose(middle.broadcast(to: [2, 3, 2]), T([2, 3, 2], [1, 2, 1, 2, 1, 2, 3, 4, 3, 4, 3, 4]))
        assertClose(Tensor(4).broadcast(to: [2, 2]), T([2, 2], [4, 4, 4, 4]))
    }

    func testSumToShapeIsTheAdjointOfBroadcast() {
        let x = iota([2, 3, 4])  // x[b, l, d] = 12b + 4l + d
        // Reference sums over the reduced axes by explicit loops.
        var expectedD = [Float](repeating: 0, count: 4)
        var expectedB = [Float](repeating: 0, count: 2)
        var expectedL = [Float](repeating: 0, count: 3)
        for b in 0..<2 { for l in 0..<3 { for d in 0..<4 {
            let v = Float(12 * b + 4 * l + d)
            expectedD[d] += v; expectedB[b] += v; expectedL[l] += v
        } } }
        assertClose(x.sum(toShape: [4]), T([4], expectedD))
        assertClose(x.sum(toShape: [1, 1, 4]), T([1, 1, 4], expectedD))
        assertClose(x.sum(toShape: [2, 1, 1]), T([2, 1, 1], expectedB))
        assertClose(x.sum(toShape: [3, 1]), T([3, 1], expectedL))
        assertClose(x.sum(toShape: []), Tensor(276))
        assertClose(x.sum(toShape: [2, 3, 4]), x)
    }

    func testSumToShapeMatchesBroadcastedGradient() {
        // For y = a + b with b broadcast, Σ y·g over all positions equals Σ b·sum(g → b.shape).
        var rng = SeededGenerator(seed: 3)
        let g = Tensor.normal([3, 5, 4], using: &rng)
        let b = Tensor.normal([5, 1], using: &rng)
        let lhs = (g * b).sum().item
        let rhs = (g.sum(toShape: [5, 1]) * b).sum().item
        XCTAssertEqual(lhs, rhs, accuracy: 1e-4)
    }
}
