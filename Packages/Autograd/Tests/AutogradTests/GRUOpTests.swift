import XCTest
import CAutogradKernels
import CTensorKernels
import Tensor
@testable import Autograd
import AutogradTestSupport

/// The fused GRU op against a naive step-by-step reference in `Double`, and its gradients against
/// central finite differences.
final class GRUOpTests: XCTestCase {
    /// A tiny GRU problem: inputs, weights and an upstream gradient `R`.
    struct Problem {
        var batch, length, inputSize, hiddenSize: Int
        var x, weightIH, weightHH: Tensor
        var biasIH, biasHH, h0: Tensor?
        var upstream: Tensor

        init(batch: Int, length: Int, inputSize: Int, hiddenSize: Int, biases: Bool, initialState: Bool, seed: UInt64) {
            var rng = SeededGenerator(seed: seed)
            (self.batch, self.length, self.inputSize, self.hiddenSize) = (batch, length, inputSize, hiddenSize)
            x = .uniform([batch, length, inputSize], low: -1, high: 1, using: &rng)
            weightIH = .uniform([3 * hiddenSize, inputSize], low: -0.6, high: 0.6, using: &rng)
            weightHH = .uniform([3 * hiddenSize, hiddenSize], low: -0.6, high: 0.6, using: &rng)
            if biases {
                biasIH = .uniform([3 * hiddenSize], low: -0.5, high: 0.5, using: &rng)
                biasHH = .uniform([3 * hiddenSize], low: -0.5, high: 0.5, using: &rng)
            }
            if initialState { h0 = .uniform([batch, hiddenSize], low: -0.8, high: 0.8, using: &rng) }
            upstream = .uniform([batch, length, hiddenSize], low: -1, high: 1, using: &rng)
        }

        /// PyTorch's GRU, one step and one unit at a time, in `Double`: `[B, L, H]`.
        func reference() -> [Double] {
            let (b, l, n, h) = (batch, length, inputSize, hiddenSize)
            func w(_ t: Tensor, _ row: Int, _ col: Int, _ cols: Int) -> Double { Double(t.scalars[row * cols + col]) }
            func bias(_ t: Tensor?, _ i: Int) -> Double { t.map { Double($0.scalars[i]) } ?? 0 }
            func sigmoid(_ v: Double) -> Double { 1 / (1 + Foundation.exp(-v)) }
            var out = [Double](repeating: 0, count: b * l * h)
            for s in 0..<b {
                var state = (0..<h).map { j in h0.map { Double($0.scalars[s * h + j]) } ?? 0 }
                for t in 0..<l {
                    let xt = (0..<n).map { Double(x.scalars[(s * l + t) * n + $0]) }
                    var next = state
                    for j in 0..<h {
                        func gi(_ gate: Int) -> Double {
                            (0..<n).reduce(bias(biasIH, gate * h + j)) { $0 + w(weightIH, gate * h + j, $1, n) * xt[$1] }
                        }
                        func gh(_ gate: Int) -> Double {
                            (0..<h).reduce(bias(biasHH, gate * h + j)) { $0 + w(weightHH, gate * h + j, $1, h) * state[$1] }
                        }
                        let r = sigmoid(gi(0) + gh(0)), z = sigmoid(gi(1) + gh(1))
                        let nGate = Foundation.tanh(gi(2) + r * gh(2))
                        next[j] = (1 - z) * nGate + z * state[j]
                        out[(s * l + t) * h + j] = next[j]
                    }
                    state = next
                }
            }
            return out
        }

        /// Leaves for the op, all requiring gradients.
        func variables() -> [Variable] {
            [x, weightIH, weightHH, biasIH, biasHH, h0].compactMap { $0 }.map { Variable($0, requiresGrad: true) }
        }

        func run(_ v: [Variable]) -> Variable {
            var rest = v.dropFirst(3).makeIterator()
            let bIH = biasIH != nil ? rest.next() : nil
            let bHH = biasHH != nil ? rest.next() : nil
            let state = h0 != nil ? rest.next() : nil
            return Variable.gru(input: v[0], h0: state, weightIH: v[1], weightHH: v[2], biasIH: bIH, biasHH: bHH)
        }

