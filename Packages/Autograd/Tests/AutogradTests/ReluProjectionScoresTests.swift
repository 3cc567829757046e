import Autograd
import AutogradTestSupport
import Tensor
import XCTest

final class ReluProjectionScoresTests: XCTestCase {
    /// The same logits by the unfused ops: `relu(linear(x) + extraBias) · query` per row.
    private func composed(_ x: Variable, _ w: Variable, _ b: Variable, _ extra: Variable, _ q: Variable) -> Variable {
        let (batch, length) = (x.shape[0], x.shape[1])
        return (x.linear(weight: w, bias: b) + extra).relu().matmul(q.expandingDims(at: 2)).reshaped([batch, length])
    }

    func testHandComputedValue() {
        // D = 1, E = 2: k = relu([2x + 0.5 + 0, −x + 0 + 1]), logits = k · [1, 3].
        let x = Variable(Tensor(shape: [1, 2, 1], scalars: [1, 4]))
        let w = Variable(Tensor(shape: [2, 1], scalars: [2, -1]))
        let b = Variable(Tensor(shape: [2], scalars: [0.5, 0])), extra = Variable(Tensor(shape: [2], scalars: [0, 1]))
        let q = Variable(Tensor(shape: [1, 2], scalars: [1, 3]))
        // t = 0: k = [2.5, 0] → 2.5; t = 1: k = [8.5, relu(−3)] → 8.5.
        XCTAssertEqual(x.reluProjectionScores(weight: w, bias: b, extraBias: extra, query: q).value.scalars, [2.5, 8.5])
    }

    func testGradients() {
        var rng = SeededGenerator(seed: 113)
        let x = Sample.parameter([2, 5, 3], &rng), w = Sample.parameter([4, 3], &rng)
        let b = Sample.parameter([4], &rng), extra = Sample.parameter([4], &rng), q = Sample.parameter([2, 4], &rng)
        // Finite differences are only meaningful away from the ReLU's kink: the seed keeps every
        // pre-activation clear of 0.
        let preActivations = (x.linear(weight: w, bias: b) + extra).value.scalars
        XCTAssertGreaterThan(preActivations.map(abs).min()!, 0.01)
        assertGradientsMatch([x, w, b, extra, q]) {
            $0[0].reluProjectionScores(weight: $0[1], bias: $0[2], extraBias: $0[3], query: $0[4])
        }
    }

    /// 4,500 rows run as two blocks (4,096 + 404); values and every gradient equal the unfused ops'.
    func testSeveralBlocksMatchUnfusedOps() {
        var rng = SeededGenerator(seed: 111)
        func parameter(_ shape: [Int]) -> Variable { Variable(Tensor.normal(shape, using: &rng), requiresGrad: true) }
        let x = parameter([3, 1500, 2]), w = parameter([3, 2]), b = parameter([3]), extra = parameter([3])
        let q = parameter([3, 3])
        let seed = Tensor.normal([3, 1500], using: &rng)
        let inputs = [x, w, b, extra, q]
        func run(_ body: () -> Variable) -> (Tensor, [Tensor]) {
            for input in inputs { input.grad = nil }
            let y = body()
            y.backward(seed: seed)
            return (y.value, inputs.map { $0.grad! })
        }
        let (fused, fusedGrads) = run { x.reluProjectionScores(weight: w, bias: b, extraBias: extra, query: q) }
        let (plain, plainGrads) = run { composed(x, w, b, extra, q) }
        XCTAssertLessThan(fused.maxAbsDifference(plain), 1e-5)
        for (index, (a, e)) in zip(fusedGrads, plainGrads).enumerated() {
            let scale = max(1, e.scalars.map(abs).max() ?? 0)
            XCTAssertLessThan(a.maxAbsDifference(e) / scale, 1e-5, "input \(index)")
        }
    }
}
