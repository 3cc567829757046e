/// Hyper-parameters of word2vec item-embedding pre-training (DataPipeline README § Item-embedding
/// pre-training).
///
/// The defaults are gensim 4's `Word2Vec` defaults with the reference's arguments
/// (`vector_size=64, window=10, min_count=3`): CBOW with the mean of the context vectors,
/// negative sampling with 5 noise items, down-sampling threshold 1e-3, 5 epochs and a learning
/// rate decaying linearly from 0.025 to 0.0001 over the whole run.
public struct Word2VecOptions: Sendable, Equatable {
    /// Which word2vec model to train.
    public enum Architecture: String, Sendable, Equatable, CaseIterable {
        /// Continuous bag of words: the (mean of the) context vectors predict the centre item.
        case cbow
        /// Skip-gram: each context item's vector predicts the centre item on its own.
        case skipGram
    }

    /// Which part of each user's sequence becomes a training sentence.
    public enum CorpusSelection: String, Sendable, Equatable, CaseIterable {
        /// The whole sequence, validation and test targets included (the reference's behaviour).
        case fullSequences
        /// Each sequence without its last two items, so the valid/test targets never leak into
        /// the pre-trained vectors.
        case excludingLastTwo
    }

    public var architecture: Architecture = .cbow
    /// Length `D` of every item vector.
    public var vectorSize: Int = 64
    /// Largest distance between the centre and a context item. For each position a reduction
    /// `b` is drawn uniformly from `0 ..< window`, and the effective window is `window - b` on each side.
    public var window: Int = 10
    /// Items occurring fewer times in the corpus are left out of training and get zero vectors.
    public var minCount: Int = 3
    /// Noise items drawn per positive example from the unigram^0.75 distribution.
    public var negative: Int = 5
    /// Exponent of the noise distribution (`count^noiseExponent`, gensim's `ns_exponent`).
    public var noiseExponent: Double = 0.75
    /// Down-sampling threshold `t`: an occurrence of an item of count `f` is kept with probability
    /// `min(1, (sqrt(f / (t·N)) + 1) · t·N / f)`, `N` = total count of the vocabulary. 0 disables it.
    public var sample: Double = 1e-3
    /// Passes over the corpus.
    public var epochs: Int = 5
    /// Initial learning rate.
    public var alpha: Double = 0.025
    /// Final learning rate, reached at the end of the last epoch.
    public var minAlpha: Double = 0.0001
    /// Seed of every random draw (initial vectors, down-sampling, window reductions, noise items).
    public var seed: UInt64 = 1
    /// Worker threads. Each works on its own contiguous part of the corpus and updates the shared
    /// vectors without locks (Hogwild); with one thread a seed gives bit-identical vectors.
    public var threads: Int = 1
    /// CBOW only: average the context vectors (gensim's `cbow_mean=1`, the default) instead of summing them.
    public var cbowMean: Bool = true
    /// Which part of each sequence is trained on.
    public var corpusSelection: CorpusSelection = .fullSequences

    public init() {}

    /// Checks that every value is usable; the message names the offending option.
    public func validate() throws {
        func fail(_ message: String) -> Word2VecError { .invalidOption(message) }
        guard vectorSize > 0 else { throw fail("vectorSize must be positive, got \(vectorSize)") }
        guard window > 0 else { throw fail("window must be positive, got \(window)") }
        guard minCount >= 1 else { throw fail("minCount must be at least 1, got \(minCount)") }
        guard negative >= 1 else { throw fail("negative must be at least 1 (only negative sampling is implemented), got \(negative)") }
        guard sample >= 0 else { throw fail("sample must be non-negative, got \(sample)") }
        guard epochs >= 1 else { throw fail("epochs must be at least 1, got \(epochs)") }
        guard alpha > 0, minAlpha >= 0, minAlpha <= alpha else {
            throw fail("need 0 ≤ minAlpha ≤ alpha and alpha > 0, got alpha \(alpha), minAlpha \(minAlpha)")
        }
        guard threads >= 1 else { throw fail("threads must be at least 1, got \(threads)") }
    }
}

/// Invalid word2vec input (problems with item-embedding files are `DataPipelineError`s).
enum Word2VecError: Error, CustomStringConvertible, Equatable {
    /// An option is out of range.
    case invalidOption(String)
    /// The corpus holds an id outside `1 ... itemCount`.
    case itemOutOfRange(item: Int32, sentence: Int, itemCount: Int)

    public var description: String {
        switch self {
        case .invalidOption(let message):
            return "word2vec: invalid option: \(message)"
        case .itemOutOfRange(let item, let sentence, let itemCount):
            return "word2vec: sentence \(sentence) holds item id \(item), expected an id in 1...\(itemCount)"
        }
    }
}
