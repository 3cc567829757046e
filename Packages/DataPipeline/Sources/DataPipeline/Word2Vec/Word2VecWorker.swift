import Tensor

/// The shared state of one training run: the buffers and the settings every worker reads.
struct Word2VecWorkerContext: Sendable {
    let buffers: Word2VecBuffers
    let vectorSize: Int
    let window: Int
    let negative: Int
    let downSampling: Bool
    let architecture: Word2VecOptions.Architecture
    let cbowMean: Bool
    let epochs: Int
    let learningRate: Word2VecLearningRate
}

/// A contiguous run of sentences trained by one worker, with its own random stream.
struct Word2VecChunk: Sendable {
    let sentences: Range<Int>
    /// Corpus positions covered (before vocabulary filtering and down-sampling).
    let wordCount: Int
    /// Longest sentence of the chunk, the size of the worker's index buffer.
    let longestSentence: Int
    let seed: UInt64
}

extension Word2VecWorkerContext {
    /// How often (in corpus words) the first worker reports progress.
    static let reportInterval = 10_000

    /// Trains all epochs on `chunk`. `report`, when given, receives the fraction of this chunk's
    /// total work done (`0 ... 1` over all epochs) about every `reportInterval` words.
    ///
    /// Per sentence: the in-vocabulary items are kept with their down-sampling probability and
    /// compacted; for each kept position `i` a reduction `b ∈ [0, window)` gives the context
    /// `[i - window + b, i + window - b] \ {i}` clipped to the sentence; then one CBOW or
    /// skip-gram update with negative sampling at the learning rate of the sentence's start.
    func train(_ chunk: Word2VecChunk, report: ((Double) -> Void)?) {
        guard chunk.wordCount > 0 else { return }
        // Locals only below this line: the loops must not reach through `self`.
        let kernel = Word2VecKernel(self, longestSentence: chunk.longestSentence)
        defer { kernel.deallocate() }
        let starts = buffers.sentenceStarts.baseAddress!, epochs = epochs, schedule = learningRate
        var rng = SeededGenerator(seed: chunk.seed)
        var nextReport = Self.reportInterval

        for epoch in 0..<epochs {
            var wordsDone = 0
            for s in chunk.sentences {
                let start = starts[s], end = starts[s + 1]
                let alpha = Float(schedule.rate(epoch: epoch, epochs: epochs, wordsDone: wordsDone, wordsInChunk: chunk.wordCount))
                let count = kernel.keepPositions(start..<end, rng: &rng)
                wordsDone += end - start
                kernel.trainSentence(count: count, alpha: alpha, rng: &rng)
                if let report, wordsDone >= nextReport {
                    nextReport = wordsDone + Self.reportInterval
                    report((Double(epoch) + Double(wordsDone) / Double(chunk.wordCount)) / Double(epochs))
                }
            }
            nextReport = Self.reportInterval
        }
    }
}

/// The values, base pointers and scratch buffers of one worker's training loop, copied out of the
/// `Word2VecWorkerContext` so the loops read locals (the methods are inlined into `train`).
private struct Word2VecKernel {
    let size: Int, window: Int, negative: Int
    let syn0: UnsafeMutablePointer<Float>, syn1: UnsafeMutablePointer<Float>
    let positions: UnsafePointer<Int32>, keep: UnsafePointer<UInt64>
    let noise: UnsafePointer<UInt64>, noiseCount: Int, sigmoid: UnsafePointer<Float>
    let downSampling: Bool, isCBOW: Bool, cbowMean: Bool
    let maxInput: Float, sigmoidScale: Float, lastSlot: Int
    /// The kept vocabulary indices of the current sentence.
    let indexes: UnsafeMutablePointer<Int32>
    /// CBOW's context vector and the accumulated input gradient, `size` floats each.
    let hidden: UnsafeMutablePointer<Float>, error: UnsafeMutablePointer<Float>

    /// Copies the context's values and base pointers and allocates the scratch buffers (freed by `deallocate`).
    init(_ context: Word2VecWorkerContext, longestSentence: Int) {
        let buffers = context.buffers
        size = context.vectorSize; window = context.window; negative = context.negative
        syn0 = buffers.inputVectors.baseAddress!; syn1 = buffers.outputVectors.baseAddress!
        positions = UnsafePointer(buffers.positions.baseAddress!); keep = UnsafePointer(buffers.keepThresholds.baseAddress!)
        noise = UnsafePointer(buffers.noiseColumns.baseAddress!); noiseCount = buffers.noiseColumns.count
        sigmoid = UnsafePointer(buffers.sigmoidTable.baseAddress!)
        downSampling = context.downSampling; isCBOW = context.architecture == .cbow; cbowMean = context.cbowMean
        maxInput = Word2VecSigmoidTable.maxInput; sigmoidScale = Word2VecSigmoidTable.scale
        lastSlot = Word2VecSigmoidTable.size - 1
        indexes = UnsafeMutablePointer<Int32>.allocate(capacity: max(1, longestSentence))
        hidden = UnsafeMutablePointer<Float>.allocate(capacity: size)
        error = UnsafeMutablePointer<Float>.allocate(capacity: size)
    }

