#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The linear learning-rate decay of word2vec: with `progress` the fraction of all epochs' words
/// processed so far, `rate = max(end, start - (start - end) · progress)` (gensim's `_get_next_alpha`).
struct Word2VecLearningRate: Sendable, Equatable {
    public let start: Double
    public let end: Double

    public init(start: Double, end: Double) {
        self.start = start
        self.end = end
    }

    /// The rate after the fraction `progress` of the run (`0` at the first word, `1` after the last).
    @inlinable
    public func rate(progress: Double) -> Double {
        max(end, start - (start - end) * progress)
    }

    /// The rate of a worker that has processed `wordsDone` of the `wordsInChunk` words of its
    /// corpus part in epoch `epoch` (0-based) of `epochs`: progress `(epoch + wordsDone / wordsInChunk) / epochs`.
    @inlinable
    public func rate(epoch: Int, epochs: Int, wordsDone: Int, wordsInChunk: Int) -> Double {
        rate(progress: (Double(epoch) + Double(wordsDone) / Double(max(1, wordsInChunk))) / Double(epochs))
    }
}

/// The logistic function `σ(x) = 1 / (1 + e^-x)` tabulated at 1000 points over `[-6, 6)` as in
/// word2vec and gensim: `σ(x) ≈ table[Int((x + 6) · 1000 / 12)]` for `-6 < x < 6`. Dot products
/// outside that range are skipped by the trainer, as gensim does.
struct Word2VecSigmoidTable {
    static let size = 1000
    static let maxInput: Float = 6
    /// `size / (2 · maxInput)`: table slots per unit of input.
    static let scale: Float = Float(size) / (2 * maxInput)

    static func make() -> [Float] {
        (0..<size).map { i in
            let x = (Double(i) / Double(size) * 2 - 1) * Double(maxInput)
            let e = exp(x)
            return Float(e / (e + 1))
        }
    }
}
