import ArgumentParser
import Foundation
import DataPipeline
import Metrics
import SeqModels
import Trainer

/// Options shared by `evaluate` and `infer`.
struct CheckpointOptions: ParsableArguments {
    @Option(help: ArgumentHelp("A checkpoint from `train fit` (with its .json sidecar) or a bare safetensors state dict (then give --model and --mode).", valueName: "file"))
    var checkpoint: String

    @Option(help: ArgumentHelp("The prepared data folder.", valueName: "dir"))
    var data: String

    @Option(help: "The split to score: train, valid or test.")
    var split: Split.Name = .test

    @Option(help: "Model of a checkpoint without sidecar (checked against the sidecar otherwise).")
    var model: ModelName?

    @Option(help: "base or ada, for a checkpoint without sidecar.")
    var mode: TrainMode?

    @Option(help: "Dataset name selecting Configs/dataset/<name>.yaml (only for checkpoints without sidecar).")
    var dataset: String?

    @OptionGroup var location: ConfigLocation

    func request(overrides: [String]) throws -> CheckpointRequest {
        CheckpointRequest(checkpoint: checkpoint, dataFolder: data, split: split, model: model, mode: mode?.fitMode,
                          dataset: dataset, overrides: try configurationOverrides(overrides),
                          configDirectory: try location.directory())
    }
}

struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Compute the ranking metrics of a checkpoint on a split.",
        discussion: """
            Prints metric<TAB>value lines (group_auc, ndcg, ndcg@1/3/10, hit@1/3/10,
            mrr; means over all rows). With --output, also writes them to that
            results.tsv file.

            Examples:
              train evaluate --checkpoint runs/gru-ada/best.safetensors --data \\
                  Datasets/ML100K
              train evaluate --checkpoint reference_gru4rec.safetensors --model \\
                  GRU4Rec --mode base --data Datasets/ML10M --split valid
            """)

    @OptionGroup var options: CheckpointOptions

    @Option(help: ArgumentHelp("Also write the metrics to this file (metric<TAB>value).", valueName: "file"))
    var output: String?

    @Argument(parsing: .allUnrecognized, help: ArgumentHelp("Configuration overrides (e.g. --eval_batch_size=8192).", valueName: "--key=value"))
    var overrides: [String] = []

    func run() throws {
        let (metrics, loaded) = try CheckpointWorkflow.evaluate(try options.request(overrides: overrides),
                                                                resultsFile: output.map { URL(fileURLWithPath: $0) })
        for note in loaded.dataNotes {
            FileHandle.standardError.write(Data("warning: the checkpoint was trained on other data: \(note)\n".utf8))
        }
        printOut(metrics.resultsText)
    }
}

struct InferCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "infer",
        abstract: "Score every row of a split with a checkpoint: one line of candidate scores per row.",
        discussion: """
            Writes one line per row of the split, in the split's row order: the scores
            of its candidates separated by tabs, the positive's first ([item_id,
            neg_items...]). The file is the input format of `train metrics`.

            Example:
              train infer --checkpoint runs/gru-ada/best.safetensors --data \\
                  Datasets/ML100K --output scores.tsv
            """)

    @OptionGroup var options: CheckpointOptions

    @Option(help: ArgumentHelp("The scores file to write.", valueName: "file"))
    var output: String

    @Argument(parsing: .allUnrecognized, help: ArgumentHelp("Configuration overrides.", valueName: "--key=value"))
    var overrides: [String] = []

    func run() throws {
        let rows = try CheckpointWorkflow.infer(try options.request(overrides: overrides), to: URL(fileURLWithPath: output))
        printOut("wrote \(rows) score rows to \(output)")
    }
}

struct MetricsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metrics",
        abstract: "Compute the ranking metrics of any file of score rows (positive first).",
        discussion: """
            Each non-empty line (LF or CRLF) holds one candidate list's scores separated
            by tabs, commas or spaces, the positive's score first; NaN and infinite
            scores are refused, naming the line. Metrics follow Metrics README
            § Definitions (ties count against the positive; means over all rows), so
            another system's scores can be compared under the same definitions.

            Example:
              train metrics scores.tsv
            """)

    @Argument(help: ArgumentHelp("The score file.", valueName: "file"))
    var file: String

    func run() throws {
        let rows = try ScoreTable.read(path: file)
        let metrics = RankingMetrics(rows: rows)
        printOut("rows\t\(metrics.rowCount)\n" + metrics.values.map { "\($0.name)\t\($0.value)" }.joined(separator: "\n"))
    }
}
