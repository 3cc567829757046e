/// A seeded pseudo-random generator that yields the same stream on every machine for the same seed.
///
/// The core is xoshiro256** (Blackman & Vigna) with its state expanded from the 64-bit seed by
/// SplitMix64. Every derived draw (floats, bounded integers, normals, shuffles) is defined here, in
/// this file, so results never depend on the Swift standard library's unspecified algorithms.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    @usableFromInline var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    /// Creates a generator whose whole stream is determined by `seed`.
    public init(seed: UInt64) {
        var x = seed
        func splitMix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitMix(); s1 = splitMix(); s2 = splitMix(); s3 = splitMix()
    }

    /// The next 64 random bits.
    @inlinable
    public mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = (s3 << 45) | (s3 >> 19)
        return result
    }

    /// An independent generator for a sub-task (a worker thread, a data stage), derived from this
    /// stream so that the parent stream stays reproducible.
    public mutating func split() -> SeededGenerator { SeededGenerator(seed: next()) }

    /// Uniform `Float` in [0, 1) with 24 random bits.
    @inlinable
    public mutating func nextFloat() -> Float { Float(next() >> 40) * 0x1p-24 }

    /// Uniform `Double` in [0, 1) with 53 random bits.
    @inlinable
    public mutating func nextDouble() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// Uniform integer in `0 ..< bound` without modulo bias (Lemire's multiply-and-reject).
    @inlinable
    public mutating func nextInt(below bound: Int) -> Int {
        precondition(bound > 0, "nextInt(below:) needs a positive bound, got \(bound)")
        let range = UInt64(bound)
        var product = next().multipliedFullWidth(by: range)
        if product.low < range {
            let threshold = (0 &- range) % range
            while product.low < threshold { product = next().multipliedFullWidth(by: range) }
        }
        return Int(product.high)
    }

    /// Uniform integer in a closed range.
    @inlinable
    public mutating func nextInt(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + nextInt(below: range.count)
    }

    /// `true` with probability `p`.
    @inlinable
    public mutating func bernoulli(_ p: Double) -> Bool { nextDouble() < p }

    /// A standard normal draw N(0, 1) by the Box–Muller transform (one draw per call).
    @inlinable
    public mutating func normal() -> Double {
        let u1 = 1.0 - nextDouble()  // (0, 1]: log stays finite
        let u2 = nextDouble()
        return (-2.0 * _log(u1)).squareRoot() * _cos(2.0 * Double.pi * u2)
    }

    /// An index drawn with probability proportional to `weights[i]` (linear scan; for repeated
    /// draws from one distribution build a `CategoricalSampler`).
    public mutating func categorical(_ weights: [Double]) -> Int {
        let total = weights.reduce(0, +)
        precondition(total > 0, "categorical needs a positive total weight")
        var target = nextDouble() * total
        for (i, w) in weights.enumerated() {
            target -= w
            if target < 0 { return i }
        }
        return weights.lastIndex(where: { $0 > 0 })!
    }

    /// Counts of `trials` draws over `categories` equally likely outcomes (a multinomial draw).
    public mutating func multinomialEqual(trials: Int, categories: Int) -> [Int] {
        var counts = [Int](repeating: 0, count: categories)
        for _ in 0..<trials { counts[nextInt(below: categories)] += 1 }
        return counts
    }

    /// Shuffles `array` in place (Fisher–Yates, back to front).
    public mutating func shuffle<T>(_ array: inout [T]) {
        guard array.count > 1 else { return }
        for i in stride(from: array.count - 1, to: 0, by: -1) {
            array.swapAt(i, nextInt(below: i + 1))
        }
    }

    /// `k` distinct values from `0 ..< n` in draw order (partial Fisher–Yates).
    public mutating func sampleWithoutReplacement(_ k: Int, from n: Int) -> [Int] {
        precondition(k <= n, "cannot draw \(k) distinct values from \(n)")
        var pool = Array(0..<n)
        for i in 0..<k { pool.swapAt(i, i + nextInt(below: n - i)) }
        return Array(pool.prefix(k))
    }
}

/// Draws indices with probability proportional to fixed weights in O(log n) per draw.
public struct CategoricalSampler: Sendable {
    /// Running sums of the weights; the last entry is the total.
    public let cumulative: [Double]

    /// - Precondition: weights are non-negative with a positive sum.
    public init(weights: [Double]) {
        var running = 0.0
        cumulative = weights.map { w in
            precondition(w >= 0, "negative weight \(w)")
            running += w
            return running
        }
        precondition(running > 0, "CategoricalSampler needs a positive total weight")
    }

    /// One index, `i` with probability `weights[i] / total`.
    @inlinable
    public func sample(using rng: inout SeededGenerator) -> Int {
        let target = rng.nextDouble() * cumulative[cumulative.count - 1]
        var low = 0, high = cumulative.count - 1
        while low < high {
            let mid = (low + high) / 2
            if cumulative[mid] > target { high = mid } else { low = mid + 1 }
        }
        return low
    }
}

extension Tensor {
    /// Independent draws from U(low, high).
    public static func uniform(_ shape: [Int], low: Float, high: Float, using rng: inout SeededGenerator) -> Tensor {
        Tensor(shape: shape, unsafeUninitializedScalars: { out in
            for i in out.indices { out[i] = low + (high - low) * rng.nextFloat() }
        })
    }

    /// Independent draws from N(mean, std²).
    public static func normal(_ shape: [Int], mean: Float = 0, std: Float = 1, using rng: inout SeededGenerator) -> Tensor {
        Tensor(shape: shape, unsafeUninitializedScalars: { out in
            for i in out.indices { out[i] = mean + std * Float(rng.normal()) }
        })
    }
}
