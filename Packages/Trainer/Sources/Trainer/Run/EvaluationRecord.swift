import DataPipeline
import Foundation
import Metrics

/// One evaluation of a run: the epoch it followed (0 = before training), the split, the metric
/// values and, for valid evaluations after an epoch, that epoch's mean training loss.
///
/// Serialised as one line of `metrics.jsonl`:
/// `{"epoch":3,"split":"valid","group_auc":0.91,"ndcg":…,"train_loss":0.21}`.
public struct EvaluationRecord: Equatable, Sendable {
    public var epoch: Int
    public var split: Split.Name
    /// Metric values in report order (`RankingMetrics.names`).
    public var metrics: [(name: String, value: Double)]
    public var trainLoss: Double?

    public init(epoch: Int, split: Split.Name, metrics: [(name: String, value: Double)], trainLoss: Double? = nil) {
        self.epoch = epoch
        self.split = split
        self.metrics = metrics
        self.trainLoss = trainLoss
    }

    /// The value of a metric by name.
    public subscript(metric name: String) -> Double? { metrics.first { $0.name == name }?.value }

    public static func == (a: EvaluationRecord, b: EvaluationRecord) -> Bool {
        a.epoch == b.epoch && a.split == b.split && a.trainLoss == b.trainLoss
            && a.metrics.map(\.name) == b.metrics.map(\.name) && a.metrics.map(\.value) == b.metrics.map(\.value)
    }

    /// The record as one JSON line (keys: `epoch`, `split`, the metrics in order, `train_loss`).
    public var jsonLine: String {
        var fields = ["\"epoch\":\(epoch)", "\"split\":\"\(split.rawValue)\""]
        fields += metrics.map { "\"\($0.name)\":\(Self.number($0.value))" }
        if let trainLoss { fields.append("\"train_loss\":\(Self.number(trainLoss))") }
        return "{" + fields.joined(separator: ",") + "}"
    }

    /// Parses a line written by `jsonLine`. Numbers are read with `Double(_:)` from their text, so
    /// values round-trip bit for bit (a resumed run rewrites the records it read).
    /// - Returns: nil when the line is not such an object.
    public init?(jsonLine: String) {
        let trimmed = jsonLine.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasPrefix("{"), trimmed.hasSuffix("}") else { return nil }
        var fields: [String: String] = [:]
        for field in trimmed.dropFirst().dropLast().split(separator: ",") {
            guard let colon = field.firstIndex(of: ":") else { return nil }
            let key = field[..<colon].trimmingCharacters(in: .whitespaces)
            guard key.count >= 2, key.hasPrefix("\""), key.hasSuffix("\"") else { return nil }
            fields[String(key.dropFirst().dropLast())] = field[field.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        guard let epochText = fields["epoch"], let epoch = Int(epochText),
              let splitText = fields["split"], splitText.count >= 2, splitText.hasPrefix("\""),
              let split = Split.Name(rawValue: String(splitText.dropFirst().dropLast())) else { return nil }
        self.epoch = epoch
        self.split = split
        metrics = RankingMetrics.names.compactMap { name in fields[name].map { (name, Double($0) ?? .nan) } }
        trainLoss = fields["train_loss"].map { Double($0) ?? .nan }
    }

    /// JSON has no NaN or infinity; they are written as `null`.
    private static func number(_ value: Double) -> String { value.isFinite ? "\(value)" : "null" }
}
