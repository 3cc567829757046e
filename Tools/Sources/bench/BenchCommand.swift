// `bench`: release-build micro and model benchmarks.
//
//     swift run -c release --package-path Tools bench [--threads 1,2] [--runs 7] [--case sgemm] [--list]
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
import Tensor

@main
struct BenchCommand: ParsableCommand {
    /// Every registered case, in the order they run.
    static let cases: [any BenchCase] = [
        SgemmBench(),
        TensorOpsBench(),
        GRUBench(),
    ]

    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time kernels and models (build with -c release).",
        discussion: "Cases: " + cases.map(\.name).joined(separator: ", "))

    @Option(name: .long, help: "Comma-separated BLAS thread counts to run every case with.")
    var threads: String = "1,2"

    @Option(name: .long, help: "Timed runs per measurement (the median is reported).")
    var runs: Int = 7

    @Option(name: [.customLong("case")], help: "Only run cases whose name contains one of these comma-separated words.")
    var caseFilter: String?

    @Flag(name: .long, help: "List the cases and exit.")
    var list = false

    func validate() throws {
        guard runs >= 1 else { throw ValidationError("--runs must be at least 1") }
        guard threadCounts != nil else { throw ValidationError("--threads must be a comma-separated list of positive integers, got '\(threads)'") }
    }

    /// `--threads` parsed, or nil when malformed.
    private var threadCounts: [Int]? {
        let values = threads.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, values.allSatisfy({ ($0 ?? 0) > 0 }) else { return nil }
        return values.map { $0! }
    }

    func run() throws {
        if list {
            for c in Self.cases { print("\(c.name.padding(toLength: 14, withPad: " ", startingAt: 0)) \(c.summary)") }
            return
        }
        let words = caseFilter?.split(separator: ",").map { $0.lowercased() } ?? []
        let selected = Self.cases.filter { c in words.isEmpty || words.contains { c.name.lowercased().contains($0) } }
        guard !selected.isEmpty else {
            throw ValidationError("no case matches --case \(caseFilter ?? ""); cases: \(Self.cases.map(\.name).joined(separator: ", "))")
        }
        #if DEBUG
        print("warning: debug build; timings are meaningless, use -c release")
        #endif
        for benchCase in selected {
            print("== \(benchCase.name): \(benchCase.summary)")
            for count in threadCounts! {
                setBLASThreads(count)
                try benchCase.run(BenchContext(caseName: benchCase.name, threads: count, runs: runs))
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
}
