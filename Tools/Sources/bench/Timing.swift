import Foundation

/// What a case needs while running: the settings and helpers to time and print.
struct BenchContext {
    let caseName: String
    /// BLAS threads in effect for this call.
    let threads: Int
    /// Timed runs per measurement.
    let runs: Int
    /// Selection for the `model` case (`--models`, `--modes`, `--lengths`, `--requests`).
    var modelOptions = ModelBenchOptions()

    /// Median seconds per call of `body`: one untimed warm-up call, then `runs` timed runs. A run
    /// repeats `body` enough times to last at least `minimumRunSeconds` (so short kernels are not
    /// dominated by clock resolution) and is divided by the repetition count.
    func measure(minimumRunSeconds: Double = 0.05, _ body: () throws -> Void) rethrows -> Double {
        try body()
        let once = try Self.time(body)
        let repetitions = Swift.max(1, Int((minimumRunSeconds / Swift.max(once, 1e-9)).rounded(.up)))
        var samples: [Double] = []
        for _ in 0..<runs {
            samples.append(try Self.time { for _ in 0..<repetitions { try body() } } / Double(repetitions))
        }
        return Self.median(samples)
    }

    /// Prints one aligned result line: case, label, threads, median time and an optional
    /// throughput such as `(value: 61.2, unit: "GFLOP/s")`.
    func report(label: String, seconds: Double, throughput: (value: Double, unit: String)? = nil) {
        var line = pad(caseName, 10) + pad(label, 34) + pad("threads \(threads)", 11)
            + leftPad(Self.formatDuration(seconds), 12)
        if let throughput {
            let v = throughput.value
            line += leftPad(String(format: v >= 100 ? "%.0f" : v >= 10 ? "%.1f" : "%.2f", v), 10) + " " + throughput.unit
        }
        print(line)
    }

    /// Wall-clock seconds of one call of `body`.
    static func time(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        let mid = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
    }

    static func formatDuration(_ seconds: Double) -> String {
        if seconds >= 1 { return String(format: "%.3f s", seconds) }
        if seconds >= 1e-3 { return String(format: "%.3f ms", seconds * 1e3) }
        return String(format: "%.2f µs", seconds * 1e6)
    }

    private func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }

    private func leftPad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
    }
}
