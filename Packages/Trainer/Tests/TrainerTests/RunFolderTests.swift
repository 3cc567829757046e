import DataPipeline
import Foundation
import Metrics
import TestSupport
import XCTest
@testable import Trainer

final class RunFolderTests: XCTestCase {
    private var folder: RunFolder!

    override func setUpWithError() throws {
        folder = RunFolder(url: try makeTemporaryDirectory(self, prefix: "trainer-run"))
        try folder.create()
    }

    private func record(epoch: Int, split: Split.Name, auc: Double, loss: Double?) -> EvaluationRecord {
        EvaluationRecord(epoch: epoch, split: split,
                         metrics: RankingMetrics.names.enumerated().map { ($0.element, auc / Double($0.offset + 3)) },
                         trainLoss: loss)
    }

    func testMetricsRoundTripBitForBit() throws {
        let records = [record(epoch: 0, split: .valid, auc: 0.6347332372025957, loss: nil),
                       record(epoch: 1, split: .valid, auc: 0.1 + 0.2, loss: 0.7861340045928955),
                       record(epoch: 1, split: .test, auc: 1.0 / 3.0, loss: nil)]
        try folder.writeMetrics(records)
        XCTAssertEqual(try folder.readMetrics(), records)
        let firstLine = try String(contentsOf: folder.metricsFile, encoding: .utf8).split(separator: "\n")[0]
        XCTAssertTrue(firstLine.hasPrefix("{\"epoch\":0,\"split\":\"valid\",\"group_auc\":"), String(firstLine))
        let parsed = try JSONSerialization.jsonObject(with: Data(firstLine.utf8)) as? [String: Any]
        XCTAssertNotNil(parsed?["ndcg@10"], "each line is standard JSON")
    }

    func testAFinishedRunIsReusedOnlyUnderItsProtocol() throws {
        try folder.writeMetrics([record(epoch: 0, split: .valid, auc: 0.6, loss: nil),
                                 record(epoch: 1, split: .valid, auc: 0.7, loss: 0.5),
                                 record(epoch: 1, split: .test, auc: 0.65, loss: nil)])
        func finished(_ protocolName: String) throws -> FitReport? {
            try FitWorkflow.finishedReport(in: folder.url, model: .gru4Rec, trainType: .adaRanker, dataset: "d",
                                           protocolName: protocolName)
        }
        XCTAssertEqual(try finished("fair")?.bestEpoch, 1, "a run without config.json names no protocol")
        let config = Configuration(layers: [ConfigLayer(source: "test", values: ["protocol": .string("paper")])])
        try AtomicFile.write(try config.jsonData(), to: folder.configFile)
        XCTAssertEqual(try finished("paper")?.protocolName, "paper")
        XCTAssertThrowsError(try finished("fair")) { XCTAssertTrue("\($0)".contains("paper protocol"), "\($0)") }
    }

    func testCorruptMetricsFileNamesTheLine() throws {
        try AtomicFile.write("{\"epoch\":0,\"split\":\"valid\"}\nnot json\n", to: folder.metricsFile)
        XCTAssertThrowsError(try folder.readMetrics()) { XCTAssertTrue("\($0)".contains("metrics.jsonl:2"), "\($0)") }
    }

    func testResultsAndReport() throws {
        try folder.writeResults([("group_auc", 0.75), ("mrr", 0.5)])
        XCTAssertEqual(try String(contentsOf: folder.resultsFile, encoding: .utf8), "group_auc\t0.75\nmrr\t0.5\n")
        let records = [record(epoch: 0, split: .valid, auc: 0.5, loss: nil),
                       record(epoch: 1, split: .valid, auc: 0.6, loss: 0.3),
                       record(epoch: 2, split: .valid, auc: 0.7, loss: 0.2),
                       record(epoch: 2, split: .test, auc: 0.69, loss: nil)]
        try folder.writeReport(title: "GRU4Rec <Base>", records: records, validMetric: "group_auc", settings: [("seed", "2020")])
        let html = try String(contentsOf: folder.reportFile, encoding: .utf8)
        XCTAssertEqual(html.components(separatedBy: "<svg").count - 1, 2, "a loss chart and a valid-metric chart")
        XCTAssertEqual(html.components(separatedBy: "<polyline").count - 1, 2)
        XCTAssertTrue(html.contains("GRU4Rec &lt;Base&gt;"), "titles are escaped")
        XCTAssertTrue(html.contains("after epoch 2"))
        XCTAssertTrue(html.contains("<td>seed</td><td>2020</td>"))
        XCTAssertFalse(html.contains("<script"))
    }

    func testReportWithoutDataYet() {
        let html = ReportPage.html(title: "empty", records: [], validMetric: "group_auc", settings: [])
        XCTAssertTrue(html.contains("no data yet"))
    }
}

/// A log file that cannot be written (here `/dev/full`, which fails every write with ENOSPC, as a
/// full disk does) is reported once and the run goes on logging to the console, without a trap.
final class RunLogTests: XCTestCase {
    func testAFullDiskDoesNotStopLogging() throws {
        try XCTSkipUnless(FileManager.default.isWritableFile(atPath: "/dev/full"), "no /dev/full on this system")
        let sink = try RunLogSink(fileURL: URL(fileURLWithPath: "/dev/full"), console: false)
        for index in 0..<3 { sink.write(level: .info, message: "line \(index)") }
        XCTAssertNotNil(sink.writeFailure)
    }
}
