import Autograd
import AutogradTestSupport
import CTensorKernels
import Tensor
import XCTest

final class ConvolutionTests: XCTestCase {
    /// The definition, loop by loop: y[b, t, o] = bias[o] + Σ_j Σ_c W[o, c, 0, j]·x[b, t − (k−1−j)·d, c].
    private func naiveCausalConv(_ x: Tensor, _ w: Tensor, _ bias: Tensor?, dilation: Int) -> Tensor {
        let (batch, length, inChannels) = (x.shape[0], x.shape[1], x.shape[2])
        let (outChannels, kernel) = (w.shape[0], w.shape[3])
        var y = Tensor.zeros([batch, length, outChannels])
        for b in 0..<batch {
            for t in 0..<length {
                for o in 0..<outChannels {
                    var total = Double(bias?[o] ?? 0)
                    for j in 0..<kernel {
                        let s = t - (kernel - 1 - j) * dilation
                        guard s >= 0 else { continue }
                        for c in 0..<inChannels { total += Double(w[o, c, 0, j]) * Double(x[b, s, c]) }
                    }
                    y[b, t, o] = Float(total)
                }
            }
        }
        return y
    }

    func testMatchesNaiveLoop() {
        var rng = SeededGenerator(seed: 100)
        let x = Variable(Tensor.normal([2, 9, 3], using: &rng))
        let w = Variable(Tensor.normal([4, 3, 1, 3], using: &rng)), bias = Variable(Tensor.normal([4], using: &rng))
        for dilation in [1, 2, 4, 8] {
            let expected = naiveCausalConv(x.value, w.value, bias.value, dilation: dilation)
            let y = x.causalConv1d(weight: w, bias: bias, dilation: dilation)
            XCTAssertEqual(y.shape, [2, 9, 4])
            XCTAssertLessThan(y.value.maxAbsDifference(expected), 1e-5, "dilation \(dilation)")
        }
        let expected = naiveCausalConv(x.value, w.value, nil, dilation: 2)
        XCTAssertLessThan(x.causalConv1d(weight: w, bias: nil, dilation: 2).value.maxAbsDifference(expected), 1e-5)
    }

    /// ∂x and ∂W by the definition for upstream `g`: ∂x[b, s, c] = Σ_j Σ_o g[b, s + (k−1−j)·d, o]·W[o, c, 0, j],
    /// ∂W[o, c, 0, j] = Σ_b Σ_t g[b, t, o]·x[b, t − (k−1−j)·d, c] (terms outside 0..<L are zero).
    private func naiveCausalConvGradients(_ x: Tensor, _ w: Tensor, _ g: Tensor, dilation: Int) -> (Tensor, Tensor) {
        let (batch, length, inChannels) = (x.shape[0], x.shape[1], x.shape[2])
        let (outChannels, kernel) = (w.shape[0], w.shape[3])
        var dx = Tensor.zeros(x.shape), dw = Tensor.zeros(w.shape)
        for b in 0..<batch {
            for t in 0..<length {
                for j in 0..<kernel {
                    let s = t - (kernel - 1 - j) * dilation
                    guard s >= 0 else { continue }
                    for c in 0..<inChannels {
                        var toInput = 0.0
                        for o in 0..<outChannels {
                            toInput += Double(g[b, t, o]) * Double(w[o, c, 0, j])
                            dw[o, c, 0, j] += g[b, t, o] * x[b, s, c]
                        }
                        dx[b, s, c] += Float(toInput)
                    }
                }
            }
        }
        return (dx, dw)
    }

    /// A batch longer than one block (2,048 rows): 3 sequences of 1,500 positions run as three blocks
    /// (∂W summed from three partials); forward, ∂x and ∂W still match the definition.
    func testSeveralBlocksMatchDefinition() {
        var rng = SeededGenerator(seed: 103)
        let x = Variable(Tensor.normal([3, 1500, 2], using: &rng), requiresGrad: true)
        let w = Variable(Tensor.normal([3, 2, 1, 3], using: &rng), requiresGrad: true)
        let bias = Variable(Tensor.normal([3], using: &rng), requiresGrad: true)
        let g = Tensor.normal([3, 1500, 3], using: &rng)
        let y = x.causalConv1d(weight: w, bias: bias, dilation: 4)
        XCTAssertLessThan(y.value.maxAbsDifference(naiveCausalConv(x.value, w.value, bias.value, dilation: 4)), 1e-4)
        y.backward(seed: g)
        let (dx, dw) = naiveCausalConvGradients(x.value, w.value, g, dilation: 4)
        XCTAssertLessThan(x.grad!.maxAbsDifference(dx), 1e-4)
        XCTAssertLessThan(w.grad!.maxAbsDifference(dw), 0.05, "∂W sums 4,500 products per entry")
        XCTAssertLessThan(bias.grad!.maxAbsDifference(g.sum(toShape: [3])), 1e-3)
    }

