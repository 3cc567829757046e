import Foundation
import Tensor

/// Word2vec pre-training of item vectors on users' item sequences (DataPipeline README § Item-embedding pre-training), following gensim 4's
/// `Word2Vec` with negative sampling.
///
/// Deliberate differences from gensim, none of which changes the model: noise items are drawn
/// with the alias method (same distribution, O(1) per draw) instead of a binary search in
/// `cum_table`; sentences are not cut at 10 000 items; each worker's learning rate follows its
/// own share of the corpus rather than a shared word counter; initial vectors are uniform in
/// `±0.5 / D` as in word2vec.c (gensim 4 uses `±1 / D`); random numbers come from `SeededGenerator`.
public enum Word2Vec {
    /// Progress callback: `(processedWords, totalWords)`, both counted in corpus items over all
    /// epochs (`totalWords = corpus items · epochs`). Called on the calling thread about every
    /// 10 000 words of the first worker (the count is extrapolated from that worker's share), and
    /// once more with `processedWords == totalWords` at the end.
    public typealias Progress = (_ processedWords: Int, _ totalWords: Int) -> Void

    /// Trains vectors for the items `1 ... itemCount` of `sentences` (one array of item ids per user).
    public static func train(sentences: [[Int32]], itemCount: Int, options: Word2VecOptions = Word2VecOptions(),
                             progress: Progress? = nil) throws -> ItemEmbeddings {
        try train(corpus: Word2VecCorpus(sentences: sentences), itemCount: itemCount, options: options, progress: progress)
    }

    /// Trains vectors for the items `1 ... itemCount` of `corpus`.
    ///
    /// Steps: apply `options.corpusSelection`; build the vocabulary (count ≥ `minCount`), the
    /// noise distribution (`count^0.75`) and the down-sampling thresholds; initialise each vocabulary
    /// vector uniformly in `±0.5 / D` from the seed and the output vectors at zero; split the
    /// corpus into `threads` contiguous parts of about equal word count and train every epoch
    /// on each part in its own thread; copy the vectors into an `[I + 1, D]` table (zeros for
    /// padding and out-of-vocabulary items).
    ///
    /// - Throws: `Word2VecError` for invalid options or an item id outside `1 ... itemCount`.
    public static func train(corpus fullCorpus: Word2VecCorpus, itemCount: Int, options: Word2VecOptions = Word2VecOptions(),
                             progress: Progress? = nil) throws -> ItemEmbeddings {
        try options.validate()
        let corpus = fullCorpus.selecting(options.corpusSelection)
        let vocabulary = try Word2VecVocabulary(corpus: corpus, itemCount: itemCount, minCount: options.minCount)
        let size = options.vectorSize
        let totalWork = corpus.wordCount * options.epochs
        guard vocabulary.size > 0 else {
            progress?(totalWork, totalWork)
            return .zeros(itemCount: itemCount, vectorSize: size)
        }

        var rng = SeededGenerator(seed: options.seed)
        let buffers = Word2VecBuffers(corpus: corpus, vocabulary: vocabulary, options: options, rng: &rng)
        let chunks = makeChunks(corpus: corpus, parts: options.threads, rng: &rng)
        let context = Word2VecWorkerContext(
            buffers: buffers, vectorSize: size, window: options.window, negative: options.negative,
            downSampling: options.sample > 0, architecture: options.architecture, cbowMean: options.cbowMean,
            epochs: options.epochs, learningRate: Word2VecLearningRate(start: options.alpha, end: options.minAlpha))
        run(context, chunks: chunks, totalWork: totalWork, progress: progress)
        progress?(totalWork, totalWork)

        var table = [Float](repeating: 0, count: (itemCount + 1) * size)
        for (index, item) in vocabulary.items.enumerated() {
            let row = Int(item) * size
            for d in 0..<size { table[row + d] = buffers.inputVectors[index * size + d] }
        }
        return ItemEmbeddings(itemCount: itemCount, vectorSize: size, values: table)
    }

    /// Splits the sentences into `parts` contiguous runs of about `wordCount / parts` words each
    /// (a part ends at the first sentence boundary at or past its share), each with its own seed.
    static func makeChunks(corpus: Word2VecCorpus, parts: Int, rng: inout SeededGenerator) -> [Word2VecChunk] {
        var chunks: [Word2VecChunk] = []
        var first = 0
        for part in 0..<parts {
            let targetEnd = corpus.wordCount * (part + 1) / parts
            var last = first
            var longest = 0
            while last < corpus.sentenceCount && (part == parts - 1 || corpus.sentenceStarts[last] < targetEnd) {
                longest = max(longest, corpus.sentenceStarts[last + 1] - corpus.sentenceStarts[last])
                last += 1
            }
            let words = corpus.sentenceStarts[last] - corpus.sentenceStarts[first]
            chunks.append(Word2VecChunk(sentences: first..<last, wordCount: words, longestSentence: longest, seed: rng.next()))
            first = last
        }
        return chunks
    }

    /// Runs chunk 0 on the calling thread (it reports progress) and the others on their own threads.
    private static func run(_ context: Word2VecWorkerContext, chunks: [Word2VecChunk], totalWork: Int, progress: Progress?) {
        let group = DispatchGroup()
        for chunk in chunks.dropFirst() {
            group.enter()
            let thread = Thread {
                context.train(chunk, report: nil)
                group.leave()
            }
            thread.start()
        }
        let report: ((Double) -> Void)? = progress.map { progress in
            { fraction in progress(min(totalWork, Int(fraction * Double(totalWork))), totalWork) }
        }
        context.train(chunks[0], report: report)
        group.wait()
    }
}
