import Autograd
import AutogradTestSupport
import Tensor
import XCTest

final class ShapeOpsTests: XCTestCase {
    func testReshapeTransposePermute() {
        var rng = SeededGenerator(seed: 60)
        let x = Sample.parameter([2, 3, 4], &rng)
        assertGradientsMatch([x]) { $0[0].reshaped([6, -1]) }
        assertGradientsMatch([x]) { $0[0].transposed() }
        assertGradientsMatch([x]) { $0[0].permuted([2, 0, 1]) }
        assertGradientsMatch([x]) { $0[0].permuted([1, -1, 0]) }
        XCTAssertEqual(x.permuted([2, 0, 1]).shape, [4, 2, 3])
    }

    func testSlice() {
        var rng = SeededGenerator(seed: 61)
        let x = Sample.parameter([2, 5, 3], &rng)
        assertGradientsMatch([x]) { $0[0].slice(axis: 1, range: 1..<4) }
        assertGradientsMatch([x]) { $0[0].slice(axis: -1, range: 2..<3) }
        x.zeroGrad()
        x.slice(axis: 1, range: 4..<5).sum().backward()
        // Only the last time step receives gradient.
        let expected = Tensor(shape: [2, 5, 3], unsafeUninitializedScalars: { out in
            for i in 0..<out.count { out[i] = (i / 3) % 5 == 4 ? 1 : 0 }
        })
        XCTAssertEqual(x.grad, expected)
    }

    func testConcat() {
        var rng = SeededGenerator(seed: 62)
        let a = Sample.parameter([2, 1, 3], &rng), b = Sample.parameter([2, 4, 3], &rng)
        let frozen = Variable(Tensor.normal([2, 2, 3], using: &rng))
        assertGradientsMatch([a, frozen, b]) { Variable.concat($0, axis: 1) }
        assertGradientsMatch([a, b]) { Variable.concat([$0[1], $0[0], $0[1]], axis: -2) }
        let c = Sample.parameter([2, 4, 2], &rng)
        assertGradientsMatch([b, c]) { Variable.concat($0, axis: -1) }
    }

    func testSplitAndChunk() {
        var rng = SeededGenerator(seed: 63)
        let x = Sample.parameter([2, 3, 7], &rng)
        assertGradientsMatch([x]) { inputs in
            let parts = inputs[0].split(axis: -1, sizes: [2, 4, 1])
            XCTAssertEqual(parts.map(\.shape), [[2, 3, 2], [2, 3, 4], [2, 3, 1]])
            return parts[0].sum(axis: -1) * parts[2].squeezed(axis: -1) + parts[1].mean(axis: -1)
        }
        // Unused pieces contribute nothing.
        assertGradientsMatch([x]) { $0[0].split(axis: 1, sizes: [1, 2])[1] }
        assertGradientsMatch([x]) { inputs in
            let chunks = inputs[0].chunked(3, axis: 2)
            XCTAssertEqual(chunks.map { $0.shape[2] }, [3, 3, 1])  // PyTorch's chunk sizes
            return chunks[0] * chunks[1] + chunks[2]
        }
    }

    func testExpandSqueezeBroadcast() {
        var rng = SeededGenerator(seed: 64)
        let x = Sample.parameter([2, 3], &rng)
        assertGradientsMatch([x]) { $0[0].expandingDims(at: 1) }
        assertGradientsMatch([x]) { $0[0].expandingDims(at: -1).squeezed(axis: 2) }
        assertGradientsMatch([x]) { $0[0].expandingDims(at: 1).broadcast(to: [2, 4, 3]) }
        let row = Sample.parameter([1, 3], &rng)
        assertGradientsMatch([row]) { $0[0].broadcast(to: [2, 5, 3]) }
        XCTAssertEqual(x.expandingDims(at: -1).shape, [2, 3, 1])
    }
}
