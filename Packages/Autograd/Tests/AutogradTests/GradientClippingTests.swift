import XCTest
import Tensor
import Autograd

/// `clipGradientNorm` against the norm computed by hand.
final class GradientClippingTests: XCTestCase {
    private func parameter(grad: [Float]?) -> Parameter {
        let p = Parameter.parameter(Tensor(shape: [max(grad?.count ?? 1, 1)], scalars: [Float](repeating: 0, count: max(grad?.count ?? 1, 1))))
        p.grad = grad.map { Tensor(shape: [$0.count], scalars: $0) }
        return p
    }

    func testGradientsAboveTheLimitAreScaledToItAcrossAllParameters() {
        // ‖g‖ = sqrt(3² + 4² + 12²) = 13 over two parameters; a third has no gradient.
        let a = parameter(grad: [3, 4]), b = parameter(grad: [12]), unused = parameter(grad: nil)
        let norm = clipGradientNorm([a, b, unused], maxNorm: 2.6)
        XCTAssertEqual(norm, 13, accuracy: 1e-5)
        let scale: Float = 2.6 / (13 + 1e-6)
        XCTAssertEqual(a.grad!.scalars[0], 3 * scale, accuracy: 1e-6)
        XCTAssertEqual(a.grad!.scalars[1], 4 * scale, accuracy: 1e-6)
        XCTAssertEqual(b.grad!.scalars[0], 12 * scale, accuracy: 1e-6)
        XCTAssertNil(unused.grad)
        let clipped = (a.grad!.scalars + b.grad!.scalars).reduce(0) { $0 + $1 * $1 }.squareRoot()
        XCTAssertEqual(clipped, 2.6, accuracy: 1e-5)
    }

    func testGradientsWithinTheLimitAreUnchanged() {
        let a = parameter(grad: [0.3, -0.4])
        XCTAssertEqual(clipGradientNorm([a], maxNorm: 0.5), 0.5, accuracy: 1e-6)
        XCTAssertEqual(a.grad!.scalars, [0.3, -0.4])
    }
}
