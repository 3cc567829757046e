import Autograd
import AutogradTestSupport
import Tensor
import XCTest

final class IndexingOpsTests: XCTestCase {
    func testGatherRowsWithRepeatedIds() {
        var rng = SeededGenerator(seed: 70)
        let table = Sample.parameter([6, 3], &rng)
        let ids = IndexTensor(shape: [2, 4], indices: [1, 3, 3, 0, 5, 1, 3, 2])
        assertGradientsMatch([table]) { $0[0].gatherRows(ids) }
        XCTAssertEqual(table.gatherRows(ids).shape, [2, 4, 3])

        // Σ over the output: each row's gradient counts how often its id occurs; row 4 never does.
        table.zeroGrad()
        table.gatherRows(ids).sum().backward()
        let counts: [Float] = [1, 2, 1, 3, 0, 1]
        XCTAssertEqual(table.grad!.scalars, counts.flatMap { [$0, $0, $0] })
    }

    func testGatherRowsPaddingRowGetsNoGradient() {
        var rng = SeededGenerator(seed: 71)
        let table = Sample.parameter([5, 2], &rng)
        let ids = IndexTensor(shape: [3, 3], indices: [0, 0, 2, 4, 0, 2, 1, 1, 0])
        let upstream = Tensor.normal([3, 3, 2], using: &rng)

        table.gatherRows(ids).backward(seed: upstream)
        let unpadded = table.grad!
        table.zeroGrad()
        let output = table.gatherRows(ids, paddingIndex: 0)
        XCTAssertEqual(output.value, table.value.gatherRows(ids), "the padding row is still read")
        output.backward(seed: upstream)
        let padded = table.grad!

        XCTAssertEqual(Array(padded.scalars[0..<2]), [0, 0])
        XCTAssertEqual(Array(padded.scalars[2...]), Array(unpadded.scalars[2...]))
        XCTAssertNotEqual(Array(unpadded.scalars[0..<2]), [0, 0], "the test would notice a missing mask")

        // Finite differences on the other rows: perturbing only rows 1...4 through a slice.
        let free = Sample.parameter([4, 2], &rng)
        let paddingRow = Variable(Tensor.zeros([1, 2]))
        assertGradientsMatch([free, paddingRow]) { inputs in
            Variable.concat([inputs[1], inputs[0]], axis: 0).gatherRows(ids, paddingIndex: 0)
        }
    }

    func testBatchedGatherRows() {
        var rng = SeededGenerator(seed: 72)
        let nodes = Sample.parameter([2, 4, 3], &rng)
        let alias = IndexTensor(shape: [2, 5], indices: [0, 1, 1, 3, 0, 2, 2, 2, 0, 1])
        assertGradientsMatch([nodes]) { $0[0].batchedGatherRows(alias) }
        let output = nodes.batchedGatherRows(alias)
        XCTAssertEqual(output.shape, [2, 5, 3])
        XCTAssertEqual(Array(output.value.scalars[(5 + 1) * 3 ..< (5 + 2) * 3]), Array(nodes.value.scalars[(4 + 2) * 3 ..< (4 + 3) * 3]))
    }

    func testMaskedFill() {
        var rng = SeededGenerator(seed: 73)
        let scores = Sample.parameter([2, 3, 4], &rng)
        // A key-padding mask [B, 1, L] broadcast over the query axis.
        let mask = Tensor(shape: [2, 1, 4], scalars: [1, 0, 0, 0, 1, 1, 0, 0])
        assertGradientsMatch([scores]) { $0[0].maskedFill(mask, value: -10000) }
        scores.zeroGrad()
        let filled = scores.maskedFill(mask, value: -10000)
        XCTAssertEqual(filled.value[1, 2, 1], -10000)
        XCTAssertEqual(filled.value[1, 2, 2], scores.value[1, 2, 2])
        filled.sum().backward()
        XCTAssertEqual(scores.grad!, Tensor.ones([2, 3, 4]) - mask)
    }
}
