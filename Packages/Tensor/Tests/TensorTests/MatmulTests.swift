import XCTest
@testable import Tensor

final class MatmulTests: XCTestCase {
    /// Naive `op(a) · op(b)` for rank-2 `a`, `b`.
    func naive(_ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false) -> Tensor {
        let a2 = transposeA ? a.transposed() : a, b2 = transposeB ? b.transposed() : b
        let m = a2.shape[0], k = a2.shape[1], n = b2.shape[1]
        var out = Tensor.zeros([m, n])
        for i in 0..<m { for j in 0..<n {
            var s: Float = 0
            for p in 0..<k { s += a2[i, p] * b2[p, j] }
            out[i, j] = s
        } }
        return out
    }

    func testHandComputed2D() {
        let a = T([2, 3], [1, 2, 3, 4, 5, 6]), b = T([3, 2], [7, 8, 9, 10, 11, 12])
        assertClose(Tensor.matmul(a, b), T([2, 2], [58, 64, 139, 154]))
    }

    func testTransposesAgainstNaive() {
        var rng = SeededGenerator(seed: 21)
        let a = Tensor.normal([5, 7], using: &rng), b = Tensor.normal([7, 3], using: &rng)
        assertClose(Tensor.matmul(a, b), naive(a, b), tolerance: 1e-4)
        let at = a.transposed(), bt = b.transposed()
        assertClose(Tensor.matmul(at, b, transposeA: true), naive(a, b), tolerance: 1e-4)
        assertClose(Tensor.matmul(a, bt, transposeB: true), naive(a, b), tolerance: 1e-4)
        assertClose(Tensor.matmul(at, bt, transposeA: true, transposeB: true), naive(a, b), tolerance: 1e-4)
    }

    func testSharedRightMatrixOverLeadingAxes() {
        var rng = SeededGenerator(seed: 22)
        let x = Tensor.normal([2, 3, 4], using: &rng), w = Tensor.normal([5, 4], using: &rng)
        let y = Tensor.matmul(x, w, transposeB: true)  // x · wᵀ, as in a linear layer
        XCTAssertEqual(y.shape, [2, 3, 5])
        for b in 0..<2 {
            let expected = naive(x.slice(axis: 0, range: b..<(b + 1)).squeezed(axis: 0), w, transposeB: true)
            assertClose(y.slice(axis: 0, range: b..<(b + 1)).squeezed(axis: 0), expected, tolerance: 1e-4)
        }
    }

    func testBatched() {
        var rng = SeededGenerator(seed: 23)
        let a = Tensor.normal([3, 4, 2], using: &rng), b = Tensor.normal([3, 4, 5], using: &rng)
        let c = Tensor.matmul(a, b, transposeA: true)  // [3, 2, 5]
        XCTAssertEqual(c.shape, [3, 2, 5])
        let d = Tensor.matmul(b, a, transposeA: true)  // [3, 5, 2]
        for i in 0..<3 {
            let ai = a.slice(axis: 0, range: i..<(i + 1)).squeezed(axis: 0)
            let bi = b.slice(axis: 0, range: i..<(i + 1)).squeezed(axis: 0)
            assertClose(c.slice(axis: 0, range: i..<(i + 1)).squeezed(axis: 0), naive(ai, bi, transposeA: true), tolerance: 1e-4)
            assertClose(d.slice(axis: 0, range: i..<(i + 1)).squeezed(axis: 0), naive(bi, ai, transposeA: true), tolerance: 1e-4)
        }
        let e = Tensor.matmul(a, a, transposeB: true)  // [3, 4, 4], symmetric per batch
        assertClose(e, e.transposed(), tolerance: 1e-5)
    }

    /// The kernel family is OpenBLAS's answer, so it follows `OPENBLAS_CORETYPE` when that is set.
    func testBLASKernelNameIsOpenBLASsChoice() {
        let name = blasKernelName()
        XCTAssertFalse(name.isEmpty || name == "unknown", name)
        if let forced = ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"], !forced.isEmpty {
            XCTAssertEqual(name.lowercased(), forced.lowercased())
        }
    }
}
