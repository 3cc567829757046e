@testable import DataPipeline
import Tensor
import XCTest

/// Learning-rate schedule, options, corpus selection, determinism and progress of word2vec training.
final class Word2VecTrainingTests: XCTestCase {
    /// 60 users over 30 items; each sequence walks through the items in steps of 1 to 3.
    private func walkCorpus(users: Int = 60, items: Int = 30, length: Int = 25) -> Word2VecCorpus {
        var rng = SeededGenerator(seed: 11)
        return Word2VecCorpus(sentences: (0..<users).map { _ in
            var item = rng.nextInt(below: items)
            return (0..<length).map { _ in
                item = (item + 1 + rng.nextInt(below: 3)) % items
                return Int32(item + 1)
            }
        })
    }

    func testLearningRateDecaysLinearlyFromAlphaToMinAlpha() {
        let schedule = Word2VecLearningRate(start: 0.025, end: 0.0001)
        XCTAssertEqual(schedule.rate(progress: 0), 0.025, accuracy: 1e-15)
        XCTAssertEqual(schedule.rate(progress: 0.5), 0.01255, accuracy: 1e-15)
        XCTAssertEqual(schedule.rate(progress: 1), 0.0001, accuracy: 1e-15)
        XCTAssertEqual(schedule.rate(progress: 1.3), 0.0001, accuracy: 1e-15)  // never below the end
        // Epoch 2 of 5, half of the worker's words: progress (2 + 0.5) / 5 = 0.5.
        XCTAssertEqual(schedule.rate(epoch: 2, epochs: 5, wordsDone: 500, wordsInChunk: 1000), 0.01255, accuracy: 1e-15)
        // Start of epoch 1 of 5: progress 0.2.
        XCTAssertEqual(schedule.rate(epoch: 1, epochs: 5, wordsDone: 0, wordsInChunk: 1000),
                       0.025 - 0.0249 * 0.2, accuracy: 1e-15)
    }

    func testDefaultsAreGensimsWithTheReferenceArguments() {
        let options = Word2VecOptions()
        XCTAssertEqual(options.architecture, .cbow)
        XCTAssertEqual(options.vectorSize, 64)
        XCTAssertEqual(options.window, 10)
        XCTAssertEqual(options.minCount, 3)
        XCTAssertEqual(options.negative, 5)
        XCTAssertEqual(options.sample, 1e-3)
        XCTAssertEqual(options.epochs, 5)
        XCTAssertEqual(options.alpha, 0.025)
        XCTAssertEqual(options.minAlpha, 0.0001)
        XCTAssertTrue(options.cbowMean)
        XCTAssertEqual(options.corpusSelection, .fullSequences)
    }

    func testInvalidOptionsAreRejected() {
        var options = Word2VecOptions()
        options.window = 0
        XCTAssertThrowsError(try Word2Vec.train(corpus: walkCorpus(), itemCount: 30, options: options)) { error in
            XCTAssertTrue("\(error)".contains("window"), "\(error)")
        }
        options = Word2VecOptions()
        options.threads = 0
        XCTAssertThrowsError(try Word2Vec.train(corpus: walkCorpus(), itemCount: 30, options: options))
    }

    func testOneThreadIsDeterministicForASeed() throws {
        for architecture in Word2VecOptions.Architecture.allCases {
            var options = Word2VecOptions()
            options.architecture = architecture
            options.vectorSize = 19  // not a multiple of the SIMD width: exercises the scalar tails
            options.seed = 5
            let first = try Word2Vec.train(corpus: walkCorpus(), itemCount: 30, options: options)
            let second = try Word2Vec.train(corpus: walkCorpus(), itemCount: 30, options: options)
            XCTAssertEqual(first.values, second.values, "\(architecture)")
            options.seed = 6
            let other = try Word2Vec.train(corpus: walkCorpus(), itemCount: 30, options: options)
            XCTAssertNotEqual(first.values, other.values, "\(architecture)")
        }
    }

    func testShapeAndZeroRowsForPaddingAndRareItems() throws {
        var sentences = walkCorpus().items.chunked(25)
        sentences[0].append(31)  // item 31 occurs twice (< minCount 3), item 32 never
        sentences[1].append(31)
        for threads in [1, 2, 3] {
            var options = Word2VecOptions()
            options.vectorSize = 16
            options.threads = threads
            let embeddings = try Word2Vec.train(sentences: sentences, itemCount: 32, options: options)
            XCTAssertEqual(embeddings.tensor.shape, [33, 16])
            XCTAssertEqual(Array(embeddings.vector(0)), [Float](repeating: 0, count: 16))
            XCTAssertEqual(Array(embeddings.vector(31)), [Float](repeating: 0, count: 16))
            XCTAssertEqual(Array(embeddings.vector(32)), [Float](repeating: 0, count: 16))
            for item in 1...30 {
                let vector = embeddings.vector(item)
                XCTAssertTrue(vector.allSatisfy(\.isFinite) && vector.contains { $0 != 0 }, "item \(item), \(threads) threads")
            }
        }
    }

