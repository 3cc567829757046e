import DataPipeline
import Foundation

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
