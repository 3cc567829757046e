@testable import Autograd
import AutogradTestSupport
import Tensor
import XCTest

/// Graph bookkeeping of `Variable`: accumulation, release of the graph, no-gradient scopes, frozen leaves.
final class CoreTests: XCTestCase {
    func testBackwardAccumulatesIntoLeavesAcrossCalls() {
        var rng = SeededGenerator(seed: 10)
        let w = Sample.parameter([3, 2], &rng)
        let x = Variable(Tensor.normal([4, 3], using: &rng))
        x.matmul(w).tanh().sum().backward()
        let once = w.grad!
        x.matmul(w).tanh().sum().backward()
        XCTAssertLessThan(w.grad!.maxAbsDifference(2 * once), 1e-6)
        w.zeroGrad()
        XCTAssertNil(w.grad)
    }

    func testLeafUsedTwiceGetsBothContributions() {
        let x = Variable(Tensor(shape: [2], scalars: [1.5, -2]), requiresGrad: true)
        (x * x + x).sum().backward()  // d/dx (x² + x) = 2x + 1
        XCTAssertEqual(x.grad!.scalars, [4, -3])
    }

    func testGraphIsReleasedAfterBackward() {
        var rng = SeededGenerator(seed: 11)
        let w = Sample.parameter([3, 3], &rng)
        weak var weakInterior: Variable?
        weak var weakLoss: Variable?
        do {
            let interior = (w * 2).sigmoid()
            weakInterior = interior
            let loss = (interior * interior).sum()
            weakLoss = loss
            XCTAssertFalse(interior.isLeaf)
            loss.backward()
            XCTAssertNil(interior.grad, "interior gradients are dropped")
            XCTAssertTrue(interior.inputs.isEmpty && interior.isLeaf, "interior node forgets its inputs")
            XCTAssertTrue(loss.inputs.isEmpty)
        }
        XCTAssertNil(weakInterior, "nothing keeps the interior alive once the result is dropped")
        XCTAssertNil(weakLoss)
        XCTAssertNotNil(w.grad)
    }

    func testWithoutGradientsRecordsNothing() {
        var rng = SeededGenerator(seed: 12)
        let w = Sample.parameter([2, 2], &rng)
        let y = withoutGradients { (w * w).exp().sum() }
        XCTAssertTrue(y.isLeaf)
        XCTAssertFalse(y.requiresGrad)
        XCTAssertTrue(y.inputs.isEmpty)
        XCTAssertTrue(GradientMode.isEnabled, "the scope restores recording")
        XCTAssertFalse(withoutGradients { GradientMode.isEnabled })
    }

    func testFrozenInputsGetNoGradient() {
        var rng = SeededGenerator(seed: 13)
        let x = Variable(Tensor.normal([4, 3], using: &rng))
        let w = Sample.parameter([2, 3], &rng)
        let b = Sample.parameter([2], &rng)
        b.requiresGrad = false
        x.linear(weight: w, bias: b).relu().sum().backward()
        XCTAssertNotNil(w.grad)
        XCTAssertNil(b.grad)
        XCTAssertNil(x.grad)

        w.requiresGrad = false
        let y = x.linear(weight: w, bias: b)
        XCTAssertTrue(y.isLeaf && !y.requiresGrad, "no input needs a gradient: nothing is recorded")
    }
}
