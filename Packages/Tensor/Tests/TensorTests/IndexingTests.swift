import XCTest
@testable import Tensor

final class IndexingTests: XCTestCase {
    let table = T([4, 2], [0, 1, 10, 11, 20, 21, 30, 31])

    func testGatherRows() {
        let ids = IndexTensor(shape: [2, 2], indices: [3, 0, 1, 3])
        assertClose(table.gatherRows(ids), T([2, 2, 2], [30, 31, 0, 1, 10, 11, 30, 31]))
        // A rank-1 table gathers scalars.
        assertClose(T([3], [5, 6, 7]).gatherRows(IndexTensor([2, 2, 0])), T([3], [7, 7, 5]))
    }

    func testScatterAddRowsAccumulatesRepeatedIds() {
        let ids = IndexTensor(shape: [3], indices: [1, 3, 1])
        let values = T([3, 2], [1, 2, 3, 4, 5, 6])
        assertClose(Tensor.scatterAddRows(values, ids: ids, rowCount: 4),
                    T([4, 2], [0, 0, 6, 8, 0, 0, 3, 4]))
    }

    func testScatterIsAdjointOfGather() {
        // ⟨gather(W, ids), G⟩ = ⟨W, scatter(G, ids)⟩
        var rng = SeededGenerator(seed: 11)
        let w = Tensor.normal([6, 3], using: &rng)
        let ids = IndexTensor(shape: [2, 4], indices: (0..<8).map { _ in rng.nextInt(below: 6) })
        let g = Tensor.normal([2, 4, 3], using: &rng)
        let lhs = (w.gatherRows(ids) * g).sum().item
        let rhs = (w * Tensor.scatterAddRows(g, ids: ids, rowCount: 6)).sum().item
        XCTAssertEqual(lhs, rhs, accuracy: 1e-4)
    }

    func testBatchedGatherAndScatter() {
        let x = iota([2, 3, 2])  // [B = 2, N = 3, 2]
        let ids = IndexTensor(shape: [2, 4], indices: [2, 0, 0, 1, 1, 1, 2, 0])
        assertClose(x.batchedGatherRows(ids),
                    T([2, 4, 2], [4, 5, 0, 1, 0, 1, 2, 3, 8, 9, 8, 9, 10, 11, 6, 7]))
        let values = Tensor.ones([2, 4, 2])
        assertClose(Tensor.batchedScatterAddRows(values, ids: ids, rowCount: 3),
                    T([2, 3, 2], [2, 2, 1, 1, 1, 1, 1, 1, 2, 2, 1, 1]))
    }

    func testMaskedFill() {
        let x = iota([2, 3])
        assertClose(x.maskedFill(T([2, 3], [0, 1, 0, 1, 0, 0]), value: -9), T([2, 3], [0, -9, 2, -9, 4, 5]))
        // A [L] key mask broadcast over rows, and a per-row mask.
        assertClose(x.maskedFill(T([3], [1, 0, 0]), value: -1), T([2, 3], [-1, 1, 2, -1, 4, 5]))
        assertClose(x.maskedFill(T([2, 1], [0, 1]), value: 7), T([2, 3], [0, 1, 2, 7, 7, 7]))
    }

    func testSelect() {
        let condition = T([2, 1], [1, 0])
        let a = T([3], [1, 2, 3]), b = T([2, 3], [10, 20, 30, 40, 50, 60])
        assertClose(Tensor.select(condition, a, b), T([2, 3], [1, 2, 3, 40, 50, 60]))
        assertClose(Tensor.select(T([3], [0, 1, 0]), a, Tensor(0)), T([3], [0, 2, 0]))
    }
}
