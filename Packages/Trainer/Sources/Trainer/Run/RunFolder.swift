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
/// .lock                     the lock file of the process writing the folder (`FolderLock`)
/// ```
/// Every file except the log is rewritten atomically, so an interrupted run leaves complete files;
/// each checkpoint is replaced as one unit at one commit point (`CheckpointFiles`). While a
/// process writes the folder it holds the folder's lock (`.lock`, see `FolderLock`).
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

    /// The lock file of the folder (`FolderLock`).
    public var lockFile: URL { url.appendingPathComponent(".lock") }

    /// Whether the folder holds a checkpoint after a finished epoch (committed, or committed and
    /// not yet moved into place), i.e. a state `--resume` can continue from.
    public var hasResumableState: Bool { CheckpointFiles(weights: lastCheckpoint).exists }

    /// Whether a run was started here (`config.json` is written before the first evaluation).
    public var hasStartedRun: Bool { FileManager.default.fileExists(atPath: configFile.path) }

    /// Creates the folder if needed and takes its lock; then finishes or discards the checkpoint
    /// saves and temporary files that a killed process left behind (safe: the lock guarantees no
    /// other writer). Keep the returned lock until the run ends.
    /// - Throws: `FolderLock.Busy` naming the PID of the process writing the folder.
    public func lockForWriting() throws -> FolderLock {
        try create()
        let lock = try FolderLock.acquire(lockFile, for: url)
        try CheckpointFiles(weights: bestCheckpoint).recover()
        try CheckpointFiles(weights: lastCheckpoint).recover()
        AtomicFile.removeLeftovers(in: url)
        return lock
    }

    /// Deletes what a run stopped before its first finished epoch wrote (its epoch-0 evaluation and
    /// best checkpoint, report), so that starting again cannot pick up a stale file. The log stays.
    func discardUnfinishedRun() {
        let best = CheckpointFiles(weights: bestCheckpoint)
        for file in [metricsFile, reportFile, resultsFile, best.weights, best.optimizer, best.sidecar] {
            try? FileManager.default.removeItem(at: file)
        }
    }

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
        try AtomicFile.write(resultsText(metrics), to: resultsFile)
    }

    /// Writes `report.html` from the evaluation records.
    public func writeReport(title: String, records: [EvaluationRecord], validMetric: String,
                            settings: [(String, String)]) throws {
        let page = ReportPage.html(title: title, records: records, validMetric: validMetric, settings: settings)
        try AtomicFile.write(page, to: reportFile)
    }
}
