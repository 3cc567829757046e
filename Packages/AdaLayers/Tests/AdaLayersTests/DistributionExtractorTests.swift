@testable import AdaLayers
import Autograd
import AutogradTestSupport
import Foundation
import Tensor
import XCTest

/// The neural-process encoder: names, `z = mu` in evaluation, reparameterised sampling in training.
final class DistributionExtractorTests: XCTestCase {
    private func makeExtractor(dimension: Int = 4, dropout: Float = 0.4, seed: UInt64 = 1) -> DistributionExtractor {
        let extractor = DistributionExtractor(dimension: dimension, dropoutProbability: dropout,
                                              randomSource: RandomSource(seed: seed))
        var rng = SeededGenerator(seed: seed + 100)
        extractor.resetAllParameters(using: &rng)
        return extractor
    }

    func testParameterNamesAreTheReferences() {
        XCTAssertEqual(makeExtractor().namedParameters().map(\.0), [
            "input_to_hidden.0.weight", "input_to_hidden.0.bias", "input_to_hidden.3.weight", "input_to_hidden.3.bias",
            "z_to_hidden.weight", "z_to_hidden.bias", "hidden_to_mu.weight", "hidden_to_mu.bias",
            "hidden_to_logsigma.weight", "hidden_to_logsigma.bias",
        ])
    }

    /// Evaluation: `z` is `mu`, deterministic, computed as `mu(relu(z_to_hidden(mean_c MLP(x))))`.
    func testEvaluationReturnsMu() {
        let extractor = makeExtractor()
        extractor.eval()
        let x = Variable(Sample.tensor([3, 5, 4], seed: 2))
        let first = extractor(x), second = extractor(x)
        XCTAssertEqual(first.z.value, first.mu.value)
        XCTAssertEqual(first.z.value, second.z.value)
        XCTAssertNil(first.logSigma)
        XCTAssertNil(first.klDivergence)

        let layers = extractor.inputToHiddenLayers
        let hidden = layers[1](layers[0](x).relu()).mean(axis: 1)
        let mu = extractor.hiddenToMu(extractor.zToHidden(hidden).relu())
        XCTAssertLessThan(first.mu.value.maxAbsDifference(mu.value), 1e-6)
        XCTAssertEqual(first.z.shape, [3, 4])
    }

    /// Training: `z = mu + ε·exp(½·log_sigma)` with fresh ε ~ N(0, 1) per call; the standardised
    /// draws `(z − mu)·exp(−½·log_sigma)` have mean ≈ 0 and variance ≈ 1.
    func testTrainingSamplesAroundMu() {
        let extractor = makeExtractor(dropout: 0)   // no dropout: mu is the same in both modes
        extractor.train()
        let x = Variable(Sample.tensor([500, 3, 4], seed: 3))
        let first = extractor(x), second = extractor(x)
        XCTAssertNotEqual(first.z.value, second.z.value, "each call draws a new ε")
        XCTAssertEqual(first.mu.value, second.mu.value)
        extractor.eval()
        XCTAssertLessThan(extractor(x).z.value.maxAbsDifference(first.mu.value), 1e-6)

        let logSigma = first.logSigma!.value
        let standardised = (first.z.value - first.mu.value) * (logSigma * -0.5).exp()
        let n = Float(standardised.count)
        let mean = standardised.scalars.reduce(0, +) / n
        let variance = standardised.scalars.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / n
        XCTAssertEqual(mean, 0, accuracy: 0.05)
        XCTAssertEqual(variance, 1, accuracy: 0.08)
    }

