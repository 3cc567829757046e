import AdaLayers
import ArgumentParser
import Foundation
import ReferenceParity

/// `parity [DIR]`: checks every reference fixture folder in DIR against the Swift models (Base or
/// Ada-Ranker, built by AdaLayers' `makeRankingModel`) and prints one line per fixture; exits with
/// status 1 if any fixture fails or cannot be loaded.
@main
struct ParityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parity",
        abstract: "Check the models against reference parity fixtures (scores, loss, gradients).",
        discussion: """
        DIR holds one sub-folder per fixture (config.json, model.safetensors, batch.safetensors, \
        expected.safetensors), or is itself such a folder. An entry matches when it is within the \
        absolute or the relative tolerance. The numbers printed are the worst absolute errors.
        """)

    @Argument(help: "Fixture directory (default: $ADARANKER_FIXTURES/parity, else the repository's Tests/Fixtures/parity).")
    var directory: String?

    @Option(help: "Absolute tolerance per entry.")
    var absolute: Float = 1e-4

    @Option(help: "Relative tolerance per entry.")
    var relative: Float = 1e-3

    func run() throws {
        let folder = directory.map { URL(fileURLWithPath: $0) } ?? Self.defaultDirectory
        let outcomes: [ParityOutcome]
        do {
            outcomes = try ParityCheck.runAll(directory: folder,
                                              tolerance: ParityCheck.Tolerance(absolute: absolute, relative: relative),
                                              makeModel: { try makeRankingModel(config: $0) })
        } catch {
            FileHandle.standardError.write(Data("parity: \(error)\n".utf8))
            throw ExitCode.failure
        }
        let width = outcomes.map(\.fixture.count).max() ?? 0
        for outcome in outcomes { print(outcome.summaryLine(nameWidth: width)) }
        let failed = outcomes.filter { !$0.passed }.count
        let noun = outcomes.count == 1 ? "fixture" : "fixtures"
        print(failed == 0 ? "\(outcomes.count) \(noun) ok" : "\(failed) of \(outcomes.count) \(noun) failed")
        if failed > 0 { throw ExitCode.failure }
    }

    /// `$ADARANKER_FIXTURES/parity` when set, else the repository's `Tests/Fixtures/parity`, the
    /// repository root found from this source file's path.
    static var defaultDirectory: URL {
        if let path = ProcessInfo.processInfo.environment["ADARANKER_FIXTURES"], !path.isEmpty {
            return URL(fileURLWithPath: path).appendingPathComponent("parity")
        }
        var root = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { root.deleteLastPathComponent() }   // …/Tools/Sources/parity/ParityCommand.swift
        return root.appendingPathComponent("Tests/Fixtures/parity")
    }
}
