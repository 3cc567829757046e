import XCTest
import CTensorKernels
import Tensor
@testable import Autograd

/// Parameters keep `TransposedPanels` of their value for batch-invariant inference: the products
/// that read them must give the bits of the plain products, and the panels must follow every
/// change of the value (assignment, in-place mutation as optimisers do).
final class InferenceLayoutsTests: XCTestCase {
    private func requireVectorPath() throws {
        guard adr_transposed_panels_width() > 0 else {
            throw XCTSkip("this CPU has neither AVX-512 nor AVX2: parameters keep no panels here")
        }
    }

    /// `x · Wᵀ + b` inside `withBatchInvariantProducts`, without gradients.
    private func inference(_ x: Tensor, _ weight: Variable, _ bias: Variable) -> Tensor {
        withBatchInvariantProducts { withoutGradients { Variable(x).linear(weight: weight, bias: bias).value } }
    }

    func testLinearWithPanelsGivesThePlainBits() throws {
        try requireVectorPath()
        var rng = SeededGenerator(seed: 7)
        for (rows, outFeatures, inFeatures) in [(1, 64, 128), (5, 48, 64), (25, 192, 128), (3, 20, 13)] {
            let x = Tensor.normal([rows, inFeatures], using: &rng)
            let w = Tensor.normal([outFeatures, inFeatures], using: &rng), b = Tensor.normal([outFeatures], using: &rng)
            let parameter = Variable.parameter(w)
            XCTAssertNotNil(withBatchInvariantProducts { parameter.transposedPanels }, "a [\(outFeatures), \(inFeatures)] parameter keeps panels")
            XCTAssertNil(parameter.transposedPanels, "panels are only handed out inside withBatchInvariantProducts")
            XCTAssertNil(withBatchInvariantProducts { Variable(w).transposedPanels }, "plain variables keep none")
            let withPanels = inference(x, parameter, .parameter(b))
            let plain = inference(x, Variable(w), Variable(b))
            XCTAssertEqual(withPanels.scalars.map(\.bitPattern), plain.scalars.map(\.bitPattern),
                           "rows \(rows) out \(outFeatures) in \(inFeatures)")
        }
    }

    func testPanelsFollowEveryChangeOfTheValue() throws {
        try requireVectorPath()
        var rng = SeededGenerator(seed: 8)
        let x = Tensor.normal([4, 32], using: &rng)
        let weight = Variable.parameter(.normal([32, 32], using: &rng)), bias = Variable(.zeros([32]))
        _ = inference(x, weight, bias)   // builds the panels of the first value

        weight.value = .normal([32, 32], using: &rng)
        XCTAssertEqual(inference(x, weight, bias), inference(x, Variable(weight.value), bias), "after assignment")

        _ = inference(x, weight, bias)
        weight.value.scalars.withUnsafeMutableBufferPointer { w in for i in w.indices { w[i] *= -0.5 } }
        XCTAssertEqual(inference(x, weight, bias), inference(x, Variable(weight.value), bias), "after in-place mutation")

        _ = inference(x, weight, bias)
        weight.grad = .ones([32, 32])
        let optimizer = SGD(parameters: [("weight", weight)], learningRate: 0.1)
        optimizer.step()
        XCTAssertEqual(inference(x, weight, bias), inference(x, Variable(weight.value), bias), "after an optimiser step")
    }

    /// The GRU reads the panels of `W_ih` and `W_hh` in inference; its states keep their bits.
    func testGRUWithPanelsGivesThePlainBits() throws {
        try requireVectorPath()
        var rng = SeededGenerator(seed: 9)
        let gru = GRU(inputSize: 24, hiddenSize: 32, rng: &rng)
        let input = Tensor.normal([2, 7, 24], using: &rng)
        let run = { (weights: [Variable]) -> Tensor in
            withBatchInvariantProducts {
                withoutGradients {
                    Variable.gru(input: Variable(input), weightIH: weights[0], weightHH: weights[1],
                                 biasIH: weights[2], biasHH: weights[3]).value
                }
            }
        }
        let parameters = [gru.weightsIH[0], gru.weightsHH[0], gru.biasesIH[0], gru.biasesHH[0]]
        let withPanels = run(parameters)
        let plain = run(parameters.map { Variable($0.value) })
        XCTAssertEqual(withPanels.scalars.map(\.bitPattern), plain.scalars.map(\.bitPattern))
    }
}
