import ArgumentParser
import DataPipeline
import Foundation
import Trainer

struct PrepareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prepare",
        abstract: "Turn raw interactions into training data: splits, negatives, stats.json and word2vec item vectors.",
        discussion: """
            Reads MovieLens (ratings.dat/movies.dat, a folder or the GroupLens zip),
            RecBole atomic files (.inter/.item) or a 4-field TSV (user_id item_id
            cate_id timestamp), runs the reference preprocessing and distribution-mixer
            negative sampling (DataPipeline README § Preprocessing and § Negative
            sampling) and writes train/valid/test (binary .split and
            reference .tsv), the id maps, stats.json and, unless --no-pretrain,
            item_emb_64.txt / item_emb_64.safetensors.

            Examples:
              train prepare --input path/to/ml-100k --format recbole --out \\
                  Datasets/ML100K
              train prepare --input Datasets/ml-10m.zip --name ML10M \\
                  --out Datasets/ML10M-reference --sampling reference
              train prepare --synthetic demo --out Datasets/demo
            """)

    @OptionGroup var source: DataSourceOptions

    @Option(help: ArgumentHelp("Dataset name written to stats.json; training on the folder applies Configs/dataset/NAME.yaml whatever the folder is called (default: the --synthetic name, else none: the folder's name is used).", valueName: "name"))
    var name: String?

    @Option(help: ArgumentHelp("Output folder.", valueName: "dir"))
    var out: String

    @Option(help: "Seed of the negative sampling and of word2vec.")
    var seed: UInt64 = 2020

    @Option(help: "Negative-sampling rule: leak-free (never any item of the user) or reference (only the row's history).")
    var sampling: String = SamplingMode.leakFree.rawValue

    @Flag(name: .customLong("no-pretrain"), help: "Skip word2vec item-vector pre-training.")
    var noPretrain = false

    @Flag(name: .customLong("pretrain-exclude-last-two"), help: "Train word2vec without each user's valid and test targets also with --sampling reference (always so with leak-free sampling).")
    var pretrainExcludeLastTwo = false

    @Option(help: "Worker threads for sampling (the output is the same for any count).")
    var threads: Int = 2

    @Option(help: "Worker threads for word2vec: 1 gives the same vectors for a seed on every run; more train without locks (Hogwild), faster on large corpora but not reproducible.")
    var word2vecThreads: Int = 1

    @OptionGroup var location: ConfigLocation

    func validate() throws {
        guard SamplingMode(rawValue: sampling) != nil else {
            throw ValidationError("--sampling must be leak-free or reference")
        }
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
        guard word2vecThreads >= 1 else { throw ValidationError("--word2vec-threads must be at least 1") }
    }

    func run() throws {
        let request = PrepareRequest(
            source: source.source, outputFolder: out, datasetName: name, seed: seed, sampling: SamplingMode(rawValue: sampling)!,
            pretrain: !noPretrain, pretrainCorpus: pretrainExcludeLastTwo ? .excludingLastTwo : .fullSequences,
            threads: threads, word2vecThreads: word2vecThreads, configDirectory: source.synthetic == nil ? nil : try location.directory(),
            log: { line in FileHandle.standardError.write(Data((line + "\n").utf8)) })
        let summary = try PrepareWorkflow.run(request)
        let stats = summary.stats
        let dropped = (stats.usersDroppedNoNegatives ?? 0) == 0 ? ""
            : "; dropped \(stats.rowsDroppedNoNegatives ?? 0) rows of \(stats.usersDroppedNoNegatives ?? 0) users who rated every item (no leak-free negatives)"
        printOut("prepared \(out): \(stats.users) users, \(stats.items) items, \(stats.categories) categories; rows train \(stats.train.rows), valid \(stats.valid.rows), test \(stats.test.rows); \(stats.samplingFallbacks ?? 0) sampling fallbacks" + dropped)
    }
}
