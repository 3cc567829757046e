import ArgumentParser
import Foundation
import SeqModels
import Trainer

struct FitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fit",
        abstract: "Train a Base ranker or an Ada-Ranker end to end.",
        discussion: """
            Evaluates on valid before training and after every epoch, keeps the best
            checkpoint by valid group_auc, stops after more than stopping_step
            evaluations without improvement, then evaluates the best checkpoint on test.
            The output folder receives train.log, config.json, metrics.jsonl,
            results.tsv, report.html, best.safetensors (+ .json, .optimizer.safetensors)
            and last.* for --resume.

            Settings: Configs/overall.yaml, model/<Model>.yaml, dataset/<Dataset>.yaml,
            then the protocol (--protocol fair, the default: Base and Ada-Ranker with the
            same batch size and stopping rule, the Ada-Ranker starting as its Base
            ranker; --protocol paper: the paper's ada_init reference and Ada-Ranker
            batch 2048), then --key=value overrides. Any configuration key can be set
            reference-style after the options, e.g. --learning_rate=0.001
            --MAX_SEQ_LEN=50 --epochs=20 --use_pre_item_emb=0.

            Examples:
              train fit --model GRU4Rec --mode base --data Datasets/ML100K --output \\
                  runs/gru-base
              train fit --model SASRec --mode ada --data Datasets/ML10M --output \\
                  runs/sasrec-ada --epochs=50
              train fit --model GRU4Rec --mode ada --data Datasets/ML10M --output \\
                  runs/gru-ada-paper --protocol paper
              train fit --model GRU4Rec --mode base --data Datasets/ML100K --output \\
                  runs/gru-base --resume
            """)

    @Option(help: "The model (reference spelling).")
    var model: ModelName

    @Option(help: "base (Base ranker) or ada (Ada-Ranker end to end).")
    var mode: TrainMode

    @OptionGroup var options: RunOptions

    @Argument(parsing: .allUnrecognized, help: ArgumentHelp("Configuration overrides.", valueName: "--key=value"))
    var overrides: [String] = []

    func run() throws {
        var request = try options.request(model: model, mode: mode.fitMode, overrides: overrides)
        try runDistributable(&request)
    }
}

struct FinetuneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "finetune",
        abstract: "Train an Ada-Ranker starting from a Base checkpoint (two-stage training).",
        discussion: """
            The Base checkpoint's parameters initialise the Ada-Ranker's base part; the
            adaptation layers (distribution extractor, FiLM, memory units) start fresh.
            --freeze 1 trains only the adaptation layers (the base weights stay
            bit-identical), --freeze 0 trains everything. The checkpoint may be one
            written by `train fit` or a reference PyTorch state dict exported to
            safetensors. --protocol and configuration overrides work as for `fit`
            (the fair protocol starts the adaptation layers as the identity, so the
            model starts exactly as the Base checkpoint).

            Example:
              train finetune --model GRU4Rec --checkpoint \\
                  runs/gru-base/best.safetensors --freeze 1 --data Datasets/ML100K \\
                  --output runs/gru-finetune
            """)

    @Option(help: "Model of the checkpoint (reference spelling).")
    var model: ModelName

    @Option(help: ArgumentHelp("The Base checkpoint (.safetensors).", valueName: "file"))
    var checkpoint: String?

    @Option(help: "1: train only the adaptation layers; 0: train all parameters.")
    var freeze: Int

    @OptionGroup var options: RunOptions

    @Argument(parsing: .allUnrecognized, help: ArgumentHelp("Configuration overrides.", valueName: "--key=value"))
    var overrides: [String] = []

    func validate() throws {
        guard freeze == 0 || freeze == 1 else { throw ValidationError("--freeze must be 0 or 1") }
        guard checkpoint != nil || options.resume else { throw ValidationError("--checkpoint is required (the Base model to start from)") }
    }

    func run() throws {
        var request = try options.request(model: model, mode: .finetune, overrides: overrides)
        request.checkpoint = checkpoint
        request.freeze = freeze == 1
        try runDistributable(&request)
    }
}

/// What `fit` and `finetune` share: the data, the run folder, the dataset and protocol layers,
/// resuming, console logging and the Configs folder.
struct RunOptions: ParsableArguments {
    @Option(help: ArgumentHelp("A folder made by `train prepare`, or one with the reference's train/valid/test.tsv (and optional item_emb_64.txt).", valueName: "dir"))
    var data: String

    @Option(help: ArgumentHelp("The run folder.", valueName: "dir"))
    var output: String

    @Option(help: "Dataset name selecting Configs/dataset/<name>.yaml (default: the data folder's name).")
    var dataset: String?

    @OptionGroup var comparison: ProtocolOption

    @Flag(help: "Continue the interrupted run in --output from its last finished epoch (same settings, same results).")
    var resume = false

    @Flag(help: "Log only to the run folder, not to the console.")
    var quiet = false

    @OptionGroup var location: ConfigLocation

    /// The run these options describe, for `model` trained as `mode`, with `--key=value` `overrides`.
    func request(model: ModelName, mode: FitRequest.Mode, overrides: [String]) throws -> FitRequest {
        FitRequest(model: model, mode: mode, dataFolder: data, outputFolder: output, dataset: dataset,
                   protocolName: comparison.protocolName, overrides: try configurationOverrides(overrides), resume: resume,
                   configDirectory: try location.directory(), console: !quiet)
    }
}

/// Runs `request` in this process's group: alone, or as one rank of an `mpirun` job. In a job,
/// only rank 0 prints, and an error on any rank ends the whole job (the others would otherwise
/// wait for it forever) with the error printed by the rank that hit it.
func runDistributable(_ request: inout FitRequest) throws {
    let group = try ProcessGroup.world()
    request.processGroup = group
    guard group.isDistributed else { return printSummary(try FitWorkflow.run(request)) }
    do {
        let report = try FitWorkflow.run(request)
        if group.isRoot { printSummary(report) }
        group.finish()
    } catch {
        FileHandle.standardError.write(Data("Error (rank \(group.rank) of \(group.size)): \(error)\n".utf8))
        group.abort(code: 1)
    }
}

/// The run's test metrics on standard output.
func printSummary(_ report: FitReport) {
    var lines = ["\(report.model) \(report.trainType) on \(report.dataset) (\(report.protocolName) protocol): best valid after epoch \(report.bestEpoch ?? 0) of \(report.epochsTrained), \(String(format: "%.0f", report.seconds)) s; test metrics (\(report.folder.path)/results.tsv):"]
    lines += report.test.map { "\($0.name)\t\(String(format: "%.4f", $0.value))" }
    printOut(lines.joined(separator: "\n"))
}