    /// `outputLength` L′ gives exactly the last L′ positions of the full output, and gradients that match
    /// finite differences (∂x reaches the positions before the window that its taps read).
    func testOutputLengthKeepsTheLastPositions() {
        var rng = SeededGenerator(seed: 104)
        let x = Variable(Tensor.normal([2, 9, 3], using: &rng))
        let w = Variable(Tensor.normal([4, 3, 1, 3], using: &rng)), bias = Variable(Tensor.normal([4], using: &rng))
        for dilation in [1, 2] {
            let full = x.causalConv1d(weight: w, bias: bias, dilation: dilation).value
            for outputLength in [1, 4, 9] {
                let y = x.causalConv1d(weight: w, bias: bias, dilation: dilation, outputLength: outputLength)
                XCTAssertEqual(y.shape, [2, outputLength, 4])
                XCTAssertLessThan(y.value.maxAbsDifference(full.slice(axis: 1, range: (9 - outputLength)..<9)), 1e-6,
                                  "dilation \(dilation), outputLength \(outputLength)")
            }
        }
        let px = Sample.parameter([2, 7, 3], &rng)
        let pw = Sample.parameter([2, 3, 1, 3], &rng), pb = Sample.parameter([2], &rng)
        assertGradientsMatch([px, pw, pb]) { $0[0].causalConv1d(weight: $0[1], bias: $0[2], dilation: 2, outputLength: 3) }
        assertGradientsMatch([px, pw]) { $0[0].causalConv1d(weight: $0[1], bias: nil, dilation: 1, outputLength: 1) }
    }

    /// Channel counts that are not whole tiles (Cout = 70: one group of 64 columns and a partial one,
    /// so ∂W reads ∂y through its padded copy; Cin = 67: ∂W's input tiles end in a tail; ∂x writes 67
    /// of 128 padded columns) and row counts
    /// that are not whole tiles (2 × 13 positions, L′ = 11): forward, ∂x and ∂W match the definition,
    /// and the AVX-512 and AVX2 paths give the same bits (each entry is one fused multiply-add chain
    /// in a fixed order whatever the vector width).
    func testWideChannelsMatchDefinitionWithTheSameBitsOnEveryVectorPath() throws {
        var rng = SeededGenerator(seed: 105)
        let xValue = Tensor.normal([2, 13, 67], using: &rng), wValue = Tensor.normal([70, 67, 1, 3], using: &rng)
        let biasValue = Tensor.normal([70], using: &rng), g = Tensor.normal([2, 11, 70], using: &rng)
        func run() -> (y: Tensor, dx: Tensor, dw: Tensor, db: Tensor) {
            let x = Variable(xValue, requiresGrad: true), w = Variable(wValue, requiresGrad: true)
            let bias = Variable(biasValue, requiresGrad: true)
            let y = x.causalConv1d(weight: w, bias: bias, dilation: 3, outputLength: 11)
            y.backward(seed: g)
            return (y.value, x.grad!, w.grad!, bias.grad!)
        }
        let expectedY = naiveCausalConv(xValue, wValue, biasValue, dilation: 3).slice(axis: 1, range: 2..<13)
        var fullG = Tensor.zeros([2, 13, 70])
        for b in 0..<2 { for t in 0..<11 { for o in 0..<70 { fullG[b, t + 2, o] = g[b, t, o] } } }
        let (expectedDx, expectedDw) = naiveCausalConvGradients(xValue, wValue, fullG, dilation: 3)
        var results: [(y: Tensor, dx: Tensor, dw: Tensor, db: Tensor)] = []
        for avx512: Int32 in [1, 0] {
            adr_tensor_kernels_allow_avx512(avx512)
            defer { adr_tensor_kernels_allow_avx512(1) }
            let result = run()
            XCTAssertLessThan(result.y.maxAbsDifference(expectedY), 1e-4)
            XCTAssertLessThan(result.dx.maxAbsDifference(expectedDx), 1e-4)
            XCTAssertLessThan(result.dw.maxAbsDifference(expectedDw), 1e-3)
            XCTAssertLessThan(result.db.maxAbsDifference(g.sum(toShape: [70])), 1e-4)
            results.append(result)
        }
        try XCTSkipUnless(adr_tensor_kernels_use_avx512() == 1, "this CPU has no AVX-512 path to compare with AVX2")
        XCTAssertTrue(results[0].y.scalars == results[1].y.scalars, "forward: the two paths differ")
        XCTAssertTrue(results[0].dx.scalars == results[1].dx.scalars, "∂x: the two paths differ")
        XCTAssertTrue(results[0].dw.scalars == results[1].dw.scalars, "∂W: the two paths differ")
        XCTAssertTrue(results[0].db.scalars == results[1].db.scalars, "∂bias: the two paths differ")
    }

