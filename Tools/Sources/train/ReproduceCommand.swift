import ArgumentParser
import DataPipeline
import Foundation
import Trainer

struct ReproduceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reproduce",
        abstract: "The paper's flow on a real dataset: prepare, Base, Ada-Ranker end to end, two-stage fine-tuning, one table.",
        discussion: """
            Prepares --input (or the built-in --synthetic dataset) into --data with the
            first seed (skipped when --data already holds data prepared with the same
            sampling rule and seed), prints a
            run-time estimate measured on this machine, then for each model and seed
            trains Base, Ada-Ranker end to end, and fine-tunes Ada-Ranker from the Base
            checkpoint of the same seed with freeze = 0 and freeze = 1 (--variants
            chooses), into <runs>/<Model>-<Label>-seed<s>/. Writes <runs>/results.md
            (test group_auc and ndcg@10 as mean ± std over the seeds, then every run;
            the paper's numbers where the paper reports them: ML-10M, GRU4Rec group_auc
            Base 0.9187, Ada-Ranker 0.9279), results.json, curves-<Model>.svg (valid
            group_auc per epoch, one line per variant) and report.html. Started again,
            it reuses finished runs and resumes interrupted ones (of the same protocol;
            use another --runs folder for the other protocol).

            --protocol fair (the default) trains Base and Ada-Ranker with the same batch
            size and stopping rule, the Ada-Ranker starting as its Base ranker;
            --protocol paper uses the paper's settings (ada_init reference, Ada-Ranker
            batch 2048) for a table to compare with the paper's numbers.

            Examples:
              train reproduce --input Datasets/ml-10m.zip --name ML10M --data \\
                  Datasets/ML10M --runs runs/ml10m-paper --protocol paper
              train reproduce --input path/to/ml-100k --format recbole \\
                  --name ML100K --data Datasets/ML100K --runs runs/ml100k --sampling \\
                  leak-free --models all --epochs=30
              train reproduce --input path/to/ml-100k --format recbole \\
                  --name ML100K --data Datasets/ML100K --runs runs/ml100k --sampling \\
                  leak-free --models all --seeds 2020,2021,2022 \\
                  --seeds-per-model GRU4Rec=3,SASRec=3 --variants base,ada,freeze1
              train reproduce --synthetic demo --data Datasets/demo --runs \\
                  runs/reproduce-demo --sampling leak-free --models all --variants \\
                  base,ada,freeze1
            """)

    @OptionGroup var source: DataSourceOptions

    @Option(help: "Dataset name (selects Configs/dataset/<name>.yaml; ML10M has the paper's numbers). Default: the --synthetic name.")
    var name: String?

    @Option(help: ArgumentHelp("Folder for the prepared data.", valueName: "dir"))
    var data: String

    @Option(help: ArgumentHelp("Folder for the runs and results.md.", valueName: "dir"))
    var runs: String

    @Option(help: "Negative sampling: reference (the paper's protocol) or leak-free (this project's default).")
    var sampling: String = SamplingMode.reference.rawValue

    @OptionGroup var comparison: ProtocolOption

    @Option(help: "Comma-separated models, or all (MF, GRU4Rec, SASRec, NARM, NextItNet, SRGNN, SHAN).")
    var models: String = "GRU4Rec"

    @Option(help: "Seed of sampling, word2vec and training (the single seed when --seeds is not given).")
    var seed: UInt64 = 2020

    @Option(help: ArgumentHelp("Comma-separated training seeds; the first also seeds sampling and word2vec. Default: --seed.", valueName: "s1,s2,…"))
    var seeds: String = ""

    @Option(help: ArgumentHelp("How many of --seeds a model runs, e.g. GRU4Rec=3,SASRec=3; models not listed run the first seed only. Default: every model runs every seed.", valueName: "Model=n,…"))
    var seedsPerModel: String = ""

    @Option(help: ArgumentHelp("Comma-separated run kinds: base, ada, freeze0, freeze1, or all. Fine-tuning also trains (or reuses) the Base run it starts from.", valueName: "list"))
    var variants: String = "all"

    @Option(help: "Worker threads for negative sampling (word2vec runs on one thread, so a seed always gives the same data).")
    var threads: Int = 2

    @Flag(help: "Print the estimate and stop.")
    var estimateOnly = false

    @Flag(help: "Log only to the run folders, not to the console.")
    var quiet = false

    @OptionGroup var location: ConfigLocation

    @Argument(parsing: .allUnrecognized, help: ArgumentHelp("Configuration overrides for every run.", valueName: "--key=value"))
    var overrides: [String] = []

    func validate() throws {
        if name == nil && source.synthetic == nil { throw ValidationError("--name is needed with --input (it selects Configs/dataset/<name>.yaml)") }
    }

    func run() throws {
        guard let rule = SamplingMode(rawValue: sampling) else { throw ValidationError("--sampling must be reference or leak-free") }
        // An empty --models (e.g. an unset make variable) means the default, GRU4Rec; the same for the seed options.
        let requested = models.trimmingCharacters(in: .whitespaces).isEmpty ? "GRU4Rec" : models
        let modelList = try ReproduceRequest.parseModels(requested)
        let seedList = seeds.trimmingCharacters(in: .whitespaces).isEmpty ? [seed] : try ReproduceRequest.parseSeeds(seeds)
        let perModel = seedsPerModel.trimmingCharacters(in: .whitespaces).isEmpty ? nil : try ReproduceRequest.parseSeedsPerModel(seedsPerModel)
        let request = ReproduceRequest(
            source: source.source, datasetName: name ?? source.synthetic!, dataFolder: data, runsFolder: runs,
            sampling: rule, protocolName: comparison.protocolName ?? ConfigLoader.defaultProtocol, models: modelList,
            seeds: seedList, seedsPerModel: perModel, variants: try ReproduceRequest.Variant.parseList(variants),
            overrides: try configurationOverrides(overrides), threads: threads, estimateOnly: estimateOnly, console: !quiet,
            configDirectory: try location.directory(),
            log: { line in FileHandle.standardError.write(Data((line + "\n").utf8)) })
        let report = try ReproduceWorkflow.run(request)
        if !report.markdown.isEmpty { printOut(report.markdown) }
    }
}