        /// Σ out ⊙ R in `Double`.
        func loss(_ v: [Variable]) -> Double {
            let out = withoutGradients { run(v) }.value.scalars
            return zip(out, upstream.scalars).reduce(0) { $0 + Double($1.0) * Double($1.1) }
        }
    }

    private func assertMatchesReference(_ p: Problem, file: StaticString = #filePath, line: UInt = #line) {
        let out = p.run(p.variables())
        XCTAssertEqual(out.shape, [p.batch, p.length, p.hiddenSize], file: file, line: line)
        let expected = p.reference()
        var worst = 0.0
        for (a, e) in zip(out.value.scalars, expected) { worst = max(worst, abs(Double(a) - e)) }
        XCTAssertLessThan(worst, 2e-6, "largest deviation from the reference", file: file, line: line)
    }

    func testForwardMatchesReferenceWithBiases() {
        assertMatchesReference(Problem(batch: 3, length: 5, inputSize: 4, hiddenSize: 10, biases: true, initialState: false, seed: 1))
    }

    func testForwardMatchesReferenceWithoutBiases() {
        assertMatchesReference(Problem(batch: 2, length: 4, inputSize: 3, hiddenSize: 8, biases: false, initialState: false, seed: 2))
    }

    func testForwardMatchesReferenceWithInitialState() {
        assertMatchesReference(Problem(batch: 2, length: 3, inputSize: 5, hiddenSize: 6, biases: true, initialState: true, seed: 3))
    }

    /// Enough rows to split the batch over two threads: the parts must agree with the reference.
    func testForwardAndBackwardSplitOverThreadsMatchSingleThread() {
        let p = Problem(batch: 70, length: 4, inputSize: 3, hiddenSize: 9, biases: true, initialState: true, seed: 4)
        let previousThreads = blasThreads()
        defer { setBLASThreads(previousThreads) }
        setBLASThreads(2)
        let split = GRUSequence(input: p.x, h0: nil, weightIH: p.weightIH, weightHH: p.weightHH, hiddenSize: 9)
        XCTAssertEqual(split.chunks.count, 2)
        assertMatchesReference(p)
        let v2 = p.variables()
        p.run(v2).backward(seed: p.upstream)
        setBLASThreads(1)
        let v1 = p.variables()
        p.run(v1).backward(seed: p.upstream)
        for (a, b) in zip(v1, v2) {
            for (x, y) in zip(a.grad!.scalars, b.grad!.scalars) { XCTAssertEqual(x, y, accuracy: 1e-4 * max(1, abs(x))) }
        }
    }

    /// A single row (projected ahead, `projectAheadRows`) gives bit for bit the outputs it has inside a
    /// 40-row batch (projected step by step) when products are batch-invariant, as serving requires.
    func testOneRowMatchesItsRowInALargeBatchUnderBatchInvariantProducts() {
        let p = Problem(batch: 40, length: 6, inputSize: 5, hiddenSize: 7, biases: true, initialState: false, seed: 12)
        withBatchInvariantProducts {
            let all = p.run(p.variables()).value
            for row in [0, 17, 39] {
                var single = p
                single.batch = 1
                single.x = p.x.slice(axis: 0, range: row..<(row + 1))
                let one = single.run(single.variables()).value
                XCTAssertEqual(one.scalars, all.slice(axis: 0, range: row..<(row + 1)).scalars, "row \(row)")
            }
        }
    }

    /// Large batches run as several chunks per thread, on one and on two threads.
    func testSeveralChunksPerThreadMatchReference() {
        let p = Problem(batch: 1100, length: 3, inputSize: 3, hiddenSize: 5, biases: true, initialState: true, seed: 11)
        let previousThreads = blasThreads()
        defer { setBLASThreads(previousThreads) }
        var gradients: [[Tensor]] = []
        for threads in [1, 2] {
            setBLASThreads(threads)
            let sequence = GRUSequence(input: p.x, h0: p.h0, weightIH: p.weightIH, weightHH: p.weightHH, hiddenSize: 5)
            XCTAssertEqual(sequence.chunks.count, 4)
            XCTAssertEqual(sequence.threads, threads)
            assertMatchesReference(p)
            let v = p.variables()
            p.run(v).backward(seed: p.upstream)
            gradients.append(v.map { $0.grad! })
        }
        for (a, b) in zip(gradients[0], gradients[1]) {
            for (x, y) in zip(a.scalars, b.scalars) { XCTAssertEqual(x, y, accuracy: 1e-4 * max(1, abs(x))) }
        }
    }

