import Autograd
import AutogradTestSupport
import Tensor
import XCTest

final class ReductionsTests: XCTestCase {
    func testSumAndMeanOfAll() {
        var rng = SeededGenerator(seed: 50)
        let x = Sample.parameter([3, 4], &rng)
        assertGradientsMatch([x]) { $0[0].sum() }
        assertGradientsMatch([x]) { $0[0].mean() }
        XCTAssertEqual(x.sum().shape, [])
        x.zeroGrad()
        x.mean().backward()
        XCTAssertEqual(x.grad!.scalars, [Float](repeating: 1.0 / 12, count: 12))
    }

    func testSumAlongAxes() {
        var rng = SeededGenerator(seed: 51)
        let x = Sample.parameter([2, 3, 4], &rng)
        for axis in [0, 1, 2, -1, -2] {
            for keepDims in [false, true] {
                assertGradientsMatch([x]) { $0[0].sum(axis: axis, keepDims: keepDims) }
            }
        }
        XCTAssertEqual(x.sum(axis: -1).shape, [2, 3])
        XCTAssertEqual(x.sum(axis: 1, keepDims: true).shape, [2, 1, 4])
    }

    func testMeanAlongAxes() {
        var rng = SeededGenerator(seed: 52)
        let x = Sample.parameter([2, 3, 4], &rng)
        for axis in [0, 1, -1] {
            for keepDims in [false, true] {
                assertGradientsMatch([x]) { $0[0].mean(axis: axis, keepDims: keepDims) }
            }
        }
        let m = Variable(Tensor(shape: [2, 2], scalars: [1, 2, 3, 5]), requiresGrad: true)
        XCTAssertEqual(m.mean(axis: -1).value.scalars, [1.5, 4])
        m.mean(axis: 0).sum().backward()
        XCTAssertEqual(m.grad!.scalars, [0.5, 0.5, 0.5, 0.5])
    }
}
