import Foundation
import SeqModels

/// The files `ReproduceWorkflow` writes next to the run folders: results.md, results.json,
/// curves-<Model>.svg and report.html. Rewritten after every model, so that they always show the
/// runs finished so far.
enum ReproduceOutputs {
    /// The metrics of the per-seed table (the summary shows `summaryMetrics`).
    static let runMetrics = ["group_auc", "ndcg", "ndcg@10", "hit@1", "mrr"]
    static let summaryMetrics = ["group_auc", "ndcg@10"]

    /// Writes every file; returns them, results.md first.
    static func write(_ runs: [ReproduceRun], request: ReproduceRequest, started: Date) throws -> [URL] {
        let root = URL(fileURLWithPath: request.runsFolder)
        let markdownFile = root.appendingPathComponent("results.md")
        let jsonFile = root.appendingPathComponent("results.json")
        try AtomicFile.write(markdown(runs, request: request, started: started), to: markdownFile)
        try AtomicFile.write(try json(runs, request: request), to: jsonFile)
        var files = [markdownFile, jsonFile]
        for model in models(of: runs) {
            let figure = root.appendingPathComponent(ComparisonFigure.fileName(model: model))
            try AtomicFile.write(ComparisonFigure.svgFile(try ComparisonFigure.svg(model: model, runs: runs)), to: figure)
            files.append(figure)
        }
        let page = root.appendingPathComponent("report.html")
        try AtomicFile.write(try ComparisonFigure.html(runs, request: request), to: page)
        files.append(page)
        return files
    }

    static func models(of runs: [ReproduceRun]) -> [ModelName] {
        runs.map(\.model).reduce(into: []) { if !$0.contains($1) { $0.append($1) } }
    }

    /// results.md: the heading, the mean ± std table, then one row per run.
    static func markdown(_ runs: [ReproduceRun], request: ReproduceRequest, started: Date) -> String {
        let paper = ReproduceWorkflow.paperGroupAUC[request.datasetName] ?? [:]
        var summary = SeedSummaryTable(metricNames: summaryMetrics.map { "test \($0)" }, extraColumns: ["paper group_auc"])
        var perRun = ResultsTable(metricNames: runMetrics, extraColumns: ["seed", "best valid group_auc"])
        for model in models(of: runs) {
            for variant in ReproduceRequest.Variant.allCases {
                let group = runs.filter { $0.model == model && $0.variant == variant }
                guard !group.isEmpty else { continue }
                let values = Dictionary(uniqueKeysWithValues: summaryMetrics.map { name in
                    ("test \(name)", group.compactMap { $0.report[test: name] })
                })
                let reference = paper["\(model) \(variant.tableLabel)"].map { String(format: "%.4f", $0) } ?? ""
                summary.rows.append(.init(model: model.rawValue, mode: variant.tableLabel, metrics: values,
                                          epochs: group.map(\.report.epochsTrained), extra: ["paper group_auc": reference]))
            }
            for run in runs where run.model == model {
                let best = run.report.bestValidScore.map { String(format: "%.4f", $0) } ?? "–"
                perRun.rows.append(.init(model: model.rawValue, mode: run.variant.tableLabel, metrics: run.report.test,
                                         extra: ["seed": "\(run.seed)", "best valid group_auc": best],
                                         seconds: run.report.seconds.isNaN ? nil : run.report.seconds,
                                         epochs: run.report.epochsTrained))
            }
        }
        let seeds = request.seeds.map(String.init).joined(separator: ", ")
        let elapsed = RuntimeEstimate.format(seconds: Date().timeIntervalSince(started))
        return "\(request.datasetName): test metrics of the best checkpoints (\(request.protocolName) protocol, "
            + "\(request.sampling.rawValue) sampling, data prepared with seed \(request.seeds[0]), training seeds \(seeds); "
            + "\(elapsed) in total)\n\n"
            + "Mean ± sample standard deviation over the seeds:\n\n" + summary.markdown
            + "\nEvery run (time empty: reused from an earlier call):\n\n" + perRun.markdown
            + "\nCurves: " + models(of: runs).map { "[\($0)](\(ComparisonFigure.fileName(model: $0)))" }.joined(separator: ", ")
            + "; all in report.html.\n"
    }

    /// results.json: the settings and, per run folder, its test metrics, best valid score and epochs.
    static func json(_ runs: [ReproduceRun], request: ReproduceRequest) throws -> Data {
        func number(_ value: Double?) -> Any { value.flatMap { $0.isFinite ? $0 : nil } ?? NSNull() }
        var folders: [String: Any] = [:]
        for run in runs {
            folders[run.report.folder.lastPathComponent] = [
                "model": run.model.rawValue, "variant": run.variant.folderLabel, "seed": run.seed,
                "test": Dictionary(uniqueKeysWithValues: run.report.test.map { ($0.name, number($0.value)) }),
                "best_valid_group_auc": number(run.report.bestValidScore),
                "best_epoch": run.report.bestEpoch.map { $0 as Any } ?? NSNull(),
                "epochs": run.report.epochsTrained,
                "seconds": number(run.report.seconds), "reused": run.reused,
            ] as [String: Any]
        }
        let document: [String: Any] = [
            "dataset": request.datasetName, "protocol": request.protocolName, "sampling": request.sampling.rawValue,
            "data_seed": request.seeds[0], "seeds": request.seeds, "runs": folders,
        ]
        return try JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys])
    }
}