    /// ∂(Σ out ⊙ R)/∂(x, W_ih, W_hh, b_ih, b_hh, h0) against central differences.
    private func assertGradientsMatchFiniteDifferences(_ p: Problem, file: StaticString = #filePath, line: UInt = #line) {
        let leaves = p.variables()
        p.run(leaves).backward(seed: p.upstream)
        let names = ["input", "weightIH", "weightHH"] + (p.biasIH != nil ? ["biasIH", "biasHH"] : []) + (p.h0 != nil ? ["h0"] : [])
        let tolerance = GradientTolerance(absolute: 2e-3, relative: 1e-2, scale: .numeric)
        var report = GradientCheckReport()
        for (k, leaf) in leaves.enumerated() {
            guard let grad = leaf.grad else { XCTFail("no gradient for \(names[k])", file: file, line: line); continue }
            XCTAssertEqual(grad.shape, leaf.shape, file: file, line: line)
            for i in 0..<leaf.value.count {
                report.compare(leaf, index: i, analytic: Double(grad.scalars[i]), input: k, name: names[k],
                               step: 1e-2, tolerance: tolerance) { p.loss(leaves) }
            }
        }
        report.assertPassed(file: file, line: line)
    }

    func testGradientsWithBiases() {
        assertGradientsMatchFiniteDifferences(Problem(batch: 2, length: 3, inputSize: 3, hiddenSize: 5, biases: true, initialState: false, seed: 5))
    }

    func testGradientsWithoutBiases() {
        assertGradientsMatchFiniteDifferences(Problem(batch: 2, length: 3, inputSize: 2, hiddenSize: 9, biases: false, initialState: false, seed: 6))
    }

    func testGradientsWithInitialState() {
        assertGradientsMatchFiniteDifferences(Problem(batch: 2, length: 2, inputSize: 3, hiddenSize: 4, biases: true, initialState: true, seed: 7))
    }

    /// Frozen weights get no gradient while the input still does.
    func testFrozenWeightsGetNoGradient() {
        let p = Problem(batch: 2, length: 3, inputSize: 3, hiddenSize: 4, biases: true, initialState: false, seed: 8)
        let v = p.variables()
        v[1].requiresGrad = false
        v[2].requiresGrad = false
        p.run(v).backward(seed: p.upstream)
        XCTAssertNil(v[1].grad)
        XCTAssertNil(v[2].grad)
        XCTAssertNotNil(v[0].grad)
        XCTAssertNotNil(v[3].grad)
    }

    /// The portable (non-AVX2) gate kernels give the same values and gradients.
    func testPortableKernelsMatchReference() {
        adr_tensor_kernels_allow_avx2(0)
        defer { adr_tensor_kernels_allow_avx2(1) }
        XCTAssertEqual(adr_tensor_kernels_use_avx2(), 0)
        let p = Problem(batch: 3, length: 4, inputSize: 3, hiddenSize: 13, biases: true, initialState: true, seed: 10)
        assertMatchesReference(p)
        assertGradientsMatchFiniteDifferences(p)
    }

    /// Large pre-activations saturate σ and tanh: the kernels stay finite and exact to the reference.
    func testSaturatedGatesMatchReference() {
        var p = Problem(batch: 2, length: 3, inputSize: 4, hiddenSize: 11, biases: true, initialState: false, seed: 9)
        p.weightIH = Tensor(shape: p.weightIH.shape, scalars: p.weightIH.scalars.map { $0 * 60 })
        p.weightHH = Tensor(shape: p.weightHH.shape, scalars: p.weightHH.scalars.map { $0 * 60 })
        assertMatchesReference(p)
        let v = p.variables()
        p.run(v).backward(seed: p.upstream)
        XCTAssertTrue(v.allSatisfy { $0.grad!.scalars.allSatisfy(\.isFinite) })
    }
}
