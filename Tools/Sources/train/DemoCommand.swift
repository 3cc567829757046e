import ArgumentParser
import Foundation
import SeqModels
import Trainer

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "The main job without data or network: synthetic data → Base vs Ada-Ranker → a Markdown table.",
        discussion: """
            Generates the built-in synthetic dataset (categories, popularity skew,
            sequential signal; settings in the synthetic: section of
            Configs/dataset/demo.yaml), prepares it (sampling, word2vec), trains the
            model as a Base ranker and as an Ada-Ranker with the settings of
            Configs/dataset/demo.yaml, and prints their test metrics side by side.
            Everything goes under --out (its data/, <model>-Base/, <model>-Ada-Ranker/
            and results.md are replaced on every run).

            Examples:
              train demo
              train demo --model SASRec --out runs/demo-sasrec --epochs=5
            """)

    @Option(help: ArgumentHelp("Folder for the data and the two runs.", valueName: "dir"))
    var out: String = "runs/demo"

    @Option(help: "Model to compare as Base and Ada-Ranker.")
    var model: ModelName = .gru4Rec

    @Option(help: "Synthetic dataset (Configs/dataset/<name>.yaml with a synthetic: section).")
    var dataset: String = "demo"

    @OptionGroup var comparison: ProtocolOption

    @Flag(help: "Log only to the run folders, not to the console.")
    var quiet = false

    @OptionGroup var location: ConfigLocation

    @Argument(parsing: .allUnrecognized, help: ArgumentHelp("Configuration overrides for both runs.", valueName: "--key=value"))
    var overrides: [String] = []

    func run() throws {
        let configs = try location.directory()
        let overrides = try configurationOverrides(overrides)
        let root = URL(fileURLWithPath: out)
        let dataFolder = root.appendingPathComponent("data").path
        // Replace only what this command writes, never anything else in --out.
        for name in ["data", "\(model)-Base", "\(model)-Ada-Ranker", "results.md"] {
            try? FileManager.default.removeItem(at: root.appendingPathComponent(name))
        }
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let started = Date()
        let log: @Sendable (String) -> Void = { line in FileHandle.standardError.write(Data((line + "\n").utf8)) }
        log("demo: generating and preparing the synthetic dataset '\(dataset)' in \(dataFolder)")
        _ = try PrepareWorkflow.run(PrepareRequest(source: .synthetic(name: dataset), outputFolder: dataFolder,
                                                   configDirectory: configs, log: log))
        var table = ResultsTable(metricNames: ["group_auc", "ndcg", "ndcg@10", "hit@1", "hit@10", "mrr"])
        var scores: [FitRequest.Mode: Double] = [:]
        for mode in [FitRequest.Mode.base, .ada] {
            log("demo: training \(model) \(mode.trainType)")
            let report = try FitWorkflow.run(FitRequest(
                model: model, mode: mode, dataFolder: dataFolder,
                outputFolder: root.appendingPathComponent("\(model)-\(mode.trainType)").path,
                dataset: dataset, protocolName: comparison.protocolName, overrides: overrides, configDirectory: configs, console: !quiet))
            table.rows.append(.init(model: model.rawValue, mode: mode.trainType.rawValue, metrics: report.test,
                                    seconds: report.seconds, epochs: report.epochsTrained))
            scores[mode] = report[test: "group_auc"]
        }
        let base = scores[.base] ?? .nan, ada = scores[.ada] ?? .nan
        let verdict = ada > base
            ? String(format: "Ada-Ranker beats Base on test group_auc by %+.4f.", ada - base)
            : String(format: "Ada-Ranker does not beat Base on test group_auc here (%+.4f).", ada - base)
        let markdown = "Test metrics of the best checkpoints (synthetic dataset '\(dataset)', \(comparison.protocolName ?? ConfigLoader.defaultProtocol) protocol, \(String(format: "%.0f", Date().timeIntervalSince(started))) s in total):\n\n"
            + table.markdown + "\n" + verdict + "\n"
        try AtomicFile.write(markdown, to: root.appendingPathComponent("results.md"))
        printOut(markdown)
    }
}