    /// Frees the scratch buffers.
    func deallocate() { indexes.deallocate(); hidden.deallocate(); error.deallocate() }

    /// Writes the in-vocabulary items of corpus positions `range` that survive down-sampling
    /// to `indexes`, compacted; returns how many.
    @inline(__always)
    func keepPositions(_ range: Range<Int>, rng: inout SeededGenerator) -> Int {
        var count = 0
        for p in range {
            let v = positions[p]
            if v < 0 { continue }
            if downSampling && (rng.next() >> 32) >= keep[Int(v)] { continue }
            indexes[count] = v
            count += 1
        }
        return count
    }

    /// One CBOW or skip-gram update for each of the `count` kept positions, each with a context
    /// window shrunk by a random reduction `b ∈ [0, window)`.
    @inline(__always)
    func trainSentence(count: Int, alpha: Float, rng: inout SeededGenerator) {
        for i in 0..<count {
            let reduction = Int(((rng.next() >> 32) &* UInt64(window)) >> 32)
            let lower = max(0, i - window + reduction)
            let upper = min(count, i + window + 1 - reduction)
            let target = indexes[i]
            if isCBOW {
                cbowUpdate(target: target, position: i, context: lower..<upper, alpha: alpha, rng: &rng)
            } else {
                skipGramUpdate(target: target, position: i, context: lower..<upper, alpha: alpha, rng: &rng)
            }
        }
    }

    /// CBOW: predicts `target` from the sum (or mean) of the context vectors and spreads the
    /// input gradient over the context rows of `syn0`.
    @inline(__always)
    func cbowUpdate(target: Int32, position i: Int, context: Range<Int>, alpha: Float, rng: inout SeededGenerator) {
        let lower = context.lowerBound, upper = context.upperBound
        let contextSize = upper - lower - 1
        if contextSize == 0 { return }
        hidden.initialize(repeating: 0, count: size)
        for m in lower..<upper where m != i {
            Word2VecVectorMath.add(syn0 + Int(indexes[m]) &* size, hidden, size)
        }
        let inverseCount = 1 / Float(contextSize)
        if cbowMean { Word2VecVectorMath.scale(inverseCount, hidden, size) }
        error.initialize(repeating: 0, count: size)
        negativeSampling(target: target, input: hidden, alpha: alpha, rng: &rng)
        if !cbowMean { Word2VecVectorMath.scale(inverseCount, error, size) }
        for m in lower..<upper where m != i {
            Word2VecVectorMath.add(error, syn0 + Int(indexes[m]) &* size, size)
        }
    }

    /// Skip-gram: predicts `target` from each context vector in turn, updating that row of `syn0`.
    @inline(__always)
    func skipGramUpdate(target: Int32, position i: Int, context: Range<Int>, alpha: Float, rng: inout SeededGenerator) {
        for m in context where m != i {
            let input = syn0 + Int(indexes[m]) &* size
            error.initialize(repeating: 0, count: size)
            negativeSampling(target: target, input: input, alpha: alpha, rng: &rng)
            Word2VecVectorMath.add(error, input, size)
        }
    }

    /// Negative-sampling update of `syn1` rows for predicting `target` from the vector
    /// `input`, accumulating `Σ g · syn1[row]` into `error` (logistic loss, label 1 for the
    /// target and 0 for each noise item; gensim skips dot products outside (-6, 6)).
    @inline(__always)
    func negativeSampling(target: Int32, input: UnsafePointer<Float>, alpha: Float, rng: inout SeededGenerator) {
        for d in 0...negative {
            let row: Int32
            let label: Float
            if d == 0 {
                row = target
                label = 1
            } else {
                row = Int32(truncatingIfNeeded: NoiseDistribution.draw(bits: rng.next(), columns: noise, count: noiseCount))
                if row == target { continue }
                label = 0
            }
            let output = syn1 + Int(row) &* size
            let f = Word2VecVectorMath.dot(input, output, size)
            if f <= -maxInput || f >= maxInput { continue }
            // (f + 6) · scale can round up to the table size for f just below 6.
            let g = (label - sigmoid[min(lastSlot, Int((f + maxInput) * sigmoidScale))]) * alpha
            Word2VecVectorMath.axpy(g, output, error, size)
            Word2VecVectorMath.axpy(g, input, output, size)
        }
    }
}
