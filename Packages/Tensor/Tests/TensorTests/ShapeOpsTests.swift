import XCTest
@testable import Tensor

final class ShapeOpsTests: XCTestCase {
    func testTransposedSwapsLastTwoAxes() {
        assertClose(iota([2, 3]).transposed(), T([3, 2], [0, 3, 1, 4, 2, 5]))
        let batched = iota([2, 2, 3]).transposed()
        assertClose(batched, T([2, 3, 2], [0, 3, 1, 4, 2, 5, 6, 9, 7, 10, 8, 11]))
        // Larger than one 32×32 tile, against the element formula.
        let big = iota([45, 70]).transposed()
        XCTAssertEqual(big.shape, [70, 45])
        XCTAssertEqual(big[69, 44], Float(44 * 70 + 69))
        XCTAssertEqual(big[33, 40], Float(40 * 70 + 33))
    }

    func testPermuted() {
        let x = iota([2, 3, 4])  // x[i, j, k] = 12i + 4j + k
        let p = x.permuted([2, 0, 1])
        XCTAssertEqual(p.shape, [4, 2, 3])
        for i in 0..<2 { for j in 0..<3 { for k in 0..<4 {
            XCTAssertEqual(p[k, i, j], x[i, j, k])
        } } }
        // Axes kept at the end are copied as blocks: [1, 0, 2].
        let q = x.permuted([1, 0, -1])
        XCTAssertEqual(q.shape, [3, 2, 4])
        for i in 0..<2 { for j in 0..<3 { for k in 0..<4 {
            XCTAssertEqual(q[j, i, k], x[i, j, k])
        } } }
        assertClose(x.permuted([0, 2, 1]), x.transposed())
        assertClose(x.permuted([0, 1, 2]), x)
    }

    func testSlice() {
        let x = iota([2, 3, 2])
        assertClose(x.slice(axis: 1, range: 1..<3), T([2, 2, 2], [2, 3, 4, 5, 8, 9, 10, 11]))
        assertClose(x.slice(axis: -1, range: 0..<1), T([2, 3, 1], [0, 2, 4, 6, 8, 10]))
        assertClose(x.slice(axis: 0, range: 1..<2), T([1, 3, 2], [6, 7, 8, 9, 10, 11]))
        XCTAssertEqual(x.slice(axis: 1, range: 2..<2).shape, [2, 0, 2])
    }

    func testConcatSplitAndChunk() {
        let a = T([2, 1], [1, 2]), b = T([2, 2], [3, 4, 5, 6])
        let joined = Tensor.concat([a, b], axis: 1)
        assertClose(joined, T([2, 3], [1, 3, 4, 2, 5, 6]))
        assertClose(Tensor.concat([b, b], axis: -2), T([4, 2], [3, 4, 5, 6, 3, 4, 5, 6]))
        let parts = joined.split(axis: -1, sizes: [1, 2])
        assertClose(parts[0], a)
        assertClose(parts[1], b)
        let chunks = iota([2, 6]).chunked(3, axis: 1)
        XCTAssertEqual(chunks.count, 3)
        assertClose(chunks[2], T([2, 2], [4, 5, 10, 11]))
        // PyTorch semantics: 5 split into chunks of ⌈5/3⌉ = 2 → sizes 2, 2, 1.
        XCTAssertEqual(iota([5]).chunked(3, axis: 0).map(\.shape), [[2], [2], [1]])
        // Round trip over the middle axis.
        let x = iota([2, 6, 3])
        assertClose(Tensor.concat(x.chunked(3, axis: 1), axis: 1), x)
    }

    func testExpandAndSqueeze() {
        let x = iota([2, 3])
        XCTAssertEqual(x.expandingDims(at: 0).shape, [1, 2, 3])
        XCTAssertEqual(x.expandingDims(at: -1).shape, [2, 3, 1])
        XCTAssertEqual(x.expandingDims(at: 1).shape, [2, 1, 3])
        XCTAssertEqual(x.expandingDims(at: 1).squeezed(axis: 1).shape, [2, 3])
        XCTAssertEqual(x.expandingDims(at: -1).squeezed(axis: -1).scalars, x.scalars)
    }
}
