@testable import DataPipeline
import Tensor
import XCTest

/// Vocabulary, noise distribution and down-sampling of word2vec.
final class Word2VecSamplingTests: XCTestCase {
    /// Item 1 ×6, item 2 ×3, item 3 ×3, item 4 ×2, item 5 ×1 (ids up to 6; 6 never occurs).
    private let corpus = Word2VecCorpus(sentences: [[1, 2, 1, 3, 1, 4], [2, 1, 3, 1, 5], [3, 1, 2, 4]])

    func testVocabularyKeepsItemsAtMinCountSortedByDescendingCount() throws {
        let vocabulary = try Word2VecVocabulary(corpus: corpus, itemCount: 6, minCount: 2)
        XCTAssertEqual(vocabulary.items, [1, 2, 3, 4])  // ties (2 and 3, count 3) by ascending id
        XCTAssertEqual(vocabulary.counts, [6, 3, 3, 2])
        XCTAssertEqual(vocabulary.indexOfItem, [-1, 0, 1, 2, 3, -1, -1])
        XCTAssertEqual(vocabulary.retainedTotal, 14)
    }

    func testVocabularyRejectsIdsOutsideTheItemRange() {
        XCTAssertThrowsError(try Word2VecVocabulary(corpus: corpus, itemCount: 4, minCount: 1)) { error in
            XCTAssertEqual(error as? Word2VecError, .itemOutOfRange(item: 5, sentence: 1, itemCount: 4))
        }
        let withPadding = Word2VecCorpus(sentences: [[1, 0, 2]])
        XCTAssertThrowsError(try Word2VecVocabulary(corpus: withPadding, itemCount: 4, minCount: 1))
    }

    func testNoiseDistributionIsCountToThePowerThreeQuartersNormalised() throws {
        let vocabulary = try Word2VecVocabulary(corpus: corpus, itemCount: 6, minCount: 1)
        let noise = vocabulary.noiseDistribution(exponent: 0.75)
        let weights = [6.0, 3, 3, 2, 1].map { pow($0, 0.75) }
        let total = weights.reduce(0, +)
        for (p, w) in zip(noise.probabilities, weights) { XCTAssertEqual(p, w / total, accuracy: 1e-15) }
        // The alias columns encode the same distribution (up to their 32-bit thresholds).
        for (p, w) in zip(noise.impliedProbabilities, weights) { XCTAssertEqual(p, w / total, accuracy: 1e-9) }
    }

    func testNoiseDrawFrequenciesMatchTheDistribution() {
        // Zipf-like counts over 50 items; 2 M draws; each frequency within 5 standard errors.
        let counts = (1...50).map { 1000.0 / Double($0) }
        let noise = NoiseDistribution(weights: counts.map { pow($0, 0.75) })
        var rng = SeededGenerator(seed: 7)
        var hits = [Int](repeating: 0, count: counts.count)
        let draws = 2_000_000
        for _ in 0..<draws { hits[noise.sample(bits: rng.next())] += 1 }
        for (i, p) in noise.probabilities.enumerated() {
            let frequency = Double(hits[i]) / Double(draws)
            let standardError = (p * (1 - p) / Double(draws)).squareRoot()
            XCTAssertEqual(frequency, p, accuracy: 5 * standardError, "item \(i)")
        }
    }

    func testNoiseDistributionHandlesASingleItemAndZeroWeights() {
        let single = NoiseDistribution(weights: [3])
        XCTAssertEqual(single.sample(bits: 0), 0)
        XCTAssertEqual(single.sample(bits: .max), 0)
        let withZero = NoiseDistribution(weights: [1, 0, 1])
        var rng = SeededGenerator(seed: 3)
        for _ in 0..<10_000 { XCTAssertNotEqual(withZero.sample(bits: rng.next()), 1) }
        XCTAssertEqual(withZero.impliedProbabilities[1], 0, accuracy: 1e-9)
    }

    func testDownSamplingKeepProbabilityFollowsGensim() {
        // threshold = 1e-3 · 100 000 = 100; count 400: (sqrt(4) + 1) · 100 / 400 = 0.75.
        XCTAssertEqual(Word2VecVocabulary.keepProbability(count: 400, sample: 1e-3, total: 100_000), 0.75, accuracy: 1e-12)
        // count 10 000: (sqrt(100) + 1) · 100 / 10 000 = 0.11.
        XCTAssertEqual(Word2VecVocabulary.keepProbability(count: 10_000, sample: 1e-3, total: 100_000), 0.11, accuracy: 1e-12)
        // Rare items (formula > 1) are always kept, and sample = 0 keeps everything.
        XCTAssertEqual(Word2VecVocabulary.keepProbability(count: 50, sample: 1e-3, total: 100_000), 1)
        XCTAssertEqual(Word2VecVocabulary.keepProbability(count: 10_000, sample: 0, total: 100_000), 1)
        // Against the formula at many counts.
        for count in stride(from: 1, to: 60_000, by: 997) {
            let threshold = 1e-3 * 100_000.0
            let expected = min(1, ((Double(count) / threshold).squareRoot() + 1) * threshold / Double(count))
            XCTAssertEqual(Word2VecVocabulary.keepProbability(count: count, sample: 1e-3, total: 100_000), expected, accuracy: 1e-12)
        }
    }

    func testKeepProbabilitiesAreRelativeToTheRetainedTotal() throws {
        let vocabulary = try Word2VecVocabulary(corpus: corpus, itemCount: 6, minCount: 2)
        let keep = vocabulary.keepProbabilities(sample: 0.1)
        // retained total 14 → threshold 1.4; item 1 (count 6): (sqrt(6 / 1.4) + 1) · 1.4 / 6.
        XCTAssertEqual(keep[0], ((6 / 1.4).squareRoot() + 1) * 1.4 / 6, accuracy: 1e-12)
        XCTAssertEqual(keep[3], 1)  // count 2: (sqrt(2 / 1.4) + 1) · 1.4 / 2 ≈ 1.54, capped at 1
    }
}
