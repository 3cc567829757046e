import DataPipeline
import Foundation
import SeqModels

/// What `train demo` runs: one model as a Base ranker and as an Ada-Ranker on a built-in synthetic
/// dataset, everything under one folder.
public struct DemoRequest: Sendable {
    /// The folder that receives `data/`, `<Model>-Base/`, `<Model>-Ada-Ranker/` and `results.md`
    /// (those four are replaced on every run; nothing else in it is touched).
    public var root: URL
    public var model: ModelName
    /// The synthetic dataset: `Configs/dataset/<dataset>.yaml` with a `synthetic:` section.
    public var dataset: String
    /// `fair` or `paper`; nil leaves it to the configuration (default `fair`).
    public var protocolName: String?
    /// `--key=value` overrides for both runs.
    public var overrides: [String]
    public var configDirectory: URL
    /// Also print the runs' logs on standard error.
    public var console: Bool

    public init(root: URL, model: ModelName, dataset: String = "demo", protocolName: String? = nil,
                overrides: [String] = [], configDirectory: URL, console: Bool = true) {
        self.root = root
        self.model = model
        self.dataset = dataset
        self.protocolName = protocolName
        self.overrides = overrides
        self.configDirectory = configDirectory
        self.console = console
    }
}

/// `train demo`: generate and prepare the synthetic data, train Base and Ada-Ranker with the
/// dataset's settings, and write their test metrics side by side to `results.md`.
public enum DemoWorkflow {
    /// Runs the demo and returns the Markdown of `results.md` (the table and a one-line verdict on
    /// test group_auc).
    /// - Parameter log: progress lines (the data generation and each run's start).
    public static func run(_ request: DemoRequest, log: @escaping @Sendable (String) -> Void) throws -> String {
        let root = request.root
        let dataFolder = root.appendingPathComponent("data").path
        for name in ["data", "\(request.model)-Base", "\(request.model)-Ada-Ranker", "results.md"] {
            try? FileManager.default.removeItem(at: root.appendingPathComponent(name))
        }
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let started = Date()
        log("demo: generating and preparing the synthetic dataset '\(request.dataset)' in \(dataFolder)")
        _ = try PrepareWorkflow.run(PrepareRequest(source: .synthetic(name: request.dataset), outputFolder: dataFolder,
                                                   configDirectory: request.configDirectory, log: log))
        var table = ResultsTable(metricNames: ["group_auc", "ndcg", "ndcg@10", "hit@1", "hit@10", "mrr"])
        var scores: [FitRequest.Mode: Double] = [:]
        for mode in [FitRequest.Mode.base, .ada] {
            log("demo: training \(request.model) \(mode.trainType)")
            let report = try FitWorkflow.run(FitRequest(
                model: request.model, mode: mode, dataFolder: dataFolder,
                outputFolder: root.appendingPathComponent("\(request.model)-\(mode.trainType)").path,
                dataset: request.dataset, protocolName: request.protocolName, overrides: request.overrides,
                configDirectory: request.configDirectory, console: request.console))
            table.rows.append(.init(model: request.model.rawValue, mode: mode.trainType.rawValue, metrics: report.test,
                                    seconds: report.seconds, epochs: report.epochsTrained))
            scores[mode] = report[test: "group_auc"]
        }
        let markdown = summary(table, base: scores[.base] ?? .nan, ada: scores[.ada] ?? .nan, request: request,
                               seconds: Date().timeIntervalSince(started))
        try AtomicFile.write(markdown, to: root.appendingPathComponent("results.md"))
        return markdown
    }

    /// The heading line, the table and the verdict.
    static func summary(_ table: ResultsTable, base: Double, ada: Double, request: DemoRequest, seconds: Double) -> String {
        let verdict = ada > base
            ? String(format: "Ada-Ranker beats Base on test group_auc by %+.4f.", ada - base)
            : String(format: "Ada-Ranker does not beat Base on test group_auc here (%+.4f).", ada - base)
        let heading = "Test metrics of the best checkpoints (synthetic dataset '\(request.dataset)', "
            + "\(request.protocolName ?? ConfigLoader.defaultProtocol) protocol, \(String(format: "%.0f", seconds)) s in total):"
        return heading + "\n\n" + table.markdown + "\n" + verdict + "\n"
    }
}
