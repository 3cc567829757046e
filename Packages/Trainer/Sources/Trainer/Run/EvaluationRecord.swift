import Foundation
import Metrics

/// One evaluation of a run: the epoch it followed (0 = before training), the split, the metric
/// values and, for valid evaluations after an epoch, that epoch's mean training loss.
///
/// Serialised as one line of `metrics.jsonl`:
/// `{"epoch":3,"split":"valid","group_auc":0.91,"ndcg":…,"train_loss":0.21}`.
public struct EvaluationRecord: Equatable, Sendable {
    public var epoch: Int
    public var split: String
    /// Metric values in report order (`RankingMetrics.names`).
    public var metrics: [(name: String, value: Double)]
    public var trainLoss: Double?

    public init(epoch: Int, split: String, metrics: [(name: String, value: Double)], trainLoss: Double? = nil) {
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
        var fields = ["\"epoch\":\(epoch)", "\"split\":\"\(split)\""]
        fields += metrics.map { "\"\($0.name)\":\(Self.number($0.value))" }
        if let trainLoss { fields.append("\"train_loss\":\(Self.number(trainLoss))") }
        return "{" + fields.joined(separator: ",") + "}"
    }

    /// Parses a line written by `jsonLine`.
    /// - Returns: nil when the line is not such an object.
    public init?(jsonLine: String) {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(jsonLine.utf8))) as? [String: Any],
              let epoch = object["epoch"] as? Int, let split = object["split"] as? String else { return nil }
        self.epoch = epoch
        self.split = split
        metrics = RankingMetrics.names.compactMap { name in Self.double(object[name]).map { (name, $0) } }
        trainLoss = Self.double(object["train_loss"])
    }

    /// JSON has no NaN or infinity; they are written as `null`.
    private static func number(_ value: Double) -> String { value.isFinite ? "\(value)" : "null" }

    private static func double(_ any: Any?) -> Double? {
        if let d = any as? Double { return d }
        if let i = any as? Int { return Double(i) }
        return nil
    }
}
