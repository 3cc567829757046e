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
        let log: @Sendable (String) -> Void = { line in FileHandle.standardError.write(Data((line + "\n").utf8)) }
        let markdown = try DemoWorkflow.run(DemoRequest(
            root: URL(fileURLWithPath: out), model: model, dataset: dataset, protocolName: comparison.protocolName,
            overrides: try configurationOverrides(overrides), configDirectory: try location.directory(), console: !quiet), log: log)
        printOut(markdown)
    }
}
