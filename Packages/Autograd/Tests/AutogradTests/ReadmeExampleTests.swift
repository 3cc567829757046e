import Autograd
import Tensor
import XCTest

/// The example of `Packages/Autograd/README.md`, verbatim, with what its comments state.
/// If this test needs a change, the README needs the same change.
final class ReadmeExampleTests: XCTestCase {
    func testReadmeExample() throws {
        // --- README example (keep identical to the README) ---
        // Gradients of a scalar with respect to a leaf.
        let x = Variable(Tensor(shape: [3], scalars: [1, 2, 3]), requiresGrad: true)
        (x * x).sum().backward()
        let once = x.grad!                                       // 2x = [2, 4, 6]
        (x * x).sum().backward()
        let twice = x.grad!                                      // accumulated: [4, 8, 12]
        x.zeroGrad()                                             // x.grad = nil

        // A tiny model: Linear(3 → 1) and a sigmoid, trained with binary cross-entropy and Adam.
        var rng = SeededGenerator(seed: 7)
        let model = Sequential([Linear(inFeatures: 3, outFeatures: 1, rng: &rng), Sigmoid()])
        let names = model.namedParameters().map(\.0)             // ["0.weight", "0.bias"]
        let inputs = Variable(Tensor(shape: [4, 3], scalars: [1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 1]))
        let targets = Tensor(shape: [4, 1], scalars: [1, 0, 1, 0])
        let optimizer = Adam(parameters: model.namedParameters(), learningRate: 0.1)
        var losses: [Float] = []
        for _ in 0..<20 {
            optimizer.zeroGrad()
            let loss = Variable.binaryCrossEntropy(model(inputs), targets: targets)  // shape []
            loss.backward()                                      // fills the parameters' grad
            optimizer.step()                                     // one Adam update
            losses.append(loss.value.item)                       // decreasing
        }
        let weightGradShape = model.namedParameters()[0].1.grad!.shape  // [1, 3], the weight's shape
        let state = model.stateDict()                            // "0.weight" [1, 3], "0.bias" [1]
        let optimizerState = optimizer.stateDict()               // "step", "0.weight.exp_avg", …

        // Evaluation: no graph is recorded.
        let probabilities = withoutGradients { model(inputs) }   // a constant: requiresGrad == false
        // --- end of README example ---

        XCTAssertEqual(once, Tensor(shape: [3], scalars: [2, 4, 6]))
        XCTAssertEqual(twice, Tensor(shape: [3], scalars: [4, 8, 12]))
        XCTAssertNil(x.grad)

        XCTAssertEqual(names, ["0.weight", "0.bias"])
        XCTAssertEqual(losses.count, 20)
        XCTAssertTrue(losses.allSatisfy { $0.isFinite })
        XCTAssertLessThan(losses[3], losses[0], "the loss decreases after a few steps: \(losses)")
        XCTAssertLessThan(losses[19], losses[0] * 0.8, "training makes real progress: \(losses)")
        XCTAssertEqual(weightGradShape, [1, 3])
        XCTAssertEqual(model.namedParameters()[1].1.grad?.shape, [1])
        XCTAssertEqual(optimizer.stepCount, 20)

        XCTAssertFalse(probabilities.requiresGrad)
        XCTAssertTrue(probabilities.isLeaf)
        XCTAssertEqual(probabilities.shape, [4, 1])
        // The trained model separates the classes.
        let predicted = probabilities.value.scalars.map { $0 > 0.5 ? Float(1) : 0 }
        XCTAssertEqual(predicted, targets.scalars, "probabilities \(probabilities.value.scalars)")

        try checkStateDicts(state, optimizerState, inputs: inputs, probabilities: probabilities)
    }

    /// What the example's comments say of the model's and the optimiser's state dicts after 20 steps.
    private func checkStateDicts(_ state: [String: Tensor], _ optimizerState: [String: Tensor], inputs: Variable,
                                 probabilities: Variable) throws {
        XCTAssertEqual(Set(state.keys), ["0.weight", "0.bias"])
        XCTAssertEqual(state["0.weight"]?.shape, [1, 3])
        XCTAssertEqual(state["0.bias"]?.shape, [1])
        XCTAssertEqual(Set(optimizerState.keys), [
            "step",
            "0.weight.step", "0.weight.exp_avg", "0.weight.exp_avg_sq",
            "0.bias.step", "0.bias.exp_avg", "0.bias.exp_avg_sq",
        ])
        XCTAssertEqual(optimizerState["step"]?.scalars, [20])

        // The state dict round-trips into a fresh model of the same shape.
        let copy = Sequential([Linear(inFeatures: 3, outFeatures: 1), Sigmoid()])
        try copy.loadStateDict(state)
        XCTAssertEqual(withoutGradients { copy(inputs) }.value, probabilities.value)
        XCTAssertThrowsError(try copy.loadStateDict(["0.weight": state["0.weight"]!]))  // strict: bias missing
    }

    /// Frozen parameters get no gradient and the optimiser leaves them untouched (README § Optimisers).
    func testFrozenParameterIsSkipped() {
        var rng = SeededGenerator(seed: 8)
        let layer = Linear(inFeatures: 2, outFeatures: 2, rng: &rng)
        layer.bias!.requiresGrad = false
        let before = layer.bias!.value
        let optimizer = Adam(parameters: layer.namedParameters(), learningRate: 0.1)
        let loss = layer(Variable(Tensor.ones([3, 2]))).squared().mean()
        loss.backward()
        optimizer.step()
        XCTAssertNil(layer.bias!.grad)
        XCTAssertEqual(layer.bias!.value, before)
        XCTAssertNotNil(layer.weight.grad)
        XCTAssertEqual(Set(optimizer.stateDict().keys), ["step", "weight.step", "weight.exp_avg", "weight.exp_avg_sq"])
    }
}