    func testHandComputedValue() {
        // One channel in and out, k = 2, dilation 1: y[t] = w0·x[t−1] + w1·x[t] + b.
        let x = Variable(Tensor(shape: [1, 3, 1], scalars: [1, 2, 3]))
        let w = Variable(Tensor(shape: [1, 1, 1, 2], scalars: [10, 1]))
        let b = Variable(Tensor(shape: [1], scalars: [0.5]))
        XCTAssertEqual(x.causalConv1d(weight: w, bias: b, dilation: 1).value.scalars, [1.5, 12.5, 23.5])
    }

    func testGradients() {
        var rng = SeededGenerator(seed: 101)
        let x = Sample.parameter([2, 6, 3], &rng)
        let w = Sample.parameter([2, 3, 1, 3], &rng), bias = Sample.parameter([2], &rng)
        assertGradientsMatch([x, w, bias]) { $0[0].causalConv1d(weight: $0[1], bias: $0[2], dilation: 2) }
        assertGradientsMatch([x, w]) { $0[0].causalConv1d(weight: $0[1], bias: nil, dilation: 1) }
        // A dilation whose receptive field is longer than the sequence.
        assertGradientsMatch([x, w, bias]) { $0[0].causalConv1d(weight: $0[1], bias: $0[2], dilation: 4) }
        // Frozen weights: only the input gets a gradient.
        let frozen = Variable(w.value)
        assertGradientsMatch([x, frozen]) { $0[0].causalConv1d(weight: $0[1], bias: nil, dilation: 1) }
        // Frozen weights with a trained bias (∂bias comes from the ∂W kernel, which then still runs).
        assertGradientsMatch([x, frozen, bias]) { $0[0].causalConv1d(weight: $0[1], bias: $0[2], dilation: 2) }
    }

    func testCausality() {
        var rng = SeededGenerator(seed: 102)
        let base = Tensor.normal([2, 8, 3], using: &rng)
        let w = Variable(Tensor.normal([4, 3, 1, 3], using: &rng)), bias = Variable(Tensor.normal([4], using: &rng))
        for dilation in [1, 2] {
            let reference = Variable(base).causalConv1d(weight: w, bias: bias, dilation: dilation).value
            for t in 0..<8 {
                var changed = base
                for c in 0..<3 { changed[1, t, c] += 5 }
                let y = Variable(changed).causalConv1d(weight: w, bias: bias, dilation: dilation).value
                for s in 0..<8 {
                    let difference = (0..<4).map { abs(y[1, s, $0] - reference[1, s, $0]) }.max()!
                    if s < t {
                        XCTAssertEqual(difference, 0, "output \(s) changed when input \(t) did (dilation \(dilation))")
                    } else if s == t {
                        XCTAssertGreaterThan(difference, 0, "output \(t) ignores its own input")
                    }
                }
                // The other sequence in the batch is untouched.
                XCTAssertEqual(y.slice(axis: 0, range: 0..<1), reference.slice(axis: 0, range: 0..<1))
            }
        }
    }
}
