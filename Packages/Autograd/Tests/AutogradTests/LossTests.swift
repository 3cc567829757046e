import Autograd
import AutogradTestSupport
import Tensor
import XCTest

final class LossTests: XCTestCase {
    func testBinaryCrossEntropyValueByHand() {
        let p = Variable(Tensor(shape: [2, 2], scalars: [0.9, 0.2, 0.6, 0.3]))
        let t = Tensor(shape: [2, 2], scalars: [1, 0, 1, 0])
        // −(ln 0.9 + ln 0.8 + ln 0.6 + ln 0.7) / 4
        let expected = -(log(0.9) + log(0.8) + log(0.6) + log(0.7)) / 4.0
        let loss = Variable.binaryCrossEntropy(p, targets: t)
        XCTAssertEqual(loss.shape, [])
        XCTAssertEqual(Double(loss.value.item), expected, accuracy: 1e-6)
    }

    func testBinaryCrossEntropyGradient() {
        var rng = SeededGenerator(seed: 90)
        let p = Sample.uniform([3, 5], 0.15, 0.85, &rng)
        let t = Tensor(shape: [3, 5], unsafeUninitializedScalars: { out in
            for i in 0..<out.count { out[i] = i % 3 == 0 ? 1 : 0 }
        })
        // Soft targets too (the formula is linear in t).
        let soft = Tensor.uniform([3, 5], low: 0, high: 1, using: &rng)
        assertGradientsMatch([p], step: 1e-3) { Variable.binaryCrossEntropy($0[0], targets: t) }
        assertGradientsMatch([p], step: 1e-3) { Variable.binaryCrossEntropy($0[0], targets: soft) }
    }

    func testBinaryCrossEntropyThroughSigmoid() {
        var rng = SeededGenerator(seed: 91)
        let logits = Sample.parameter([4, 5], &rng)
        let t = Tensor(shape: [4, 5], unsafeUninitializedScalars: { out in
            for i in 0..<out.count { out[i] = i % 5 == 0 ? 1 : 0 }
        })
        assertGradientsMatch([logits]) { Variable.binaryCrossEntropy($0[0].sigmoid(), targets: t) }
        // d/dlogit of mean BCE(σ(z)) is (σ(z) − t)/n.
        logits.zeroGrad()
        Variable.binaryCrossEntropy(logits.sigmoid(), targets: t).backward()
        let expected = (logits.value.sigmoid() - t) / 20
        XCTAssertLessThan(logits.grad!.maxAbsDifference(expected), 1e-6)
    }

    func testBinaryCrossEntropyClampsLogAtMinus100() {
        let p = Variable(Tensor(shape: [4], scalars: [0, 1, 1, 0]), requiresGrad: true)
        let t = Tensor(shape: [4], scalars: [1, 0, 1, 0])
        let loss = Variable.binaryCrossEntropy(p, targets: t)
        XCTAssertEqual(loss.value.item, 50, accuracy: 1e-4)  // (100 + 100 + 0 + 0) / 4
        loss.backward()
        XCTAssertTrue(p.grad!.scalars.allSatisfy(\.isFinite))
        XCTAssertLessThan(p.grad!.scalars[0], 0)
        XCTAssertGreaterThan(p.grad!.scalars[1], 0)
    }
}
