import DataPipeline
import Foundation
import SeqModels

/// What to prepare: the inputs of `train prepare`.
public struct PrepareRequest: Sendable {
    /// Where the interactions come from.
    public enum Source: Sendable {
        /// A file or folder in one of the supported formats.
        case path(String, format: PrepareOptions.InputFormat)
        /// The built-in synthetic generator, with the `synthetic:` settings of
        /// `Configs/dataset/<name>.yaml` (e.g. `demo`).
        case synthetic(name: String)
    }

    public var source: Source
    public var outputFolder: String
    /// The dataset's name, written to `stats.json` as `name`; training on the folder then applies
    /// `Configs/dataset/<name>.yaml` whatever the folder is called. nil: a synthetic dataset is
    /// named after its generator settings (`demo`), other data stays unnamed.
    public var datasetName: String?
    public var seed: UInt64
    public var sampling: SamplingMode
    /// Run word2vec after the splits are written (`--no-pretrain` turns it off).
    public var pretrain: Bool
    /// word2vec corpus. `.fullSequences` (the default) follows the sampling rule, as
    /// DataPipeline decides (`Word2VecCorpusRule(sampling:)`): each user's items before the first
    /// valid target under leak-free sampling, whole sequences under reference sampling.
    /// `.excludingLastTwo` asks for the before-valid-targets corpus with either sampling rule.
    public var pretrainCorpus: Word2VecOptions.CorpusSelection
    public var vectorSize: Int
    /// Worker threads of negative sampling (its output does not depend on the count).
    public var threads: Int
    /// Worker threads of word2vec: 1 (the default) gives bit-identical vectors for a seed; more
    /// train without locks (Hogwild), faster on large corpora but different on every run.
    public var word2vecThreads: Int
    public var showProgress: Bool
    public var configDirectory: URL?
    /// Receives one line per finished stage.
    public var log: (@Sendable (String) -> Void)?

    public init(source: Source, outputFolder: String, datasetName: String? = nil, seed: UInt64 = 2020, sampling: SamplingMode = .leakFree,
                pretrain: Bool = true, pretrainCorpus: Word2VecOptions.CorpusSelection = .fullSequences,
                vectorSize: Int = 64, threads: Int = 2, word2vecThreads: Int = 1, showProgress: Bool = true,
                configDirectory: URL? = nil, log: (@Sendable (String) -> Void)? = nil) {
        self.source = source
        self.outputFolder = outputFolder
        self.datasetName = datasetName
        self.seed = seed
        self.sampling = sampling
        self.pretrain = pretrain
        self.pretrainCorpus = pretrainCorpus
        self.vectorSize = vectorSize
        self.threads = threads
        self.word2vecThreads = word2vecThreads
        self.showProgress = showProgress
        self.configDirectory = configDirectory
        self.log = log
    }
}

/// `train prepare` as a library call: ingest (or generate), process, sample, write the prepared
/// folder, then pre-train item vectors with word2vec (`item_emb_<D>.txt` and `.safetensors`).
///
/// The folder appears complete or not at all: everything is written into a hidden sibling folder
/// that is renamed into place at the end (`StagingFolder`), under a lock that stops a second
/// `prepare` into the same folder at once. An existing folder is replaced as a whole, so it may
/// hold only files prepare writes (`isPrepareOutput`).
public enum PrepareWorkflow {
    public static func run(_ request: PrepareRequest) throws -> PrepareSummary {
        let target = URL(fileURLWithPath: request.outputFolder)
        let folder = try StagingFolder(target: target, isReplaceable: isPrepareOutput)
        var staged = request
        staged.outputFolder = folder.staging.path
        let summary = try prepareFiles(staged)
        try folder.commit()
        return summary.relocated(to: request.outputFolder)
    }

    /// The files `prepare` writes into its folder: the splits (binary and TSV), the id maps, the
    /// interactions, `stats.json` and the word2vec vectors `item_emb_<D>.txt` / `.safetensors`.
    static func isPrepareOutput(_ name: String) -> Bool {
        let fixed: Set<String> = ["train.split", "valid.split", "test.split", "train.tsv", "valid.tsv", "test.tsv",
                                  "user_item_cate_time.tsv", "user2idx.tsv", "item2idx.tsv", "merged_cate2idx.tsv",
                                  "item2cate.tsv", "stats.json"]
        return fixed.contains(name) || (name.hasPrefix("item_emb_") && (name.hasSuffix(".txt") || name.hasSuffix(".safetensors")))
    }

    /// Writes every file of the prepared data into `request.outputFolder`.
    private static func prepareFiles(_ request: PrepareRequest) throws -> PrepareSummary {
        var options = PrepareOptions(input: "", outputFolder: request.outputFolder)
        options.seed = request.seed
        options.sampling = request.sampling
        options.datasetName = request.datasetName
        options.threads = request.threads
        options.showProgress = request.showProgress
        options.log = request.log
        if request.pretrainCorpus == .excludingLastTwo { options.word2vecCorpus = .beforeValidTargets }
        let summary: PrepareSummary
        do {
            switch request.source {
            case .path(let path, let format):
                options.input = path
                options.format = format
                summary = try PreparePipeline.run(options)
            case .synthetic(let name):
                options.datasetName = request.datasetName ?? name
                let settings = try syntheticSettings(name: name, configDirectory: request.configDirectory)
                if let minimum = settings.minItemsPerCategory { options.minItemsPerCategory = minimum }
                let raw = SyntheticDataset.generate(settings.generator)
                request.log?("generated \(raw.interactions.count) synthetic interactions (\(raw.source))")
                summary = try PreparePipeline.run(raw, inputFormat: "synthetic-\(name)", options: options)
            }
        } catch let error as DataPipelineError {
            throw TrainerError.invalidSetting("\(error)")
        }
        if request.pretrain { try pretrainItemVectors(summary, request: request) }
        return summary
    }

