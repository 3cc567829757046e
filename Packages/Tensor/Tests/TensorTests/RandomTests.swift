import XCTest
@testable import Tensor

final class RandomTests: XCTestCase {
    func testFixedSeedGivesPinnedStream() {
        // Reference values from an independent implementation of SplitMix64 seeding + xoshiro256**.
        var rng = SeededGenerator(seed: 42)
        XCTAssertEqual(rng.next(), 0x1578_0B2E_0C2E_C716)
        XCTAssertEqual(rng.next(), 0x6104_D986_6D11_3A7E)
        XCTAssertEqual(rng.next(), 0xAE17_5332_39E4_99A1)
        var floats = SeededGenerator(seed: 42)
        XCTAssertEqual(floats.nextFloat(), 0.08386296033859253)
        XCTAssertEqual(floats.nextFloat(), 0.37898021936416626)
        var ints = SeededGenerator(seed: 42)
        XCTAssertEqual((0..<5).map { _ in ints.nextInt(below: 10) }, [0, 3, 6, 9, 9])
    }

    func testSameSeedSameStreamDifferentSeedDifferentStream() {
        var a = SeededGenerator(seed: 7), b = SeededGenerator(seed: 7), c = SeededGenerator(seed: 8)
        let sa = (0..<16).map { _ in a.next() }, sb = (0..<16).map { _ in b.next() }, sc = (0..<16).map { _ in c.next() }
        XCTAssertEqual(sa, sb)
        XCTAssertNotEqual(sa, sc)
        // split() is deterministic and differs from the parent stream.
        var p1 = SeededGenerator(seed: 9), p2 = SeededGenerator(seed: 9)
        var child1 = p1.split(), child2 = p2.split()
        XCTAssertEqual(child1.next(), child2.next())
        XCTAssertEqual(p1.next(), p2.next())
        XCTAssertNotEqual(child1.next(), p1.next())
    }

    func testUniformMoments() {
        var rng = SeededGenerator(seed: 1)
        let n = 200_000
        let x = Tensor.uniform([n], low: -1, high: 3, using: &rng)
        XCTAssertGreaterThanOrEqual(x.scalars.min()!, -1)
        XCTAssertLessThan(x.scalars.max()!, 3)
        let mean = x.mean().item
        let variance = (x - mean).squared().mean().item
        XCTAssertEqual(mean, 1, accuracy: 0.02)            // (a + b) / 2
        XCTAssertEqual(variance, 16.0 / 12.0, accuracy: 0.02)  // (b − a)² / 12
    }

    func testNormalMoments() {
        var rng = SeededGenerator(seed: 2)
        let n = 200_000
        let x = Tensor.normal([n], mean: 0.5, std: 2, using: &rng)
        let mean = x.mean().item
        let centred = x - mean
        let variance = centred.squared().mean().item
        let skew = (centred * centred * centred).mean().item / Swift.max(variance, 1e-6) / variance.squareRoot()
        let kurtosis = centred.squared().squared().mean().item / (variance * variance)
        XCTAssertEqual(mean, 0.5, accuracy: 0.03)
        XCTAssertEqual(variance, 4, accuracy: 0.08)
        XCTAssertEqual(skew, 0, accuracy: 0.05)
        XCTAssertEqual(kurtosis, 3, accuracy: 0.1)
    }

    func testNextIntRangeAndUnbiasedness() {
        var rng = SeededGenerator(seed: 3)
        // A bound that does not divide 2⁶⁴: counts must be uniform (chi-square, 6 d.o.f.).
        let bound = 7, draws = 140_000
        var counts = [Int](repeating: 0, count: bound)
        for _ in 0..<draws {
            let v = rng.nextInt(below: bound)
            XCTAssert(v >= 0 && v < bound)
            counts[v] += 1
        }
        let expected = Double(draws) / Double(bound)
        let chiSquare = counts.reduce(0.0) { $0 + (Double($1) - expected) * (Double($1) - expected) / expected }
        XCTAssertLessThan(chiSquare, 22.46)  // p = 0.001 critical value for 6 d.o.f.
        for _ in 0..<1000 {
            let v = rng.nextInt(in: -3...3)
            XCTAssert((-3...3).contains(v))
        }
        XCTAssertEqual(rng.nextInt(below: 1), 0)
    }

    func testShuffleIsAPermutation() {
        var rng = SeededGenerator(seed: 4)
        var values = Array(0..<100)
        rng.shuffle(&values)
        XCTAssertNotEqual(values, Array(0..<100))
        XCTAssertEqual(values.sorted(), Array(0..<100))
        // Each value lands in each position about equally often (first position over many shuffles).
        var firstCounts = [Int](repeating: 0, count: 5)
        for _ in 0..<50_000 {
            var small = Array(0..<5)
            rng.shuffle(&small)
            XCTAssertEqual(small.sorted(), Array(0..<5))
            firstCounts[small[0]] += 1
        }
        for count in firstCounts { XCTAssertEqual(Double(count), 10_000, accuracy: 400) }
        let sample = rng.sampleWithoutReplacement(10, from: 20)
        XCTAssertEqual(Set(sample).count, 10)
        XCTAssert(sample.allSatisfy { (0..<20).contains($0) })
    }

    func testCategoricalSamplerFrequencies() {
        var rng = SeededGenerator(seed: 5)
        let weights: [Double] = [1, 0, 3, 6]
        let sampler = CategoricalSampler(weights: weights)
        let draws = 100_000
        var counts = [Int](repeating: 0, count: weights.count)
        for _ in 0..<draws { counts[sampler.sample(using: &rng)] += 1 }
        XCTAssertEqual(counts[1], 0)
        for (i, w) in weights.enumerated() {
            XCTAssertEqual(Double(counts[i]) / Double(draws), w / 10, accuracy: 0.01, "category \(i)")
        }
        // The linear-scan draw agrees in distribution.
        var linear = [Int](repeating: 0, count: weights.count)
        for _ in 0..<draws { linear[rng.categorical(weights)] += 1 }
        for (i, w) in weights.enumerated() {
            XCTAssertEqual(Double(linear[i]) / Double(draws), w / 10, accuracy: 0.01, "category \(i)")
        }
    }
}
