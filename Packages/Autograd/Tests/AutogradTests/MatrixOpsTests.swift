import Autograd
import AutogradTestSupport
import Tensor
import XCTest

final class MatrixOpsTests: XCTestCase {
    func testPlainMatmulAllTranspositions() {
        var rng = SeededGenerator(seed: 40)
        // op(A) [3, 4], op(B) [4, 5] in every storage layout.
        for (transposeA, transposeB) in [(false, false), (true, false), (false, true), (true, true)] {
            let a = Sample.parameter(transposeA ? [4, 3] : [3, 4], &rng)
            let b = Sample.parameter(transposeB ? [5, 4] : [4, 5], &rng)
            assertGradientsMatch([a, b]) { $0[0].matmul($0[1], transposeA: transposeA, transposeB: transposeB) }
        }
    }

    func testSharedRightMatrix() {
        var rng = SeededGenerator(seed: 41)
        for (transposeA, transposeB) in [(false, false), (true, false), (false, true), (true, true)] {
            let a = Sample.parameter(transposeA ? [2, 4, 3] : [2, 3, 4], &rng)
            let b = Sample.parameter(transposeB ? [5, 4] : [4, 5], &rng)
            assertGradientsMatch([a, b]) { $0[0].matmul($0[1], transposeA: transposeA, transposeB: transposeB) }
        }
        // Rank 4 on the left: every leading axis flattens into rows.
        let a = Sample.parameter([2, 2, 3, 4], &rng), b = Sample.parameter([4, 2], &rng)
        assertGradientsMatch([a, b]) { $0[0].matmul($0[1]) }
    }

    func testBatchedMatmul() {
        var rng = SeededGenerator(seed: 42)
        for (transposeA, transposeB) in [(false, false), (true, false), (false, true), (true, true)] {
            let a = Sample.parameter(transposeA ? [3, 4, 2] : [3, 2, 4], &rng)
            let b = Sample.parameter(transposeB ? [3, 5, 4] : [3, 4, 5], &rng)
            assertGradientsMatch([a, b]) { $0[0].matmul($0[1], transposeA: transposeA, transposeB: transposeB) }
        }
    }

    func testMatmulWithOneFrozenSide() {
        var rng = SeededGenerator(seed: 43)
        let a = Variable(Tensor.normal([2, 3, 4], using: &rng)), b = Sample.parameter([2, 4, 2], &rng)
        assertGradientsMatch([a, b]) { $0[0].matmul($0[1]) }
        let c = Sample.parameter([2, 3, 4], &rng), d = Variable(Tensor.normal([4, 2], using: &rng))
        assertGradientsMatch([c, d]) { $0[0].matmul($0[1]) }
    }

    func testLinearGradients() {
        var rng = SeededGenerator(seed: 44)
        let x = Sample.parameter([2, 3, 4], &rng)
        let weight = Sample.parameter([5, 4], &rng), bias = Sample.parameter([5], &rng)
        assertGradientsMatch([x, weight, bias]) { $0[0].linear(weight: $0[1], bias: $0[2]) }
        assertGradientsMatch([x, weight]) { $0[0].linear(weight: $0[1], bias: nil) }
        let vector = Sample.parameter([4], &rng)
        assertGradientsMatch([vector, weight, bias]) { $0[0].linear(weight: $0[1], bias: $0[2]) }
    }

    func testLinearValueMatchesMatmulPlusBias() {
        var rng = SeededGenerator(seed: 45)
        let x = Variable(Tensor.normal([2, 3, 4], using: &rng))
        let weight = Variable(Tensor.normal([5, 4], using: &rng)), bias = Variable(Tensor.normal([5], using: &rng))
        let expected = Tensor.matmul(x.value, weight.value, transposeB: true) + bias.value
        XCTAssertEqual(x.linear(weight: weight, bias: bias).shape, [2, 3, 5])
        XCTAssertLessThan(x.linear(weight: weight, bias: bias).value.maxAbsDifference(expected), 1e-5)
        // Hand-checked single row: [1, 2]·[[1, 0], [2, -1], [0.5, 0.5]]ᵀ + [0, 1, -1] = [1, 1, 0.5].
        let row = Variable(Tensor(shape: [1, 2], scalars: [1, 2]))
        let w = Variable(Tensor(shape: [3, 2], scalars: [1, 0, 2, -1, 0.5, 0.5]))
        let b = Variable(Tensor(shape: [3], scalars: [0, 1, -1]))
        XCTAssertEqual(row.linear(weight: w, bias: b).value.scalars, [1, 1, 0.5])
    }

    func testLinearBiasGradientIsColumnSum() {
        var rng = SeededGenerator(seed: 46)
        let x = Variable(Tensor.normal([6, 3], using: &rng))
        let weight = Sample.parameter([2, 3], &rng), bias = Sample.parameter([2], &rng)
        let upstream = Tensor.normal([6, 2], using: &rng)
        x.linear(weight: weight, bias: bias).backward(seed: upstream)
        XCTAssertLessThan(bias.grad!.maxAbsDifference(upstream.sum(axis: 0)), 1e-5)
        XCTAssertLessThan(weight.grad!.maxAbsDifference(Tensor.matmul(upstream, x.value, transposeA: true)), 1e-5)
    }
}
