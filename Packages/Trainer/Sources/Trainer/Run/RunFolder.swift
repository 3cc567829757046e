import Foundation
import Metrics

/// The output folder of one run and the files in it:
///
/// ```
/// train.log                 the log (also printed on the console)
/// config.json               the merged configuration
/// metrics.jsonl             one JSON object per evaluation (epoch, split, one key per metric)
/// results.tsv               test metrics of the best checkpoint, `metric<TAB>value` (reference format)
/// report.html               training-loss and valid-metric curves (inline SVG) and the test results
/// best.safetensors (+ .optimizer.safetensors, .json)   the best checkpoint by the valid metric
/// last.safetensors (+ .optimizer.safetensors, .json)   the state after the last finished epoch (for --resume)
/// ```
/// Every file except the log is rewritten atomically, so an interrupted run leaves complete files.
public struct RunFolder: Sendable {
    public let url: URL

    public init(url: URL) { self.url = url }

    public var logFile: URL { url.appendingPathComponent("train.log") }
    public var configFile: URL { url.appendingPathComponent("config.json") }
    public var metricsFile: URL { url.appendingPathComponent("metrics.jsonl") }
    public var resultsFile: URL { url.appendingPathComponent("results.tsv") }
    public var reportFile: URL { url.appendingPathComponent("report.html") }
    public var scoresFile: URL { url.appendingPathComponent("scores.tsv") }
    /// The best checkpoint's weights (`best.json` and `best.optimizer.safetensors` beside it).
    public var bestCheckpoint: URL { url.appendingPathComponent("best.safetensors") }
    /// The state after the last finished epoch, for `--resume`.
    public var lastCheckpoint: URL { url.appendingPathComponent("last.safetensors") }

    /// Creates the folder if needed.
    public func create() throws {
        do { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) } catch {
            throw AtomicFile.WriteError(path: url.path, reason: error.localizedDescription)
        }
    }

    /// Rewrites `metrics.jsonl` with `records`.
    public func writeMetrics(_ records: [EvaluationRecord]) throws {
        try AtomicFile.write(records.map { $0.jsonLine + "\n" }.joined(), to: metricsFile)
    }

    /// Reads `metrics.jsonl` (empty when absent).
    public func readMetrics() throws -> [EvaluationRecord] {
        guard FileManager.default.fileExists(atPath: metricsFile.path) else { return [] }
        let text: String
        do { text = try String(contentsOf: metricsFile, encoding: .utf8) } catch {
            throw TrainerError.corruptRunFile(path: metricsFile.path, line: 0, reason: error.localizedDescription)
        }
        var records: [EvaluationRecord] = []
        for (index, line) in text.split(separator: "\n").enumerated() where !line.isEmpty {
            guard let record = EvaluationRecord(jsonLine: String(line)) else {
                throw TrainerError.corruptRunFile(path: metricsFile.path, line: index + 1,
                                                  reason: "expected a JSON object with \"epoch\" and \"split\"")
            }
            records.append(record)
        }
        return records
    }

    /// Writes `results.tsv`: one `metric<TAB>value` line per metric, in report order.
    public func writeResults(_ metrics: [(name: String, value: Double)]) throws {
        try AtomicFile.write(metrics.map { "\($0.name)\t\($0.value)\n" }.joined(), to: resultsFile)
    }

    /// Writes `report.html` from the evaluation records.
    public func writeReport(title: String, records: [EvaluationRecord], validMetric: String,
                            settings: [(String, String)]) throws {
        let page = ReportPage.html(title: title, records: records, validMetric: validMetric, settings: settings)
        try AtomicFile.write(page, to: reportFile)
    }
}
