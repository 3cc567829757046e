// `bench`: release-build micro and model benchmarks.
//
//     swift run -c release --package-path Tools bench [--threads 1,2] [--runs 7] [--case sgemm] [--list]
//     swift run -c release --package-path Tools bench --case model --threads 2 --runs 5 \
//         [--models GRU4Rec,SASRec] [--modes base,ada] [--lengths 50,200] [--requests 2000] [--table [--compare]]
//
// The `model` case (full training steps and single-request latency of all 14 rankers; tens of
// minutes for everything) runs only when named with `--case model`. The process restarts once with
// a huge-page heap where the kernel offers one (`Tensor.restartWithHugePageHeapIfAvailable()`;
// `ADARANKER_HUGE_PAGES=0` opts out) and tunes the allocator for training
// (`Tensor.configureAllocatorForTraining()`).
//
// Adding a benchmark case:
//   1. Create `<Name>Bench.swift` in this folder with a type conforming to `BenchCase`:
//
//          struct GRUBench: BenchCase {
//              let name = "gru"
//              let summary = "GRU forward + backward, B = 1024, L = 50, D = 64"
//              func run(_ context: BenchContext) {
//                  // build inputs once, outside the timed closure
//                  let seconds = context.measure { /* the work */ }
//                  context.report(label: "forward+backward", seconds: seconds)
//              }
//          }
//
//   2. Add one line, `GRUBench(),`, to `BenchCommand.cases` below.
//
// The command calls `run` once per `--threads` value, after `setBLASThreads`; `context.threads`
// says which. Use `context.measure` (warm-up, then the median of `--runs` timed runs) and
// `context.report` (one aligned line, optionally with a throughput) so all output lines up.

import ArgumentParser
import Foundation
import SeqModels
import Tensor

@main
struct BenchCommand: ParsableCommand {
    /// Restarts with a huge-page heap where the kernel offers one (as `train` does), then runs.
    static func main() {
        Tensor.restartWithHugePageHeapIfAvailable()
        main(nil)
    }

    /// Every registered case, in the order they run.
    static let cases: [any BenchCase] = [
        SgemmBench(),
        TensorOpsBench(),
        GRUBench(),
        ModelBench(),
        PrepareML100KBench(),
        PrepareML10MShapeBench(),
        Word2VecBench(),
        BatchBench(),
    ]

    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time kernels and models (build with -c release).",
        discussion: "Cases: " + cases.map(\.name).joined(separator: ", "))

    @Option(name: .long, help: "Comma-separated BLAS thread counts to run every case with.")
    var threads: String = "1,2"

    @Option(name: .long, help: "Timed runs per measurement (the median is reported).")
    var runs: Int = 7

    @Option(name: [.customLong("case")], help: "Only run cases whose name contains one of these comma-separated words (the long 'model' case runs only when named).")
    var caseFilter: String?

    @Flag(name: .long, help: "List the cases and exit.")
    var list = false

    @Option(name: .long, help: "model case: comma-separated encoders (MF, GRU4Rec, SASRec, NARM, NextItNet, SRGNN, SHAN; default all).")
    var models: String?

    @Option(name: .long, help: "model case: comma-separated modes, 'base' and/or 'ada' (default both).")
    var modes: String?

    @Option(name: .long, help: "model case: comma-separated history lengths of the training steps (default 50,200; 0 = no training steps).")
    var lengths: String?

    @Option(name: .long, help: "model case: single requests timed for p50/p99 (default 2000; 0 = none).")
    var requests: Int?

    @Flag(name: .long, help: "model case: after the measurements, print issue 12's Markdown table (train L=50, L=200 samples/s, request p50 µs per model and mode).")
    var table = false

    @Flag(name: .long, help: "model case, with --table: each cell as 'Swift / PyTorch (ratio×)' against the PyTorch figures quoted in issue 12.")
    var compare = false

    func validate() throws {
        guard !compare || table else { throw ValidationError("--compare needs --table") }
        guard runs >= 1 else { throw ValidationError("--runs must be at least 1") }
        guard threadCounts != nil else { throw ValidationError("--threads must be a comma-separated list of positive integers, got '\(threads)'") }
        _ = try modelOptions()
    }

    /// The `model` case's selection from `--models`, `--modes`, `--lengths`, `--requests`.
    private func modelOptions() throws -> ModelBenchOptions {
        func items(_ text: String?) -> [String]? {
            text.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
        }
        var options = ModelBenchOptions()
        if let names = items(models) {
            options.models = try names.map { name in
                guard let model = ModelName.allCases.first(where: { $0.rawValue.lowercased() == name.lowercased() }) else {
                    throw ValidationError("--models: unknown model '\(name)'; expected \(ModelName.allNames.joined(separator: ", "))")
                }
                return model
            }
        }
        if let names = items(modes) {
            options.modes = try names.map { name in
                switch name.lowercased() {
                case "base": return .base
                case "ada", "ada-ranker": return .adaRanker
                default: throw ValidationError("--modes: unknown mode '\(name)'; expected base or ada")
                }
            }
        }
        if let values = items(lengths) {
            let parsed = values.map { Int($0) }
            guard parsed.allSatisfy({ ($0 ?? -1) >= 0 }) else {
                throw ValidationError("--lengths must be comma-separated non-negative integers, got '\(lengths!)'")
            }
            options.lengths = parsed.map { $0! }.filter { $0 > 0 }
        }
        if let requests {
            guard requests >= 0 else { throw ValidationError("--requests must be non-negative") }
            options.requests = requests
        }
        options.table = table
        options.compare = compare
        return options
    }

    /// `--threads` parsed, or nil when malformed.
    private var threadCounts: [Int]? {
        let values = threads.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, values.allSatisfy({ ($0 ?? 0) > 0 }) else { return nil }
        return values.map { $0! }
    }

    func run() throws {
        if list {
            for c in Self.cases {
                let note = c.runsByDefault ? "" : " (only with --case \(c.name))"
                print("\(c.name.padding(toLength: 14, withPad: " ", startingAt: 0)) \(c.summary)\(note)")
            }
            return
        }
        let words = caseFilter?.split(separator: ",").map { $0.lowercased() } ?? []
        let selected = Self.cases.filter { c in
            words.isEmpty ? c.runsByDefault : words.contains { c.name.lowercased().contains($0) }
        }
        guard !selected.isEmpty else {
            throw ValidationError("no case matches --case \(caseFilter ?? ""); cases: \(Self.cases.map(\.name).joined(separator: ", "))")
        }
        #if DEBUG
        print("warning: debug build; timings are meaningless, use -c release")
        #endif
        Tensor.configureAllocatorForTraining()
        print("OpenBLAS kernels: \(blasKernelName())")
        for benchCase in selected {
            print("== \(benchCase.name): \(benchCase.summary)")
            for count in threadCounts! {
                setBLASThreads(count)
                var context = BenchContext(caseName: benchCase.name, threads: count, runs: runs)
                context.modelOptions = try modelOptions()
                try benchCase.run(context)
            }
        }
    }
}

/// One benchmark; see the comment at the top of this file.
protocol BenchCase {
    /// Short lowercase name, matched by `--case`.
    var name: String { get }
    /// One line saying what is measured (shapes, sizes).
    var summary: String { get }
    /// Measures and reports at `context.threads` BLAS threads (already set).
    func run(_ context: BenchContext) throws
    /// Whether the case runs without `--case` (long cases run only when named).
    var runsByDefault: Bool { get }
}

extension BenchCase {
    var runsByDefault: Bool { true }
}
