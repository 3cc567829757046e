import Foundation

/// The `prepare` step as a library call: read an input, run the steps of DataPipeline README
/// § Preprocessing and § Negative sampling and write the prepared folder (§ Storage format).
///
///     var options = PrepareOptions(input: "Datasets/ml-10m.zip", outputFolder: "Datasets/ML10M")
///     options.seed = 2020
///     let summary = try PreparePipeline.run(options)
///     print(summary.stats.itemNum)
///
/// Output folder contents: `train.split`, `valid.split`, `test.split` (binary, see
/// `BinarySplitFormat`), `train.tsv`, `valid.tsv`, `test.tsv` (reference format),
/// `user_item_cate_time.tsv`, `user2idx.tsv`, `item2idx.tsv`, `merged_cate2idx.tsv`,
/// `item2cate.tsv` and `stats.json`. All are written to temporary names and renamed into place
/// only after everything succeeded (`stats.json` last); a failed run leaves no partial file.
/// Word2vec pre-training (`item_emb_64.txt`) is a separate stage run on `summary.word2vecCorpus`.
public enum PreparePipeline {
    /// Reads `options.input` and prepares it.
    public static func run(_ options: PrepareOptions) throws -> PrepareSummary {
        try validate(options)
        var timer = StageTimer(log: options.log)
        let (raw, format) = try InputReader.read(path: options.input, format: options.format)
        timer.finish("read \(raw.interactions.count) interactions (\(format.rawValue))")
        return try run(raw, inputFormat: format.rawValue, options: options, timer: timer)
    }

    /// Prepares an in-memory dataset (e.g. `SyntheticDataset.generate`) into `options.outputFolder`;
    /// `options.input` and `options.format` are ignored.
    public static func run(_ raw: RawDataset, inputFormat: String = "memory", options: PrepareOptions) throws -> PrepareSummary {
        try validate(options)
        return try run(raw, inputFormat: inputFormat, options: options, timer: StageTimer(log: options.log))
    }

    /// Runs § Preprocessing (steps 1–5 and 7) and § Negative sampling without writing anything.
    static func process(_ raw: RawDataset, inputFormat: String = "memory", options: PrepareOptions) throws -> (PreparedDataset, ProcessedInteractions) {
        try validate(options)
        var timer = StageTimer(log: nil)
        return try process(raw, inputFormat: inputFormat, options: options, timer: &timer)
    }

    // MARK: - Stages

    private static func run(_ raw: RawDataset, inputFormat: String, options: PrepareOptions, timer: StageTimer) throws -> PrepareSummary {
        var timer = timer
        let (dataset, processed) = try process(raw, inputFormat: inputFormat, options: options, timer: &timer)
        let files = try write(dataset, processed: processed, options: options)
        timer.finish("wrote \(files.count) files to \(options.outputFolder)")
        var written = dataset
        written.folder = options.outputFolder
        return PrepareSummary(dataset: written, processed: processed, outputFolder: options.outputFolder,
                              files: files, stageSeconds: timer.stages, word2vecCorpusRule: options.effectiveWord2VecCorpus,
                              targetItemsUsed: options.targetItemsUsed)
    }

