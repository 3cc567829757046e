import ArgumentParser
import DataPipeline
import Foundation
import SeqModels
import Trainer

/// Where the `Configs` folder is.
struct ConfigLocation: ParsableArguments {
    @Option(name: .customLong("configs"), help: ArgumentHelp(
        "The Configs folder.", discussion: "Default: $ADARANKER_CONFIGS, else the nearest Configs/ holding overall.yaml in the current folder, its parents, or above the executable.",
        valueName: "dir"))
    var configs: String?

    func directory() throws -> URL {
        if let configs { return URL(fileURLWithPath: configs) }
        guard let found = ConfigLoader.locateDefault() else {
            throw TrainerError.invalidSetting("cannot find the Configs folder (with overall.yaml); pass --configs DIR or set ADARANKER_CONFIGS")
        }
        return found
    }
}

/// The comparison protocol (`--protocol fair|paper`), a configuration layer after the dataset file.
struct ProtocolOption: ParsableArguments {
    @Option(name: .customLong("protocol"), help: ArgumentHelp(
        "Comparison protocol: fair (default) or paper.",
        discussion: "fair: Base and Ada-Ranker with the same batch size and stopping rule, the Ada-Ranker starting as its Base ranker (ada_init identity). paper: the paper's settings (ada_init reference, Ada-Ranker batch 2048), from Configs/protocol/paper.yaml.",
        valueName: "name"))
    var protocolName: String?
}

/// Where the interactions come from: `--input PATH [--format F]` or the built-in `--synthetic NAME`
/// (exactly one), for `prepare` and `reproduce`.
struct DataSourceOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Raw input: ml-10m.zip, a MovieLens folder, RecBole files or a 4-field TSV.", valueName: "path"))
    var input: String?

    @Option(help: "Input format: ml10m, ml1m, recbole, tsv or auto (decide from the path).")
    var format: String = "auto"

    @Option(help: ArgumentHelp("Generate the built-in synthetic dataset NAME instead of --input (settings: the synthetic: section of Configs/dataset/NAME.yaml).", valueName: "name"))
    var synthetic: String?

    func validate() throws {
        if (input == nil) == (synthetic == nil) { throw ValidationError("give exactly one of --input PATH or --synthetic NAME") }
        guard PrepareOptions.InputFormat(rawValue: format) != nil else {
            throw ValidationError("--format must be one of \(PrepareOptions.InputFormat.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }

    /// The source the options name (after `validate`).
    var source: PrepareRequest.Source {
        synthetic.map { .synthetic(name: $0) } ?? .path(input!, format: PrepareOptions.InputFormat(rawValue: format)!)
    }
}

/// `base` or `ada` for the command line.
enum TrainMode: String, ExpressibleByArgument, CaseIterable {
    case base, ada

    var fitMode: FitRequest.Mode { self == .base ? .base : .ada }
}

extension Split.Name: @retroactive ExpressibleByArgument {}

/// `--model GRU4Rec`: the reference spelling; anything else is a usage error listing the seven.
extension ModelName: @retroactive ExpressibleByArgument {}

/// Reads `--key=value` configuration overrides left over by the parser.
func configurationOverrides(_ arguments: [String]) throws -> [String] {
    for argument in arguments where !(argument.hasPrefix("--") && argument.contains("=")) {
        throw ValidationError("unexpected argument '\(argument)'; configuration overrides are written --key=value (e.g. --learning_rate=0.001)")
    }
    return arguments
}

/// Prints to standard output.
func printOut(_ text: String) {
    FileHandle.standardOutput.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
}