    /// Trains word2vec on the users' sequences and writes both embedding files.
    static func pretrainItemVectors(_ summary: PrepareSummary, request: PrepareRequest) throws {
        let started = Date()
        var options = Word2VecOptions()
        options.vectorSize = request.vectorSize
        options.threads = request.word2vecThreads
        options.seed = request.seed
        // DataPipeline already applied the corpus rule (summary.word2vecCorpusRule).
        options.corpusSelection = .fullSequences
        let corpus = summary.word2vecCorpus
        let bar = ProgressBar(title: "word2vec", total: corpus.wordCount * options.epochs, unit: "items",
                              enabled: request.showProgress ? nil : false)
        let embeddings = try Word2Vec.train(corpus: corpus, itemCount: summary.stats.items, options: options) { done, _ in
            bar.update(completed: done)
        }
        bar.finish()
        let folder = URL(fileURLWithPath: request.outputFolder)
        try embeddings.writeText(to: folder.appendingPathComponent(ItemEmbeddings.textFileName(vectorSize: request.vectorSize)).path)
        try embeddings.writeSafeTensors(to: folder.appendingPathComponent(ItemEmbeddings.safeTensorsFileName(vectorSize: request.vectorSize)).path)
        request.log?(String(format: "word2vec (%d items, %@ corpus) in %.2f s", summary.stats.items,
                            summary.word2vecCorpusRule.rawValue, Date().timeIntervalSince(started)))
    }

    /// Generator settings of a synthetic dataset.
    struct SyntheticSettings {
        var generator: SyntheticDataset.Configuration
        /// Optional override of the category-merging threshold for this dataset.
        var minItemsPerCategory: Int?
    }

    /// Reads the `synthetic:` section of `Configs/dataset/<name>.yaml` (keys in snake_case:
    /// `users`, `items`, `categories`, `interactions`, `min_interactions_per_user`,
    /// `popularity_exponent`, `category_exponent`, `stay_probability`, `drift_probability`,
    /// `neighbour_probability`, `neighbourhood`, `seed`, `min_items_per_category`).
    static func syntheticSettings(name: String, configDirectory: URL?) throws -> SyntheticSettings {
        guard let configDirectory else {
            throw TrainerError.invalidSetting("the synthetic dataset '\(name)' needs the Configs folder (pass --configs)")
        }
        let file = configDirectory.appendingPathComponent("dataset/\(name).yaml")
        guard FileManager.default.fileExists(atPath: file.path) else {
            throw TrainerError.invalidSetting("no synthetic dataset '\(name)': \(file.path) does not exist")
        }
        let layer = try ConfigLoader.readFile(file)
        guard case .mapping(let section)? = layer.values["synthetic"] else {
            throw TrainerError.invalidSetting("\(file.path) has no `synthetic:` section describing the generator")
        }
        var generator = SyntheticDataset.Configuration.demo
        var minItems: Int?
        let origin = "\(file.path) [synthetic]"
        func int(_ key: String, _ value: ConfigValue) throws -> Int {
            guard case .int(let i) = value, i >= 0 else {
                throw ConfigError.wrongType(key: "synthetic.\(key)", expected: "an integer ≥ 0", found: "\(value)", origin: origin)
            }
            return i
        }
        func probability(_ key: String, _ value: ConfigValue, upTo limit: Double = 1) throws -> Double {
            let number: Double
            switch value {
            case .int(let i): number = Double(i)
            case .double(let d): number = d
            default: number = .nan
            }
            guard number >= 0, number <= limit else {
                throw ConfigError.wrongType(key: "synthetic.\(key)", expected: limit == 1 ? "a number in [0, 1]" : "a number ≥ 0",
                                            found: "\(value)", origin: origin)
            }
            return number
        }
        for (key, value) in section.sorted(by: { $0.key < $1.key }) {
            switch key {
            case "users": generator.users = try int(key, value)
            case "items": generator.items = try int(key, value)
            case "categories": generator.categories = try int(key, value)
            case "interactions": generator.interactions = try int(key, value)
            case "min_interactions_per_user": generator.minInteractionsPerUser = try int(key, value)
            case "popularity_exponent": generator.popularityExponent = try probability(key, value, upTo: .infinity)
            case "category_exponent": generator.categoryExponent = try probability(key, value, upTo: .infinity)
            case "stay_probability": generator.stayProbability = try probability(key, value)
            case "drift_probability": generator.driftProbability = try probability(key, value)
            case "neighbour_probability": generator.neighbourProbability = try probability(key, value)
            case "neighbourhood": generator.neighbourhood = max(1, try int(key, value))
            case "seed": generator.seed = UInt64(try int(key, value))
            case "min_items_per_category": minItems = try int(key, value)
            default:
                throw TrainerError.invalidSetting("unknown synthetic setting '\(key)' in \(file.path)")
            }
        }
        guard generator.users > 0, generator.items > 1, generator.categories > 0 else {
            throw TrainerError.invalidSetting("\(file.path): the synthetic dataset needs users ≥ 1, items ≥ 2 and categories ≥ 1")
        }
        return SyntheticSettings(generator: generator, minItemsPerCategory: minItems)
    }
}
