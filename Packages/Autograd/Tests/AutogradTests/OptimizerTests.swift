import Foundation
import XCTest
import CAutogradKernels
import CTensorKernels
import Tensor
@testable import Autograd

/// Optimisers against their update formulas evaluated by hand in `Double`, frozen and unused
/// parameters, and exact resumption from an exported state.
final class OptimizerTests: XCTestCase {
    /// The tiny problem: loss = Σ (p ⊙ p ⊙ c) / 2 + Σ p ⊙ d, so ∂loss/∂p = p ⊙ c + d (set directly).
    /// Eleven entries: one full eight-lane block of the update kernels and a partial one.
    private let c: [Double] = [1.0, 0.5, 2.0, -0.3, 0.8, 1.5, -0.2, 0.9, 0.35, 1.1, 0.6]
    private let d: [Double] = [0.2, -0.1, 0.05, 0.45, -0.3, 0.15, 0.25, -0.05, 0.1, -0.4, 0.3]
    private let start: [Float] = [0.5, -1.5, 0.25, 2.0, -0.75, 1.25, 0.6, -0.9, 1.75, -0.2, 0.05]
    private var size: Int { start.count }

    private func gradient(_ p: [Double]) -> [Double] { zip(zip(p, c), d).map { $0.0 * $0.1 + $1 } }

    private func setGradient(_ parameter: Parameter) {
        let g = gradient(parameter.value.scalars.map(Double.init))
        parameter.grad = Tensor(shape: parameter.shape, scalars: g.map { Float($0) })
    }

    /// Runs `steps` optimiser steps on the tiny problem and returns the parameter values after each.
    private func run(_ makeOptimizer: ([(String, Parameter)]) -> Optimizer, steps: Int) -> [[Float]] {
        let p = Parameter.parameter(Tensor(shape: [size], scalars: start))
        let optimizer = makeOptimizer([("p", p)])
        var trajectory: [[Float]] = []
        for _ in 0..<steps {
            setGradient(p)
            optimizer.step()
            trajectory.append(p.value.scalars)
        }
        return trajectory
    }

    private func assertClose(_ actual: [[Float]], _ expected: [[Double]], tolerance: Double = 1e-6,
                             file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(actual.count, expected.count, file: file, line: line)
        for (step, (a, e)) in zip(actual, expected).enumerated() {
            for (x, y) in zip(a, e) {
                XCTAssertEqual(Double(x), y, accuracy: tolerance * max(1, abs(y)), "step \(step + 1)", file: file, line: line)
            }
        }
    }

