import DataPipeline
import Foundation
import Tensor

/// Where the ML-100K RecBole files are: the folder named by `ADARANKER_ML100K` (MovieLens may not
/// be redistributed, so the repository has no copy); `nil` (the case is skipped) when unset or wrong.
private func ml100kFolder() -> String? {
    guard let folder = ProcessInfo.processInfo.environment["ADARANKER_ML100K"], !folder.isEmpty,
          FileManager.default.fileExists(atPath: (folder as NSString).appendingPathComponent("ml-100k.inter")) else {
        return nil
    }
    return folder
}

/// A fresh temporary folder, removed by the caller.
private func temporaryFolder(_ name: String) -> String {
    let path = (NSTemporaryDirectory() as NSString).appendingPathComponent("adaranker-bench-\(name)-\(getpid())")
    try? FileManager.default.removeItem(atPath: path)
    return path
}

/// ML-100K end to end: RecBole files → processed, sampled, stored splits (no word2vec).
/// `context.threads` sets the sampling threads. The reference Python pipeline takes about 6 s.
struct PrepareML100KBench: BenchCase {
    let name = "prepare-ml100k"
    let summary = "ML-100K RecBole files → splits (binary + TSV, leak-free sampling), no word2vec"

    func run(_ context: BenchContext) throws {
        guard let input = ml100kFolder() else {
            print("skipped: set ADARANKER_ML100K to the folder with ml-100k.inter / ml-100k.item"); return
        }
        let output = temporaryFolder(name)
        defer { try? FileManager.default.removeItem(atPath: output) }
        var options = PrepareOptions(input: input, outputFolder: output)
        options.threads = context.threads
        options.showProgress = false
        let seconds = try context.measure(minimumRunSeconds: 0) { _ = try PreparePipeline.run(options) }
        context.report(label: "prepare (sampling threads = BLAS threads)", seconds: seconds,
                       throughput: (6.0 / seconds, "× the reference's 6 s"))
    }
}

/// ML-10M scale: a synthetic 4-field TSV with 10 M interactions, 69,878 users, 10,677 items
/// (generated once, untimed), then one timed `prepare` of that file.
struct PrepareML10MShapeBench: BenchCase {
    let name = "prepare-ml10m-shape"
    let summary = "synthetic ML-10M-shape TSV (10 M interactions) → splits; one timed run per thread count"

    func run(_ context: BenchContext) throws {
        let folder = temporaryFolder(name)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let input = (folder as NSString).appendingPathComponent("ml10m-shape.tsv")
        try SyntheticDataset.generate(.ml10mShape).writeFourFieldTSV(to: input)
        var options = PrepareOptions(input: input, outputFolder: (folder as NSString).appendingPathComponent("out"))
        options.threads = context.threads
        options.showProgress = false
        let seconds = try BenchContext.time { _ = try PreparePipeline.run(options) }
        context.report(label: "prepare 10 M interactions (one run)", seconds: seconds,
                       throughput: (10.0 / seconds, "M interactions/s"))
    }
}

/// word2vec with the reference settings (CBOW, D = 64, window 10, 5 epochs) on the ML-100K corpus
/// and on a synthetic 10 M-item Zipf corpus; `context.threads` worker threads.
/// gensim 4.4 here: ML-100K 0.38 s on one worker; 10 M items 42.3 s (1 worker), 19.0 s (2 workers).
struct Word2VecBench: BenchCase {
    let name = "word2vec"
    let summary = "CBOW D=64 window 10, 5 epochs: ML-100K corpus and a synthetic 10 M-item Zipf corpus"

    func run(_ context: BenchContext) throws {
        var options = Word2VecOptions()
        options.threads = context.threads
        if let input = ml100kFolder() {
            let output = temporaryFolder(name)
            defer { try? FileManager.default.removeItem(atPath: output) }
            var prepare = PrepareOptions(input: input, outputFolder: output)
            prepare.showProgress = false
            prepare.writeSplitTSV = false
            let sequences = try PreparePipeline.run(prepare).userSequences
            let corpus = Word2VecCorpus(items: sequences.items, sentenceStarts: sequences.starts)
            let itemCount = Int(sequences.items.max() ?? 0)
            let seconds = try context.measure(minimumRunSeconds: 0) {
                _ = try Word2Vec.train(corpus: corpus, itemCount: itemCount, options: options)
            }
            context.report(label: "ML-100K corpus (\(corpus.items.count) items)", seconds: seconds,
                           throughput: (Double(corpus.items.count * options.epochs) / seconds / 1e6, "M items/s"))
        } else {
            print("ML-100K corpus skipped: set ADARANKER_ML100K")
        }
        let (corpus, itemCount) = Self.zipfCorpus()
        let seconds = try BenchContext.time { _ = try Word2Vec.train(corpus: corpus, itemCount: itemCount, options: options) }
        context.report(label: "synthetic Zipf corpus (10 M items, one run)", seconds: seconds,
                       throughput: (Double(corpus.items.count * options.epochs) / seconds / 1e6, "M items/s"))
    }

    /// 69,878 sentences of 20 + Exp(mean 123) items, scaled to exactly 10,000,000 items, drawn from
    /// 10,677 ids with Zipf(1) popularity over a shuffled id order; fixed seed.
    static func zipfCorpus() -> (Word2VecCorpus, Int) {
        let sentences = 69_878, vocabulary = 10_677, total = 10_000_000
        var rng = SeededGenerator(seed: 42)
        var raw = (0..<sentences).map { _ in 20.0 - 123.0 * log(1 - rng.nextDouble()) }
        let scale = Double(total) / raw.reduce(0, +)
        raw = raw.map { $0 * scale }
        var lengths = raw.map { Int($0) }
        lengths[lengths.count - 1] += total - lengths.reduce(0, +)
        var ids = Array(1...vocabulary)
        rng.shuffle(&ids)
        let popularity = CategoricalSampler(weights: (1...vocabulary).map { 1.0 / Double($0) })
        var items = [Int32](repeating: 0, count: total)
        for i in 0..<total { items[i] = Int32(ids[popularity.sample(using: &rng)]) }
        var starts = [0]
        for length in lengths { starts.append(starts.last! + length) }
        return (Word2VecCorpus(items: items, sentenceStarts: starts), vocabulary)
    }
}

/// One training batch of 2048 rows at L = 200 from the ML-100K train split (left padding,
/// candidates), the work the data loader does per step.
struct BatchBench: BenchCase {
    let name = "batch"
    let summary = "one batch of 2048 rows, L = 200, from the ML-100K train split (target < 5 ms)"

    func run(_ context: BenchContext) throws {
        guard let input = ml100kFolder() else { print("skipped: set ADARANKER_ML100K"); return }
        let output = temporaryFolder(name)
        defer { try? FileManager.default.removeItem(atPath: output) }
        var prepare = PrepareOptions(input: input, outputFolder: output)
        prepare.showProgress = false
        prepare.writeSplitTSV = false
        let split = try PreparePipeline.run(prepare).dataset.train
        var rng = SeededGenerator(seed: 7)
        let rows = (0..<2048).map { _ in rng.nextInt(below: split.rowCount) }
        let seconds = context.measure {
            _ = BatchIterator.makeBatch(split: split, rows: rows, maxSeqLen: 200)
        }
        context.report(label: "makeBatch B = 2048, L = 200", seconds: seconds)
    }
}
