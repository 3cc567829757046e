import ArgumentParser
import DataPipeline
import Foundation
import Trainer

struct ReproduceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reproduce",
        abstract: "The paper's flow on a real dataset: prepare, Base, Ada-Ranker end to end, two-stage fine-tuning, one table.",
        discussion: """
            Prepares --input into --data (skipped when --data already holds data
            prepared with the same sampling rule and seed), prints a run-time estimate
            measured on this machine, then for each model trains Base, Ada-Ranker end to
            end, and fine-tunes Ada-Ranker from the Base checkpoint with freeze = 0 and
            freeze = 1. Writes <runs>/results.md: test metrics of every run next to the
            paper's numbers where the paper reports them (ML-10M, GRU4Rec group_auc:
            Base 0.9187, Ada-Ranker 0.9279). Started again, it reuses finished runs and
            resumes interrupted ones (of the same protocol; use another --runs folder
            for the other protocol).

            --protocol fair (the default) trains Base and Ada-Ranker with the same batch
            size and stopping rule, the Ada-Ranker starting as its Base ranker;
            --protocol paper uses the paper's settings (ada_init reference, Ada-Ranker
            batch 2048) for a table to compare with the paper's numbers.

            Examples:
              train reproduce --input Datasets/ml-10m.zip --name ML10M --data \\
                  Datasets/ML10M --runs runs/ml10m-paper --protocol paper
              train reproduce --input ../shared/datasets/ml-100k --format recbole \\
                  --name ML100K --data Datasets/ML100K --runs runs/ml100k --sampling \\
                  leak-free --models all --epochs=30
            """)

    @Option(help: ArgumentHelp("Raw input (ml-10m.zip, a MovieLens folder, RecBole files or a 4-field TSV).", valueName: "path"))
    var input: String

    @Option(help: "Input format: ml10m, ml1m, recbole, tsv or auto.")
    var format: String = "auto"

    @Option(help: "Dataset name (selects Configs/dataset/<name>.yaml; ML10M has the paper's numbers).")
    var name: String

    @Option(help: ArgumentHelp("Folder for the prepared data.", valueName: "dir"))
    var data: String

    @Option(help: ArgumentHelp("Folder for the runs and results.md.", valueName: "dir"))
    var runs: String

    @Option(help: "Negative sampling: reference (the paper's protocol) or leak-free (this project's default).")
    var sampling: String = SamplingMode.reference.rawValue

    @OptionGroup var comparison: ProtocolOption

    @Option(help: "Comma-separated models, or all (MF, GRU4Rec, SASRec, NARM, NextItNet, SRGNN, SHAN).")
    var models: String = "GRU4Rec"

    @Option(help: "Seed of sampling, word2vec and training.")
    var seed: UInt64 = 2020

    @Option(help: "Worker threads for preparation.")
    var threads: Int = 2

    @Flag(help: "Print the estimate and stop.")
    var estimateOnly = false

    @Flag(help: "Log only to the run folders, not to the console.")
    var quiet = false

    @OptionGroup var location: ConfigLocation

    @Argument(parsing: .allUnrecognized, help: ArgumentHelp("Configuration overrides for every run.", valueName: "--key=value"))
    var overrides: [String] = []

    /// Test group_auc reported in the paper (Table 3, ML-10M).
    static let paperGroupAUC: [String: [String: Double]] = ["ML10M": ["GRU4Rec Base": 0.9187, "GRU4Rec Ada-Ranker": 0.9279]]

    func run() throws {
        guard let rule = SamplingMode(rawValue: sampling) else { throw ValidationError("--sampling must be reference or leak-free") }
        guard let inputFormat = PrepareOptions.InputFormat(rawValue: format) else { throw ValidationError("unknown --format \(format)") }
        // An empty --models (e.g. an unset make variable) means the default, GRU4Rec.
        let requested = models.trimmingCharacters(in: .whitespaces).isEmpty ? "GRU4Rec" : models
        let modelList = requested == "all" ? ConfigSchema.modelNames : requested.split(separator: ",").map(String.init)
        for model in modelList where !ConfigSchema.modelNames.contains(model) {
            throw ValidationError("unknown model '\(model)'; expected \(ConfigSchema.modelNames.joined(separator: ", ")) or all")
        }
        let configs = try location.directory()
        let protocolName = comparison.protocolName ?? ConfigLoader.defaultProtocol
        _ = try ConfigLoader(directory: configs).protocolFile(protocolName)  // an unknown protocol fails before preparing
        let overrides = try configurationOverrides(overrides)
        let log: @Sendable (String) -> Void = { line in FileHandle.standardError.write(Data((line + "\n").utf8)) }
        let started = Date()

        let statsFile = URL(fileURLWithPath: data).appendingPathComponent("stats.json").path
        if let stats = try? DatasetStats.read(path: statsFile), stats.sampling == rule.rawValue, stats.seed == seed {
            log("reproduce: using the data already prepared in \(data) (\(stats.sampling ?? "?") sampling)")
        } else {
            log("reproduce: preparing \(input) into \(data) with \(rule.rawValue) sampling")
            _ = try PrepareWorkflow.run(PrepareRequest(source: .path(input, format: inputFormat), outputFolder: data,
                                                       seed: seed, sampling: rule, threads: threads, log: log))
        }

        let seedOverride = overrides.contains { $0.hasPrefix("--seed=") } ? [] : ["--seed=\(seed)"]
        func request(_ model: String, _ mode: FitRequest.Mode, _ folder: String, checkpoint: String? = nil, freeze: Bool? = nil) -> FitRequest {
            FitRequest(model: model, mode: mode, dataFolder: data, outputFolder: URL(fileURLWithPath: runs).appendingPathComponent(folder).path,
                       dataset: name, protocolName: protocolName, overrides: seedOverride + overrides, checkpoint: checkpoint, freeze: freeze,
                       configDirectory: configs, console: !quiet)
        }

        // Per epoch of every run together: Base, Ada-Ranker end to end and the two fine-tunings
        // (whose steps cost about as much as the Ada-Ranker's).
        var perEpoch = 0.0
        var minimumEpochs = 0, epochLimit = 0
        for model in modelList {
            for mode in [FitRequest.Mode.base, .ada] {
                let estimate = try RuntimeEstimate.measure(request(model, mode, "estimate"))
                log("estimate \(model) \(mode.trainType): \(estimate.summary)")
                perEpoch += estimate.secondsPerEpoch * (mode == .base ? 1 : 3)
                minimumEpochs = estimate.minimumEpochs
                epochLimit = estimate.epochLimit
            }
        }
        log("estimate for all \(4 * modelList.count) runs: about \(RuntimeEstimate.format(seconds: perEpoch)) per epoch of each; at least \(RuntimeEstimate.format(seconds: perEpoch * Double(minimumEpochs))), at most \(RuntimeEstimate.format(seconds: perEpoch * Double(epochLimit))) — early stopping decides")
        if estimateOnly { return }

        /// Runs `request`, or takes the result of an earlier, finished run in its folder, or
        /// resumes an interrupted one, so that the command can simply be started again.
        func runOrContinue(_ request: FitRequest) throws -> FitReport {
            let folder = URL(fileURLWithPath: request.outputFolder)
            if let done = try FitWorkflow.finishedReport(in: folder, model: request.model,
                                                         trainType: request.mode.trainType, dataset: name,
                                                         protocolName: protocolName) {
                log("reproduce: \(folder.path) already finished; using its results")
                return done
            }
            var request = request
            request.resume = FitWorkflow.isResumable(folder)
            if request.resume { log("reproduce: resuming the interrupted run in \(folder.path)") }
            return try FitWorkflow.run(request)
        }

        var table = ResultsTable(metricNames: ["group_auc", "ndcg", "ndcg@10", "hit@1", "mrr"], extraColumns: ["paper group_auc"])
        let paper = Self.paperGroupAUC[name] ?? [:]
        for model in modelList {
            var reports: [(String, FitReport)] = []
            let base = try runOrContinue(request(model, .base, "\(model)-Base"))
            reports.append(("Base", base))
            reports.append(("Ada-Ranker", try runOrContinue(request(model, .ada, "\(model)-Ada-Ranker"))))
            let baseCheckpoint = base.folder.appendingPathComponent("best.safetensors").path
            for freeze in [false, true] {
                let label = "Ada-Ranker fine-tuned, freeze=\(freeze ? 1 : 0)"
                reports.append((label, try runOrContinue(request(model, .finetune, "\(model)-finetune-freeze\(freeze ? 1 : 0)",
                                                                 checkpoint: baseCheckpoint, freeze: freeze))))
            }
            for (label, report) in reports {
                let reference = paper["\(model) \(label)"].map { String(format: "%.4f", $0) } ?? ""
                table.rows.append(.init(model: model, mode: label, metrics: report.test, extra: ["paper group_auc": reference],
                                        seconds: report.seconds.isNaN ? nil : report.seconds, epochs: report.epochsTrained))
            }
            try writeResults(table, started: started, rule: rule, protocolName: protocolName)
        }
        printOut(try writeResults(table, started: started, rule: rule, protocolName: protocolName))
    }

    @discardableResult
    private func writeResults(_ table: ResultsTable, started: Date, rule: SamplingMode, protocolName: String) throws -> String {
        let text = "\(name): test metrics of the best checkpoints (\(protocolName) protocol, \(rule.rawValue) sampling, seed \(seed), \(RuntimeEstimate.format(seconds: Date().timeIntervalSince(started))) in total)\n\n" + table.markdown
        try AtomicFile.write(text, to: URL(fileURLWithPath: runs).appendingPathComponent("results.md"))
        return text
    }
}