    func testAdamMatchesHandDerivedSteps() {
        let (lr, beta1, beta2, eps, wd) = (0.01, 0.9, 0.999, 1e-8, 0.1)
        var p = start.map(Double.init), m = [Double](repeating: 0, count: size), v = m
        var expected: [[Double]] = []
        for t in 1...6 {
            let g = zip(gradient(p), p).map { $0 + wd * $1 }
            for i in 0..<size {
                m[i] = beta1 * m[i] + (1 - beta1) * g[i]
                v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i]
                let mHat = m[i] / (1 - pow(beta1, Double(t)))
                let vHat = v[i] / (1 - pow(beta2, Double(t)))
                p[i] -= lr * mHat / (vHat.squareRoot() + eps)
            }
            expected.append(p)
        }
        assertClose(run({ Adam(parameters: $0, learningRate: 0.01, weightDecay: 0.1) }, steps: 6), expected)
    }

    func testSGDWithMomentumMatchesHandDerivedSteps() {
        let (lr, momentum, wd) = (0.1, 0.9, 0.01)
        var p = start.map(Double.init), buffer = [Double](repeating: 0, count: size)
        var expected: [[Double]] = []
        for t in 1...5 {
            let g = zip(gradient(p), p).map { $0 + wd * $1 }
            for i in 0..<size {
                buffer[i] = t == 1 ? g[i] : momentum * buffer[i] + g[i]
                p[i] -= lr * buffer[i]
            }
            expected.append(p)
        }
        assertClose(run({ SGD(parameters: $0, learningRate: 0.1, momentum: 0.9, weightDecay: 0.01) }, steps: 5), expected)

        var plain = start.map(Double.init)
        var plainExpected: [[Double]] = []
        for _ in 1...3 {
            plain = zip(plain, gradient(plain)).map { $0 - 0.1 * $1 }
            plainExpected.append(plain)
        }
        assertClose(run({ SGD(parameters: $0, learningRate: 0.1) }, steps: 3), plainExpected)
    }

    func testAdagradMatchesHandDerivedSteps() {
        let (lr, eps) = (0.05, 1e-10)
        var p = start.map(Double.init), sum = [Double](repeating: 0, count: size)
        var expected: [[Double]] = []
        for _ in 1...5 {
            let g = gradient(p)
            for i in 0..<size {
                sum[i] += g[i] * g[i]
                p[i] -= lr * g[i] / (sum[i].squareRoot() + eps)
            }
            expected.append(p)
        }
        assertClose(run({ Adagrad(parameters: $0, learningRate: 0.05) }, steps: 5), expected)
    }

    func testRMSpropMatchesHandDerivedSteps() {
        for momentum in [0.0, 0.5] {
            let (lr, alpha, eps, wd) = (0.01, 0.99, 1e-8, 0.05)
            var p = start.map(Double.init), square = [Double](repeating: 0, count: size), buffer = square
            var expected: [[Double]] = []
            for _ in 1...5 {
                let g = zip(gradient(p), p).map { $0 + wd * $1 }
                for i in 0..<size {
                    square[i] = alpha * square[i] + (1 - alpha) * g[i] * g[i]
                    let step = g[i] / (square[i].squareRoot() + eps)
                    buffer[i] = momentum * buffer[i] + step
                    p[i] -= lr * (momentum == 0 ? step : buffer[i])
                }
                expected.append(p)
            }
            assertClose(run({ RMSprop(parameters: $0, learningRate: 0.01, weightDecay: 0.05, momentum: Float(momentum)) }, steps: 5),
                        expected, tolerance: 2e-6)
        }
    }

    /// Frozen parameters and parameters without a gradient stay bit-for-bit unchanged and get no state.
    func testFrozenAndUnusedParametersAreUntouched() {
        let makers: [([(String, Parameter)]) -> Optimizer] = [
            { Adam(parameters: $0, weightDecay: 0.1) }, { SGD(parameters: $0, learningRate: 0.1, momentum: 0.9, weightDecay: 0.1) },
            { Adagrad(parameters: $0, weightDecay: 0.1) }, { RMSprop(parameters: $0, weightDecay: 0.1, momentum: 0.5) },
        ]
        for make in makers {
            let trained = Parameter.parameter(Tensor(shape: [size], scalars: start))
            let frozen = Parameter.parameter(Tensor(shape: [2], scalars: [0.1, -0.7]))
            let unused = Parameter.parameter(Tensor(shape: [3], scalars: [1.25, 3, -2]))
            frozen.requiresGrad = false
            frozen.grad = Tensor(shape: [2], scalars: [5, 5])   // a stale gradient must not be applied
            let optimizer = make([("trained", trained), ("frozen", frozen), ("unused", unused)])
            let frozenBits = frozen.value.scalars.map(\.bitPattern), unusedBits = unused.value.scalars.map(\.bitPattern)
            for _ in 0..<3 {
                setGradient(trained)
                optimizer.step()
            }
            XCTAssertEqual(frozen.value.scalars.map(\.bitPattern), frozenBits)
            XCTAssertEqual(unused.value.scalars.map(\.bitPattern), unusedBits)
            XCTAssertNotEqual(trained.value.scalars, start)
            let state = optimizer.stateDict()
            XCTAssertFalse(state.keys.contains { $0.hasPrefix("frozen.") || $0.hasPrefix("unused.") }, "\(state.keys)")
            XCTAssertEqual(state["trained.step"]?.scalars, [3])
            XCTAssertEqual(state["step"]?.scalars, [3])
            optimizer.zeroGrad()
            XCTAssertNil(trained.grad)
        }
    }

    /// Export after 3 steps, import into a fresh optimiser, continue: identical to 6 uninterrupted steps.
    func testStateExportAndImportResumeExactly() throws {
        func make(_ p: Parameter) -> Adam { Adam(parameters: [("w", p)], learningRate: 0.02, weightDecay: 0.01) }
        let continuous = Parameter.parameter(Tensor(shape: [size], scalars: start))
        let optimizer = make(continuous)
        for _ in 0..<3 { setGradient(continuous); optimizer.step() }
        let saved = optimizer.stateDict()
        XCTAssertEqual(Set(saved.keys), ["step", "w.step", "w.exp_avg", "w.exp_avg_sq"])
        let resumed = Parameter.parameter(continuous.value)
        for _ in 0..<3 { setGradient(continuous); optimizer.step() }

        let fresh = make(resumed)
        try fresh.loadStateDict(saved)
        XCTAssertEqual(fresh.stepCount, 3)
        for _ in 0..<3 { setGradient(resumed); fresh.step() }
        XCTAssertEqual(resumed.value.scalars.map(\.bitPattern), continuous.value.scalars.map(\.bitPattern))
    }

    /// The portable (non-AVX2) update kernels agree with the AVX2 ones on 1000 entries.
    func testPortableKernelsMatch() {
        var rng = SeededGenerator(seed: 3)
        let initial = Tensor.uniform([1000], low: -1, high: 1, using: &rng)
        let gradient = Tensor.uniform([1000], low: -1, high: 1, using: &rng)
        let makers: [([(String, Parameter)]) -> Optimizer] = [
            { Adam(parameters: $0, weightDecay: 0.1) }, { Adagrad(parameters: $0, weightDecay: 0.1) },
            { RMSprop(parameters: $0, weightDecay: 0.1) }, { RMSprop(parameters: $0, momentum: 0.5) },
        ]
        for make in makers {
            var results: [[Float]] = []
            for allowAVX2 in [Int32(1), 0] {
                adr_tensor_kernels_allow_avx2(allowAVX2)
                let p = Parameter.parameter(initial)
                let optimizer = make([("p", p)])
                for _ in 0..<3 { p.grad = gradient; optimizer.step() }
                results.append(p.value.scalars)
            }
            adr_tensor_kernels_allow_avx2(1)
            for (a, b) in zip(results[0], results[1]) { XCTAssertEqual(a, b, accuracy: 1e-6) }
            XCTAssertNotEqual(results[0], initial.scalars)
        }
    }

    func testLoadingRejectsMalformedState() {
        let p = Parameter.parameter(Tensor(shape: [size], scalars: start))
        let optimizer = Adam(parameters: [("w", p)])
        setGradient(p)
        optimizer.step()
        var state = optimizer.stateDict()
        state["w.exp_avg"] = .zeros([3])
        XCTAssertThrowsError(try optimizer.loadStateDict(state)) { error in
            XCTAssertEqual(error as? OptimizerStateError, .shapeMismatch(name: "w.exp_avg", expected: [size], found: [3]))
        }
        state = optimizer.stateDict()
        state["v.exp_avg"] = .zeros([size])
        XCTAssertThrowsError(try optimizer.loadStateDict(state)) { error in
            XCTAssertEqual(error as? OptimizerStateError, .unknownEntry("v.exp_avg"))
        }
        state = optimizer.stateDict()
        state["w.exp_avg_sq"] = nil
        XCTAssertThrowsError(try optimizer.loadStateDict(state)) { error in
            XCTAssertTrue("\(error)".contains("w.exp_avg_sq"))
        }
    }

    /// A learning-rate scale on some parameters equals a separate optimiser with the scaled rate for
    /// them (a PyTorch parameter group), for every optimiser, and scale 1 changes nothing.
    func testLearningRateScaleActsLikeAParameterGroup() throws {
        func run(_ make: ([(String, Parameter)], Float) -> any Optimizer, scaled: Bool, lr: Float) -> [[Float]] {
            let a = Parameter(Tensor(shape: [3], scalars: [0.5, -1, 2]), requiresGrad: true)
            let b = Parameter(Tensor(shape: [2], scalars: [1.5, -0.25]), requiresGrad: true)
            let optimizer = make([("a", a), ("b", b)], lr)
            if scaled { optimizer.setLearningRateScale(4, forParametersNamed: ["b"]) }
            for _ in 0..<3 {
                a.grad = Tensor(shape: [3], scalars: a.value.scalars.map { 2 * $0 - 0.1 })
                b.grad = Tensor(shape: [2], scalars: b.value.scalars.map { 3 * $0 + 0.2 })
                optimizer.step()
            }
            return [a.value.scalars, b.value.scalars]
        }
        let makers: [(String, ([(String, Parameter)], Float) -> any Optimizer)] = [
            ("adam", { Adam(parameters: $0, learningRate: $1) }),
            ("sgd", { SGD(parameters: $0, learningRate: $1, momentum: 0.9) }),
            ("adagrad", { Adagrad(parameters: $0, learningRate: $1) }),
            ("rmsprop", { RMSprop(parameters: $0, learningRate: $1) }),
        ]
        for (name, make) in makers {
            let scaled = run(make, scaled: true, lr: 0.01)
            XCTAssertEqual(scaled[0], run(make, scaled: false, lr: 0.01)[0], "\(name): unscaled parameter")
            let quadrupled = run(make, scaled: false, lr: 0.04)[1]
            for (x, y) in zip(scaled[1], quadrupled) { XCTAssertEqual(x, y, accuracy: 1e-6, "\(name): scaled parameter") }
            XCTAssertNotEqual(scaled[1], run(make, scaled: false, lr: 0.01)[1], "\(name): the scale has an effect")
        }
    }
}
