import DataPipeline
import Foundation
import SeqModels

/// `train reproduce` as a library call: the evidence for "Ada-Ranker vs Base" on one dataset.
///
/// 1. Prepares the input into `dataFolder` with the first seed (skipped when the folder already
///    holds data prepared with the same sampling rule and seed).
/// 2. Prints a run-time estimate measured on this machine (and stops there with `estimateOnly`).
/// 3. For each model and each of its seeds trains the chosen variants into
///    `<runs>/<Model>-<Label>-seed<s>/` (Label: Base, Ada-Ranker, finetune-freeze0,
///    finetune-freeze1); each fine-tuning starts from the Base checkpoint of the same seed.
///    A finished run of the same protocol is reused, an interrupted one resumed.
/// 4. Writes results.md (mean ± std over the seeds, then one row per run), results.json,
///    curves-<Model>.svg (valid group_auc per epoch, one line per variant) and report.html.
public enum ReproduceWorkflow {
    /// Test group_auc reported in the paper (Table 3, ML-10M), by `<Model> <table label>`.
    public static let paperGroupAUC: [String: [String: Double]] = ["ML10M": ["GRU4Rec Base": 0.9187, "GRU4Rec Ada-Ranker": 0.9279]]

    public static func run(_ request: ReproduceRequest) throws -> ReproduceReport {
        try request.validate()
        _ = try ConfigLoader(directory: request.configDirectory).protocolFile(request.protocolName)  // fails before preparing
        let started = Date()
        try prepareOrReuse(request)
        let estimate = try estimateLine(request)
        request.log?(estimate)
        if request.estimateOnly { return ReproduceReport(runs: [], markdown: "", estimate: estimate, files: []) }

        var runs: [ReproduceRun] = []
        var files: [URL] = []
        for model in request.models {
            runs += try runModel(model, request)
            files = try ReproduceOutputs.write(runs, request: request, started: started)
        }
        let markdown = (try? String(contentsOf: files[0], encoding: .utf8)) ?? ""
        return ReproduceReport(runs: runs, markdown: markdown, estimate: estimate, files: files)
    }

    /// Prepares the data with the first seed unless `dataFolder` already holds data prepared with
    /// the same sampling rule and seed.
    static func prepareOrReuse(_ request: ReproduceRequest) throws {
        let seed = request.seeds[0]
        let statsFile = URL(fileURLWithPath: request.dataFolder).appendingPathComponent("stats.json").path
        if let stats = try? DatasetStats.read(path: statsFile), stats.sampling == request.sampling.rawValue, stats.seed == seed {
            request.log?("reproduce: using the data already prepared in \(request.dataFolder) (\(stats.sampling ?? "?") sampling, seed \(seed))")
            return
        }
        request.log?("reproduce: preparing into \(request.dataFolder) with \(request.sampling.rawValue) sampling, seed \(seed)")
        _ = try PrepareWorkflow.run(PrepareRequest(source: request.source, outputFolder: request.dataFolder,
                                                   datasetName: request.datasetName, seed: seed,
                                                   sampling: request.sampling, threads: request.threads,
                                                   showProgress: request.console, configDirectory: request.configDirectory,
                                                   log: request.log))
    }

    /// The run `variant` of `model` with `seed` as a `FitRequest` (fine-tunings from `checkpoint`).
    static func fitRequest(_ request: ReproduceRequest, model: ModelName, variant: ReproduceRequest.Variant, seed: UInt64,
                           checkpoint: String? = nil) -> FitRequest {
        let folder = URL(fileURLWithPath: request.runsFolder).appendingPathComponent(folderName(model, variant, seed: seed))
        let freeze: Bool? = variant == .freeze0 ? false : variant == .freeze1 ? true : nil
        return FitRequest(model: model, mode: variant.mode, dataFolder: request.dataFolder, outputFolder: folder.path,
                          dataset: request.datasetName, protocolName: request.protocolName,
                          overrides: ["--seed=\(seed)"] + request.overrides, checkpoint: checkpoint, freeze: freeze,
                          configDirectory: request.configDirectory, console: request.console)
    }

    /// `<Model>-<Label>-seed<s>`.
    public static func folderName(_ model: ModelName, _ variant: ReproduceRequest.Variant, seed: UInt64) -> String {
        "\(model)-\(variant.folderLabel)-seed\(seed)"
    }

    /// Measures Base and Ada-Ranker steps of every model and sums the epochs of all planned runs
    /// (a fine-tuning step costs about as much as an Ada-Ranker step).
    static func estimateLine(_ request: ReproduceRequest) throws -> String {
        var perEpoch = 0.0
        var minimumEpochs = 0, epochLimit = 0, runCount = 0
        let variants = request.runVariants
        for model in request.models {
            let seedCount = Double(request.seeds(for: model).count)
            runCount += variants.count * Int(seedCount)
            for mode in [FitRequest.Mode.base, .ada] {
                let count = Double(variants.filter { ($0 == .base) == (mode == .base) }.count)
                guard count > 0 else { continue }
                var probe = fitRequest(request, model: model, variant: mode == .base ? .base : .ada, seed: request.seeds[0])
                probe.outputFolder = URL(fileURLWithPath: request.runsFolder).appendingPathComponent("estimate").path
                let estimate = try RuntimeEstimate.measure(probe)
                request.log?("estimate \(model) \(mode.trainType): \(estimate.summary)")
                perEpoch += estimate.secondsPerEpoch * count * seedCount
                minimumEpochs = estimate.minimumEpochs
                epochLimit = estimate.epochLimit
            }
        }
        let format = RuntimeEstimate.format(seconds:)
        return "estimate for all \(runCount) runs: about \(format(perEpoch)) per epoch of each; at least \(format(perEpoch * Double(minimumEpochs))), at most \(format(perEpoch * Double(epochLimit))) — early stopping decides"
    }

    /// Every seed and variant of one model.
    static func runModel(_ model: ModelName, _ request: ReproduceRequest) throws -> [ReproduceRun] {
        var runs: [ReproduceRun] = []
        for seed in request.seeds(for: model) {
            var baseCheckpoint: String?
            for variant in request.runVariants {
                let fit = fitRequest(request, model: model, variant: variant, seed: seed,
                                     checkpoint: variant.mode == .finetune ? baseCheckpoint : nil)
                let (report, reused) = try runOrContinue(fit, request)
                if variant == .base { baseCheckpoint = RunFolder(url: report.folder).bestCheckpoint.path }
                runs.append(ReproduceRun(model: model, variant: variant, seed: seed, report: report, reused: reused))
            }
        }
        return runs
    }

    /// Runs `fit`, or takes the result of an earlier, finished run of the same protocol in its
    /// folder, or resumes an interrupted one, so that the command can simply be started again.
    static func runOrContinue(_ fit: FitRequest, _ request: ReproduceRequest) throws -> (FitReport, reused: Bool) {
        let folder = URL(fileURLWithPath: fit.outputFolder)
        if let done = try FitWorkflow.finishedReport(in: folder, model: fit.model, trainType: fit.mode.trainType,
                                                     dataset: request.datasetName, protocolName: request.protocolName) {
            request.log?("reproduce: \(folder.path) already finished; using its results")
            return (done, true)
        }
        var fit = fit
        fit.resume = FitWorkflow.isResumable(folder)
        request.log?(fit.resume ? "reproduce: resuming the interrupted run in \(folder.path)"
                                : "reproduce: training \(folder.lastPathComponent)")
        return (try FitWorkflow.run(fit), false)
    }
}