    private static func process(_ raw: RawDataset, inputFormat: String, options: PrepareOptions,
                                timer: inout StageTimer) throws -> (PreparedDataset, ProcessedInteractions) {
        let processed = try Preprocessing.run(raw, options: .init(minItemsPerCategory: options.minItemsPerCategory,
                                                                   minUserInteractions: options.minUserInteractions))
        timer.finish("processed: \(processed.userCount) users, \(processed.itemCount) items, \(processed.categoryCount) categories, \(processed.interactionCount) interactions")

        let bar = options.showProgress ? ProgressBar(title: "sampling negatives", total: processed.userCount, unit: "users") : nil
        let built = try SplitBuilder.build(processed, options: .init(targetItemsUsed: options.targetItemsUsed,
                                                                     negativesPerRow: options.negativesPerRow,
                                                                     maxTries: options.maxTriesPerDraw, mode: options.sampling,
                                                                     seed: options.seed, threads: options.threads),
                                           progress: bar)
        bar?.finish()
        let stats = DatasetStats(
            source: raw.source, inputFormat: inputFormat, seed: options.seed, sampling: options.sampling.rawValue,
            users: processed.userCount, items: processed.itemCount, categories: processed.categoryCount,
            interactions: processed.interactionCount, processing: processed.counts,
            minItemsPerCategory: options.minItemsPerCategory, minUserInteractions: options.minUserInteractions,
            targetItemsUsed: options.targetItemsUsed, negItemsNum: options.negativesPerRow,
            train: .init(built.train), valid: .init(built.valid), test: .init(built.test),
            samplingFallbacks: built.fallbacks, usersDroppedNoNegatives: built.droppedUsers,
            rowsDroppedNoNegatives: built.droppedRows, word2vecCorpus: options.effectiveWord2VecCorpus.rawValue,
            name: options.datasetName)
        let dropped = built.droppedUsers == 0 ? ""
            : "; dropped \(built.droppedRows) rows of \(built.droppedUsers) users without any eligible negative"
        timer.finish("sampled: train \(built.train.rowCount), valid \(built.valid.rowCount), test \(built.test.rowCount) rows, \(built.fallbacks) fallbacks" + dropped)
        return (PreparedDataset(train: built.train, valid: built.valid, test: built.test, stats: stats), processed)
    }

    /// Writes every output file. `train.tsv`, by far the largest, is written on one thread while
    /// the other files are written on another; everything is committed at the end.
    private static func write(_ dataset: PreparedDataset, processed: ProcessedInteractions, options: PrepareOptions) throws -> [String] {
        typealias Job = (name: String, body: (FileWriter) throws -> Void)
        var jobs: [Job] = [
            ("user2idx.tsv", { try ReferenceTSVWriter.writeIdMap(header: "user_id\tuser_idx", originals: processed.originalUserIds, to: $0) }),
            ("item2idx.tsv", { try ReferenceTSVWriter.writeIdMap(header: "item_id\titem_idx", originals: processed.originalItemIds, to: $0) }),
            ("merged_cate2idx.tsv", { try ReferenceTSVWriter.writeCategoryMap(processed, to: $0) }),
            ("item2cate.tsv", { try ReferenceTSVWriter.writeItemCategories(processed, to: $0) }),
            ("user_item_cate_time.tsv", { try ReferenceTSVWriter.writeInteractions(processed, to: $0) }),
        ]
        let totalRows = Split.Name.allCases.reduce(0) { $0 + dataset.split($1).rowCount }
        let bar = options.showProgress && options.writeSplitTSV ? ProgressBar(title: "writing TSV", total: totalRows) : nil
        if options.writeSplitTSV {
            for name in Split.Name.allCases {
                jobs.append(("\(name.rawValue).tsv", { try ReferenceTSVWriter.writeSplit(dataset.split(name), to: $0, progress: bar) }))
            }
        }
        for name in Split.Name.allCases {
            jobs.append((BinarySplitFormat.fileName(name), { try BinarySplitFormat.write(dataset.split(name), to: $0) }))
        }
        let stats = try dataset.stats.encoded()
        jobs.append(("stats.json", { writer in try stats.withUnsafeBufferPointer { try writer.write($0) } }))

        let folder = try OutputFolder(path: options.outputFolder)
        let writers = try jobs.map { try folder.makeWriter($0.name) }
        // Worker 0 writes train.tsv (or nothing), worker 1 everything else, in staging order.
        let big = jobs.firstIndex { $0.name == "train.tsv" }
        let groups = [big.map { [$0] } ?? [], jobs.indices.filter { $0 != big }]
        var failures = [Error?](repeating: nil, count: groups.count)
        failures.withUnsafeMutableBufferPointer { failures in
            DispatchQueue.concurrentPerform(iterations: groups.count) { group in
                do {
                    for index in groups[group] {
                        try jobs[index].body(writers[index])
                        try writers[index].close()
                    }
                } catch {
                    failures[group] = error
                }
            }
        }
        bar?.finish()
        if let failure = failures.lazy.compactMap({ $0 }).first { throw failure }
        try folder.commit()
        return jobs.map(\.name)
    }

