import Foundation
import SeqModels

/// The three figures of one model and mode in the `model` case's summary table; `nil` when that
/// measurement did not run (e.g. `--lengths 50` leaves the L = 200 cell empty).
struct ModelBenchFigures {
    /// Training samples per second at L = 50 and L = 200.
    var trainL50: Double?
    var trainL200: Double?
    /// Single-request p50 wall time, in microseconds.
    var requestP50: Double?
}

/// PyTorch's figures for the same measurements, quoted from issue 12 ("PyTorch 2.15 on this
/// machine, 2 threads": the reference's models on CPU with the benchmark's shapes, B = 1024 Base /
/// 2048 Ada-Ranker, D = 64, 20 candidates, item table 10,677 rows, user table 69,879 rows).
/// Training in samples/s at L = 50 and L = 200, single request (B = 1, L = 50) p50 in µs.
/// They are fixed numbers from that one measurement, not re-measured by this tool.
enum PyTorchReference {
    /// `(model, mode, train L=50, train L=200, request p50 µs)`, in the row order.
    static let rows: [(ModelName, TrainType, Double, Double, Double)] = [
        (.gru4Rec, .base, 3_431, 808, 648), (.gru4Rec, .adaRanker, 2_556, 706, 815),
        (.sasRec, .base, 1_330, 91, 518), (.sasRec, .adaRanker, 775, 88, 680),
        (.narm, .base, 3_336, 833, 681), (.narm, .adaRanker, 2_683, 632, 855),
        (.srgnn, .base, 5_423, 1_185, 201), (.srgnn, .adaRanker, 3_916, 629, 363),
        (.mf, .base, 20_003, 19_757, 43), (.mf, .adaRanker, 6_489, 6_532, 202),
        (.nextItNet, .base, 2_708, 244, 2_138), (.nextItNet, .adaRanker, 1_730, 213, 2_394),
        (.shan, .base, 15_045, 8_707, 139), (.shan, .adaRanker, 7_705, 4_814, 309),
    ]

    /// PyTorch's figures for `model` in `mode`.
    static func figures(_ model: ModelName, _ mode: TrainType) -> ModelBenchFigures? {
        rows.first { $0.0 == model && $0.1 == mode }.map {
            ModelBenchFigures(trainL50: $0.2, trainL200: $0.3, requestP50: $0.4)
        }
    }
}

/// The Markdown summary table of the `model` case (`--table`): one row per model and mode in the
/// order of issue 12, with `--compare` each cell as `Swift / PyTorch (ratio×)`, where the ratio is
/// Swift ÷ PyTorch for throughput and PyTorch ÷ Swift for latency (above 1 means Swift is ahead).
struct ModelBenchTable {
    /// Measured figures by model and mode.
    var measured: [String: ModelBenchFigures] = [:]

    static func key(_ model: ModelName, _ mode: TrainType) -> String { "\(model.rawValue)/\(mode.rawValue)" }

    /// Stores one figure of `model` in `mode` (`update` sets the field it measured).
    mutating func record(_ model: ModelName, _ mode: TrainType, _ update: (inout ModelBenchFigures) -> Void) {
        update(&measured[Self.key(model, mode), default: ModelBenchFigures()])
    }

    /// The table as Markdown lines: rows for the measured models and modes only.
    func markdown(compare: Bool) -> [String] {
        let header = compare
            ? "| model | mode | train L=50 Swift / PyTorch | train L=200 Swift / PyTorch | request p50 Swift / PyTorch |"
            : "| model | mode | train L=50 samples/s | train L=200 samples/s | request p50 µs |"
        var lines = [header, "|---|---|---|---|---|"]
        for (model, mode, _, _, _) in PyTorchReference.rows {
            guard let swift = measured[Self.key(model, mode)] else { continue }
            let torch = compare ? PyTorchReference.figures(model, mode) : nil
            let cells = [
                Self.cell(swift.trainL50, torch?.trainL50, unit: "", higherIsBetter: true),
                Self.cell(swift.trainL200, torch?.trainL200, unit: "", higherIsBetter: true),
                Self.cell(swift.requestP50, torch?.requestP50, unit: compare ? " µs" : "", higherIsBetter: false),
            ]
            let modeName = mode == .base ? "Base" : "Ada"
            lines.append("| \(model.rawValue) | \(modeName) | " + cells.joined(separator: " | ") + " |")
        }
        return lines
    }

    /// `value`, or `value / reference unit (ratio×)` when a reference is given; `–` when not measured.
    static func cell(_ value: Double?, _ reference: Double?, unit: String, higherIsBetter: Bool) -> String {
        guard let value else { return "–" }
        guard let reference else { return number(value) + unit }
        let ratio = higherIsBetter ? value / reference : reference / value
        let ratioText = String(format: ratio < 2.995 ? "%.2f" : "%.1f", ratio)
        return "\(number(value)) / \(number(reference))\(unit) (\(ratioText)×)"
    }

    /// A figure as the issue prints it: one decimal below 20, else a whole number with thousands commas.
    static func number(_ value: Double) -> String {
        if value < 20 { return String(format: "%.1f", value) }
        let digits = String(Int(value.rounded()))
        var grouped = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { grouped += "," }
            grouped.append(digit)
        }
        return grouped
    }
}