    /// A row whose `log_sigma` passes 177 overflows the reference's `exp(0.5·log_sigma)`; with the
    /// bound its noise scale is `exp(0.5·s)` and no gradient reaches `log_sigma`, and rows below the
    /// bound sample exactly as without it.
    func testLogSigmaBoundKeepsAnOverflowingRowFinite() {
        func sample(limit: Float?) -> (z: Tensor, logSigmaGrad: Tensor) {
            let extractor = makeExtractor(dropout: 0)
            // Row 1's inputs are 1e4 times larger, which drives its log_sigma far beyond 177.
            var x = Sample.tensor([2, 3, 4], seed: 7)
            for i in 12..<24 { x.scalars[i] *= 1e4 }
            extractor.hiddenToLogSigma.bias!.value = Tensor(repeating: 0, shape: [4])
            extractor.hiddenToLogSigma.weight.value = Tensor(repeating: 1, shape: [4, 4])
            extractor.logSigmaLimit = limit
            extractor.train()
            let output = extractor(Variable(x))
            output.z.sum().backward()
            XCTAssertGreaterThan(output.logSigma!.value.scalars[4...].max()!, 177, "row 1 must overflow without the bound")
            XCTAssertLessThan(output.logSigma!.value.scalars[..<4].max()!, 20, "row 0 must stay below the bound")
            return (output.z.value, extractor.hiddenToLogSigma.bias!.grad!)
        }
        let unbounded = sample(limit: nil), bounded = sample(limit: 20)
        XCTAssertFalse(unbounded.z.scalars[4...].allSatisfy(\.isFinite))
        XCTAssertTrue(bounded.z.scalars.allSatisfy(\.isFinite))
        XCTAssertEqual(Array(bounded.z.scalars[..<4]), Array(unbounded.z.scalars[..<4]))
        XCTAssertTrue(bounded.logSigmaGrad.scalars.allSatisfy(\.isFinite))
    }

    /// Sampling is reproducible from the random source's seed.
    func testSamplingIsSeeded() {
        let x = Variable(Sample.tensor([2, 3, 4], seed: 4))
        let a = makeExtractor(seed: 9), b = makeExtractor(seed: 9)
        XCTAssertEqual(a(x).z.value, b(x).z.value)
    }

    /// In training, gradients reach `hidden_to_logsigma` through the sample; in evaluation they do not.
    func testLogSigmaGetsGradientsOnlyInTraining() {
        let extractor = makeExtractor()
        let x = Variable(Sample.tensor([2, 3, 4], seed: 5))
        extractor.train()
        extractor(x).z.sum().backward()
        XCTAssertNotNil(extractor.hiddenToLogSigma.weight.grad)
        extractor.zeroGrad()
        extractor.eval()
        extractor(x).z.sum().backward()
        XCTAssertNil(extractor.hiddenToLogSigma.weight.grad)
        XCTAssertNotNil(extractor.hiddenToMu.weight.grad)
    }

    /// `KL = −½ · mean_b Σ_d (1 + log_sigma − mu² − exp(log_sigma))`.
    func testKLDivergenceFormula() {
        let extractor = makeExtractor()
        extractor.train()
        let output = extractor(Variable(Sample.tensor([3, 2, 4], seed: 6)))
        let mu = output.mu.value, logSigma = output.logSigma!.value
        var total: Float = 0
        for i in 0..<mu.count {
            total += 1 + logSigma.scalars[i] - mu.scalars[i] * mu.scalars[i] - Foundation.exp(logSigma.scalars[i])
        }
        XCTAssertEqual(output.klDivergence!.value.scalars[0], -0.5 * total / 3, accuracy: 1e-5)
    }

    /// Gradients of every extractor parameter match finite differences in evaluation mode.
    func testGradientsMatchFiniteDifferences() {
        let extractor = makeExtractor(dimension: 3)
        extractor.eval()
        let x = Variable(Sample.tensor([2, 4, 3], seed: 7))
        let weights = Variable(Sample.tensor([2, 3], seed: 8))
        let trained = extractor.namedParameters().filter { !$0.0.hasPrefix("hidden_to_logsigma") }
        assertGradientsMatch(named: trained) { (extractor(x).z.tanh() * weights).sum() }
    }
}