    func testTrainingMovesVectorsTowardsTheirNeighbours() throws {
        // On the walk corpus, item i's context is i ± 1 ... 3: after training its nearest items
        // (cosine) should mostly be ring neighbours.
        var options = Word2VecOptions()
        options.vectorSize = 16
        options.window = 3
        options.epochs = 20
        options.sample = 0
        let embeddings = try Word2Vec.train(corpus: walkCorpus(users: 200), itemCount: 30, options: options)
        func cosine(_ a: Int, _ b: Int) -> Float {
            let x = embeddings.vector(a), y = embeddings.vector(b)
            let dot = zip(x, y).reduce(0) { $0 + $1.0 * $1.1 }
            return dot / (x.reduce(0) { $0 + $1 * $1 }.squareRoot() * y.reduce(0) { $0 + $1 * $1 }.squareRoot())
        }
        var neighbourFirst = 0
        for item in 1...30 {
            let nearest = (1...30).filter { $0 != item }.max { cosine(item, $0) < cosine(item, $1) }!
            let distance = min((nearest - item + 30) % 30, (item - nearest + 30) % 30)
            if distance <= 3 { neighbourFirst += 1 }
        }
        XCTAssertGreaterThanOrEqual(neighbourFirst, 24, "nearest item within 3 steps for \(neighbourFirst) of 30 items")
    }

    func testCorpusSelectionDropsEachUsersLastTwoItems() throws {
        let corpus = Word2VecCorpus(sentences: [[1, 2, 3, 4], [5], [6, 7, 8]])
        let trimmed = corpus.droppingLast(2)
        XCTAssertEqual(trimmed.sentenceCount, 3)
        XCTAssertEqual(Array(trimmed.sentence(0)), [1, 2])
        XCTAssertEqual(Array(trimmed.sentence(1)), [])
        XCTAssertEqual(Array(trimmed.sentence(2)), [6])
        XCTAssertEqual(corpus.selecting(.fullSequences), corpus)
        XCTAssertEqual(corpus.selecting(.excludingLastTwo), trimmed)

        // Items that only occur as a last or second-last item get zero vectors when excluded.
        var sentences = walkCorpus().items.chunked(25)
        for s in 0..<5 { sentences[s] += [31, 32] }
        var options = Word2VecOptions()
        options.vectorSize = 8
        options.corpusSelection = .excludingLastTwo
        let excluded = try Word2Vec.train(sentences: sentences, itemCount: 32, options: options)
        XCTAssertTrue(excluded.vector(31).allSatisfy { $0 == 0 } && excluded.vector(32).allSatisfy { $0 == 0 })
        options.corpusSelection = .fullSequences
        let full = try Word2Vec.train(sentences: sentences, itemCount: 32, options: options)
        XCTAssertTrue(full.vector(31).contains { $0 != 0 } && full.vector(32).contains { $0 != 0 })
    }

    func testProgressIsReportedUpToTheTotal() throws {
        let corpus = walkCorpus(users: 2000)  // 50 000 words
        var options = Word2VecOptions()
        options.vectorSize = 8
        options.epochs = 2
        var reports: [(Int, Int)] = []
        _ = try Word2Vec.train(corpus: corpus, itemCount: 30, options: options) { reports.append(($0, $1)) }
        XCTAssertGreaterThanOrEqual(reports.count, 8)  // about every 10 000 of 100 000 words, plus the end
        XCTAssertTrue(reports.allSatisfy { $0.1 == 100_000 })
        XCTAssertEqual(reports.map(\.0), reports.map(\.0).sorted())
        XCTAssertEqual(reports.last?.0, 100_000)
    }

    func testAnEmptyVocabularyGivesZeros() throws {
        let embeddings = try Word2Vec.train(sentences: [[1, 2], [3]], itemCount: 3)
        XCTAssertEqual(embeddings, .zeros(itemCount: 3, vectorSize: 64))
    }
}

private extension Array {
    /// Consecutive pieces of `size` elements.
    func chunked(_ size: Int) -> [[Element]] {
        stride(from: 0, to: count, by: size).map { Array(self[$0 ..< Swift.min($0 + size, count)]) }
    }
}