    private static func validate(_ options: PrepareOptions) throws {
        func check(_ condition: Bool, _ message: String) throws {
            if !condition { throw DataPipelineError(.unsupportedFormat, file: "prepare options", message) }
        }
        try check(options.minItemsPerCategory >= 0, "minItemsPerCategory must be ≥ 0, got \(options.minItemsPerCategory)")
        try check(options.minUserInteractions >= 0, "minUserInteractions must be ≥ 0, got \(options.minUserInteractions)")
        try check(options.targetItemsUsed >= 1, "targetItemsUsed must be ≥ 1, got \(options.targetItemsUsed)")
        try check(options.negativesPerRow >= 1, "negativesPerRow must be ≥ 1, got \(options.negativesPerRow)")
        try check(options.maxTriesPerDraw >= 1, "maxTriesPerDraw must be ≥ 1, got \(options.maxTriesPerDraw)")
        try check(options.threads >= 1, "threads must be ≥ 1, got \(options.threads)")
    }
}

/// What `PreparePipeline.run` produced.
public struct PrepareSummary: Sendable {
    /// The splits and stats, already in memory (no need to reload the folder).
    public let dataset: PreparedDataset
    /// The processed interactions (remapped sequences, id maps, categories).
    let processed: ProcessedInteractions
    public let outputFolder: String
    /// Names of the files written into `outputFolder`.
    public let files: [String]
    /// Wall-clock seconds of each stage, in order.
    public let stageSeconds: [(stage: String, seconds: Double)]
    /// The rule `word2vecCorpus` follows (also in `stats.json` as `word2vec_corpus`).
    public let word2vecCorpusRule: Word2VecCorpusRule
    /// Targets per user of step 7, which fixes where `.beforeValidTargets` sentences end.
    public let targetItemsUsed: Int

    init(dataset: PreparedDataset, processed: ProcessedInteractions, outputFolder: String, files: [String],
                stageSeconds: [(stage: String, seconds: Double)], word2vecCorpusRule: Word2VecCorpusRule,
                targetItemsUsed: Int) {
        self.dataset = dataset
        self.processed = processed
        self.outputFolder = outputFolder
        self.files = files
        self.stageSeconds = stageSeconds
        self.word2vecCorpusRule = word2vecCorpusRule
        self.targetItemsUsed = targetItemsUsed
    }

    public var stats: DatasetStats { dataset.stats }

    /// The same summary for the folder the output was moved to (e.g. a staging folder renamed into place).
    public func relocated(to folder: String) -> PrepareSummary {
        var moved = dataset
        moved.folder = folder
        return PrepareSummary(dataset: moved, processed: processed, outputFolder: folder, files: files,
                              stageSeconds: stageSeconds, word2vecCorpusRule: word2vecCorpusRule,
                              targetItemsUsed: targetItemsUsed)
    }
    /// Each user's full remapped item sequence, valid and test targets included.
    public var userSequences: UserSequences { processed.userSequences }
    /// The corpus word2vec pre-training must use (DataPipeline README § Item-embedding
    /// pre-training): each user's items before the first valid target under leak-free sampling,
    /// whole sequences under reference sampling (or as `PrepareOptions.word2vecCorpus` chose).
    public var word2vecCorpus: Word2VecCorpus {
        processed.word2vecCorpus(word2vecCorpusRule, targetItemsUsed: targetItemsUsed)
    }
}

/// Times consecutive stages and reports each to an optional log.
struct StageTimer {
    let log: (@Sendable (String) -> Void)?
    private(set) var stages: [(stage: String, seconds: Double)] = []
    private var last = ProgressBar.now()

    init(log: (@Sendable (String) -> Void)?) { self.log = log }

    mutating func finish(_ stage: String) {
        let now = ProgressBar.now()
        stages.append((stage, now - last))
        log?("\(stage) in " + String(format: "%.2f s", now - last))
        last = now
    }
}
