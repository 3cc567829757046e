import Tensor

/// The buffers of one word2vec run, allocated once by `init` and freed by `deinit`; the workers
/// reach them through these base pointers for the whole run (`Word2VecKernel` copies them into
/// locals).
///
/// Several workers update `inputVectors` and `outputVectors` at the same time without locks
/// (Hogwild, as word2vec and gensim do); the other buffers are only read after `init`.
final class Word2VecBuffers: @unchecked Sendable {
    /// `syn0`, the item vectors being learnt: `[V, D]` by vocabulary index.
    let inputVectors: UnsafeMutableBufferPointer<Float>
    /// `syn1neg`, the output (context-prediction) vectors: `[V, D]`, starting at zero.
    let outputVectors: UnsafeMutableBufferPointer<Float>
    /// Vocabulary index of every corpus position, `-1` for items below `minCount`.
    let positions: UnsafeMutableBufferPointer<Int32>
    /// `sentenceCount + 1` offsets into `positions`.
    let sentenceStarts: UnsafeMutableBufferPointer<Int>
    /// Down-sampling: keep an occurrence of index `v` when a 32-bit draw is `< keepThresholds[v]`.
    let keepThresholds: UnsafeMutableBufferPointer<UInt64>
    /// Alias-method columns of the noise distribution (`NoiseDistribution.columns`), `V` of them.
    let noiseColumns: UnsafeMutableBufferPointer<UInt64>
    /// `Word2VecSigmoidTable` values.
    let sigmoidTable: UnsafeMutableBufferPointer<Float>

    /// Fills the buffers for training `vocabulary` on `corpus`: each input vector entry uniform in
    /// `±0.5 / D`, drawn from `rng` in row-major order; output vectors zero; the positions mapped
    /// to vocabulary indices; thresholds and noise columns from `options.sample` and
    /// `options.noiseExponent`.
    init(corpus: Word2VecCorpus, vocabulary: Word2VecVocabulary, options: Word2VecOptions, rng: inout SeededGenerator) {
        let vectorCount = vocabulary.size * options.vectorSize
        inputVectors = .allocate(capacity: vectorCount)
        let initialScale = 0.5 / Float(options.vectorSize)
        for k in 0..<vectorCount { inputVectors.initializeElement(at: k, to: (rng.nextFloat() * 2 - 1) * initialScale) }
        outputVectors = .allocate(capacity: vectorCount)
        outputVectors.initialize(repeating: 0)
        positions = .allocate(capacity: corpus.items.count)
        for (p, item) in corpus.items.enumerated() { positions.initializeElement(at: p, to: vocabulary.indexOfItem[Int(item)]) }
        sentenceStarts = Self.copy(corpus.sentenceStarts)
        keepThresholds = Self.copy(vocabulary.keepThresholds(sample: options.sample))
        noiseColumns = Self.copy(vocabulary.noiseDistribution(exponent: options.noiseExponent).columns)
        sigmoidTable = Self.copy(Word2VecSigmoidTable.make())
    }

    deinit {
        inputVectors.deallocate()
        outputVectors.deallocate()
        positions.deallocate()
        sentenceStarts.deallocate()
        keepThresholds.deallocate()
        noiseColumns.deallocate()
        sigmoidTable.deallocate()
    }

    /// A new buffer holding the elements of `array`.
    private static func copy<Element>(_ array: [Element]) -> UnsafeMutableBufferPointer<Element> {
        let buffer = UnsafeMutableBufferPointer<Element>.allocate(capacity: array.count)
        _ = buffer.initialize(fromContentsOf: array)
        return buffer
    }
}
