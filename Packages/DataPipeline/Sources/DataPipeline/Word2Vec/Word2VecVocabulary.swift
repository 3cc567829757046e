#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The items word2vec trains: those occurring at least `minCount` times in the corpus, numbered
/// by descending count (ties by ascending item id), as gensim sorts its vocabulary.
///
/// Frequent items first keeps the hottest vector rows together in memory.
struct Word2VecVocabulary: Sendable, Equatable {
    /// Largest item id of the data set; valid ids are `1 ... itemCount`.
    public let itemCount: Int
    /// Item id of each vocabulary index.
    public let items: [Int32]
    /// Corpus count of each vocabulary index (non-increasing).
    public let counts: [Int]
    /// Vocabulary index of each item id, `-1` for ids not in the vocabulary; `[itemCount + 1]`.
    public let indexOfItem: [Int32]
    /// Sum of `counts`: the corpus size after dropping items below `minCount` (gensim's `retain_total`).
    public let retainedTotal: Int

    /// Counts every id of `corpus` and keeps those with count ≥ `minCount`.
    /// - Throws: `Word2VecError.itemOutOfRange` for an id outside `1 ... itemCount`.
    public init(corpus: Word2VecCorpus, itemCount: Int, minCount: Int) throws {
        var itemCounts = [Int](repeating: 0, count: itemCount + 1)
        for s in 0..<corpus.sentenceCount {
            for item in corpus.sentence(s) {
                guard item >= 1 && Int(item) <= itemCount else {
                    throw Word2VecError.itemOutOfRange(item: item, sentence: s, itemCount: itemCount)
                }
                itemCounts[Int(item)] += 1
            }
        }
        var kept = (1 ... max(1, itemCount)).filter { $0 <= itemCount && itemCounts[$0] >= minCount }
        kept.sort { itemCounts[$0] != itemCounts[$1] ? itemCounts[$0] > itemCounts[$1] : $0 < $1 }
        var indexOfItem = [Int32](repeating: -1, count: itemCount + 1)
        for (index, item) in kept.enumerated() { indexOfItem[item] = Int32(index) }
        self.itemCount = itemCount
        self.items = kept.map { Int32($0) }
        self.counts = kept.map { itemCounts[$0] }
        self.indexOfItem = indexOfItem
        self.retainedTotal = counts.reduce(0, +)
    }

    /// Number of items in the vocabulary.
    public var size: Int { items.count }

    /// gensim's down-sampling keep probability of one occurrence of an item with corpus count
    /// `count`: with `threshold = sample · total`,
    /// `p = min(1, (sqrt(count / threshold) + 1) · threshold / count)`; `sample = 0` keeps everything.
    public static func keepProbability(count: Int, sample: Double, total: Int) -> Double {
        guard sample > 0, count > 0 else { return 1 }
        let threshold = sample * Double(total)
        let f = Double(count)
        return min(1, ((f / threshold).squareRoot() + 1) * threshold / f)
    }

    /// Keep probability of each vocabulary index, relative to `retainedTotal` as in gensim.
    public func keepProbabilities(sample: Double) -> [Double] {
        counts.map { Self.keepProbability(count: $0, sample: sample, total: retainedTotal) }
    }

    /// Keep thresholds for 32-bit uniform draws: an occurrence is kept when `draw < threshold`,
    /// so a probability of 1 maps to 2³² (always kept).
    func keepThresholds(sample: Double) -> [UInt64] {
        keepProbabilities(sample: sample).map { UInt64(($0 * 0x1p32).rounded()) }
    }

    /// The noise distribution `P(i) = counts[i]^exponent / Σ_j counts[j]^exponent`.
    public func noiseDistribution(exponent: Double) -> NoiseDistribution {
        NoiseDistribution(weights: counts.map { pow(Double($0), exponent) })
    }
}

/// Draws vocabulary indices from a fixed distribution in O(1) with Walker's alias method
/// (Vose's construction): column `c = ⌊u₁ · V⌋` is taken with probability `acceptance[c]`,
/// otherwise its alias. Same distribution as word2vec's unigram table, without its
/// quantisation to a table length and without gensim's binary search per draw.
struct NoiseDistribution: Sendable, Equatable {
    /// Target probability of each index (the normalised weights).
    public let probabilities: [Double]
    /// Per column: the acceptance threshold of a 32-bit draw in the high half, the alias index in the low half.
    public let columns: [UInt64]

    /// - Precondition: weights are non-negative with a positive sum.
    public init(weights: [Double]) {
        let total = weights.reduce(0, +)
        precondition(!weights.isEmpty && total > 0 && weights.allSatisfy { $0 >= 0 },
                     "a noise distribution needs non-negative weights with a positive sum")
        let n = weights.count
        probabilities = weights.map { $0 / total }
        var scaled = probabilities.map { $0 * Double(n) }
        var acceptance = [Double](repeating: 1, count: n)
        var alias = Array(0..<n)
        var small = (0..<n).filter { scaled[$0] < 1 }
        var large = (0..<n).filter { scaled[$0] >= 1 }
        while let low = small.popLast(), let high = large.popLast() {
            acceptance[low] = scaled[low]
            alias[low] = high
            scaled[high] = (scaled[high] + scaled[low]) - 1
            if scaled[high] < 1 { small.append(high) } else { large.append(high) }
        }
        // Leftovers (rounding) keep their own column with certainty: acceptance 1, alias itself.
        columns = (0..<n).map { c in
            let threshold = UInt64(min(0xFFFF_FFFF, (acceptance[c] * 0x1p32).rounded()))
            let target = acceptance[c] >= 1 ? c : alias[c]
            return threshold << 32 | UInt64(target)
        }
    }

    /// Probability of each index implied by the (quantised) columns:
    /// `P(i) = (a_i + Σ_{c: alias(c) = i} (1 - a_c)) / V` with `a_c = threshold_c / 2³²`.
    public var impliedProbabilities: [Double] {
        var result = [Double](repeating: 0, count: columns.count)
        for (c, column) in columns.enumerated() {
            let accepted = Double(column >> 32) * 0x1p-32
            let target = Int(column & 0xFFFF_FFFF)
            if target == c {
                result[c] += 1
            } else {
                result[c] += accepted
                result[target] += 1 - accepted
            }
        }
        return result.map { $0 / Double(columns.count) }
    }

    /// The index drawn by the 64 random bits `bits` (see `NoiseDistribution.draw`).
    @inlinable
    public func sample(bits: UInt64) -> Int {
        columns.withUnsafeBufferPointer { NoiseDistribution.draw(bits: bits, columns: $0.baseAddress!, count: $0.count) }
    }

    /// The high 32 bits of `bits` pick a column uniformly (`(high · V) >> 32`), the low 32 bits
    /// decide between the column and its alias.
    @inlinable @inline(__always)
    public static func draw(bits: UInt64, columns: UnsafePointer<UInt64>, count: Int) -> Int {
        let index = Int(truncatingIfNeeded: ((bits >> 32) &* UInt64(truncatingIfNeeded: count)) >> 32)
        let column = columns[index]
        return (bits & 0xFFFF_FFFF) < (column >> 32) ? index : Int(truncatingIfNeeded: column & 0xFFFF_FFFF)
    }
}
