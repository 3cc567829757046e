import Foundation
import TestSupport
import XCTest
@testable import Trainer

/// `ReproduceWorkflow` on a tiny synthetic dataset (ReadmeExampleTests' shrunk demo), 2 epochs per run.
final class ReproduceWorkflowTests: XCTestCase {
    private var root: URL!

    override func setUpWithError() throws {
        root = try makeRunRoot(prefix: "trainer-reproduce", demoYAML: ReadmeExampleTests.tinyDemoYAML)
    }

    private func request(seeds: [UInt64], variants: [ReproduceRequest.Variant]) -> ReproduceRequest {
        ReproduceRequest(source: .synthetic(name: "demo"), datasetName: "demo",
                         dataFolder: root.appendingPathComponent("data").path,
                         runsFolder: root.appendingPathComponent("runs").path, sampling: .leakFree,
                         models: [.gru4Rec], seeds: seeds, variants: variants, overrides: ["--epochs=2"],
                         threads: 1, console: false, configDirectory: root.appendingPathComponent("Configs"))
    }

    /// Modification dates and sizes of every file in the run folders.
    private func snapshot(_ folders: [URL]) throws -> [String: String] {
        var result: [String: String] = [:]
        for folder in folders {
            for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
                let attributes = try FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent(name).path)
                result[folder.lastPathComponent + "/" + name] = "\(attributes[.modificationDate] ?? "") \(attributes[.size] ?? "")"
            }
        }
        return result
    }

    func testTwoSeedsWriteFoldersTablesFigureAndAreReusedTheSecondTime() throws {
        let first = try ReproduceWorkflow.run(request(seeds: [2020, 2021], variants: [.base, .ada]))
        let runs = root.appendingPathComponent("runs")
        let expected = ["GRU4Rec-Base-seed2020", "GRU4Rec-Ada-Ranker-seed2020", "GRU4Rec-Base-seed2021", "GRU4Rec-Ada-Ranker-seed2021"]
        XCTAssertEqual(first.runs.map { $0.report.folder.lastPathComponent }, expected)
        XCTAssertEqual(first.runs.map(\.reused), [false, false, false, false])
        for name in expected {
            XCTAssertTrue(FileManager.default.fileExists(atPath: runs.appendingPathComponent("\(name)/best.safetensors").path), name)
        }
        let seedOf = try Configuration.fromJSON(Data(contentsOf: runs.appendingPathComponent("GRU4Rec-Base-seed2021/config.json")), source: "config.json")
        XCTAssertEqual(try seedOf.int("seed"), 2021)

        let markdown = try String(contentsOf: runs.appendingPathComponent("results.md"), encoding: .utf8)
        XCTAssertEqual(markdown, first.markdown)
        let baseRow = String(try XCTUnwrap(markdown.split(separator: "\n").first { $0.hasPrefix("| GRU4Rec | Base | 2 |") }, markdown))
        XCTAssertEqual(baseRow.components(separatedBy: " ± ").count, 3, "group_auc and ndcg@10 as mean ± std: \(baseRow)")
        let groupAUC = first.runs.filter { $0.variant == .base }.compactMap { $0.report[test: "group_auc"] }
        XCTAssertTrue(baseRow.contains(SeedSummaryTable.format(groupAUC)), baseRow)
        XCTAssertTrue(markdown.contains("| GRU4Rec | Ada-Ranker | 2 |"), markdown)
        XCTAssertEqual(markdown.split(separator: "\n").filter { $0.hasPrefix("| GRU4Rec |") }.count, 2 + 4, "2 summary rows, 4 runs")

        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: runs.appendingPathComponent("results.json"))) as? [String: Any])
        let jsonRuns = try XCTUnwrap(json["runs"] as? [String: [String: Any]])
        XCTAssertEqual(Set(jsonRuns.keys), Set(expected))
        let one = try XCTUnwrap(jsonRuns["GRU4Rec-Ada-Ranker-seed2021"])
        XCTAssertEqual(one["epochs"] as? Int, 2)
        XCTAssertNotNil((one["test"] as? [String: Any])?["group_auc"] as? Double)
        XCTAssertNotNil(one["best_valid_group_auc"] as? Double)

        let svg = try String(contentsOf: runs.appendingPathComponent("curves-GRU4Rec.svg"), encoding: .utf8)
        XCTAssertTrue(svg.hasPrefix("<?xml") && svg.contains("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        XCTAssertEqual(svg.components(separatedBy: "<polyline").count - 1, 4, "one line per run")
        XCTAssertTrue(svg.contains(">Base<") && svg.contains(">Ada-Ranker<") && svg.contains("bold: seed 2020; thin: seeds 2021"), svg)
        let page = try String(contentsOf: runs.appendingPathComponent("report.html"), encoding: .utf8)
        XCTAssertTrue(page.contains("curves-GRU4Rec.svg") && page.contains("<svg") && page.contains("GRU4Rec-Base-seed2020/report.html"))

        // Started again: every run is reused, no run folder file is rewritten.
        let folders = expected.map { runs.appendingPathComponent($0) }
        let before = try snapshot(folders)
        let second = try ReproduceWorkflow.run(request(seeds: [2020, 2021], variants: [.base, .ada]))
        XCTAssertEqual(second.runs.map(\.reused), [true, true, true, true])
        XCTAssertEqual(try snapshot(folders), before)
        XCTAssertEqual(second.runs.map { $0.report[test: "group_auc"] }, first.runs.map { $0.report[test: "group_auc"] })
    }

    /// With the identity start the fine-tune's epoch-0 evaluation is the Base checkpoint's score,
    /// and only a strictly higher score replaces it: freeze 1 never ends below Base's best valid.
    func testFreezeOneFineTuningNeverEndsBelowItsBaseCheckpoint() throws {
        let report = try ReproduceWorkflow.run(request(seeds: [2020], variants: [.freeze1]))
        XCTAssertEqual(report.runs.map(\.variant), [.base, .freeze1], "fine-tuning trains the Base run it starts from")
        let base = try XCTUnwrap(report.runs[0].report.bestValidScore)
        let finetuned = try XCTUnwrap(report.runs[1].report.bestValidScore)
        XCTAssertGreaterThanOrEqual(finetuned, base - 1e-6)
        let records = try RunFolder(url: report.runs[1].report.folder).readMetrics()
        let start = try XCTUnwrap(records.first { $0.epoch == 0 && $0.split == .valid }?[metric: "group_auc"])
        XCTAssertEqual(start, base, accuracy: 1e-6, "epoch 0 of the fine-tuning scores as its Base checkpoint")
    }

    func testOptionsParseAndValidate() throws {
        XCTAssertEqual(try ReproduceRequest.parseSeeds("2020, 2021,2022"), [2020, 2021, 2022])
        XCTAssertThrowsError(try ReproduceRequest.parseSeeds("2020,x"))
        XCTAssertThrowsError(try ReproduceRequest.parseSeeds("2020,2020"))
        XCTAssertEqual(try ReproduceRequest.parseSeedsPerModel("GRU4Rec=3,SASRec=2"), [.gru4Rec: 3, .sasRec: 2])
        XCTAssertThrowsError(try ReproduceRequest.parseSeedsPerModel("GRU4Rec"))
        XCTAssertEqual(try ReproduceRequest.Variant.parseList("freeze1,base"), [.base, .freeze1])
        XCTAssertEqual(try ReproduceRequest.Variant.parseList("all"), ReproduceRequest.Variant.allCases)
        XCTAssertEqual(try ReproduceRequest.Variant.parseList("Ada-Ranker"), [.ada])
        XCTAssertThrowsError(try ReproduceRequest.Variant.parseList("base,tuned"))

        var request = request(seeds: [2020, 2021, 2022], variants: [.ada])
        XCTAssertEqual(request.seeds(for: .mf), [2020, 2021, 2022])
        request.seedsPerModel = [.gru4Rec: 3, .sasRec: 3]
        XCTAssertEqual(request.seeds(for: .sasRec), [2020, 2021, 2022])
        XCTAssertEqual(request.seeds(for: .mf), [2020])
        XCTAssertEqual(request.runVariants, [.ada])
        request.seedsPerModel = [.gru4Rec: 4]
        XCTAssertNoThrow(try request.validate())
        XCTAssertEqual(request.seeds(for: .gru4Rec), [2020, 2021, 2022], "more than listed: all of them")
        XCTAssertThrowsError(try ReproduceRequest.parseSeedsPerModel("GRU4Rc=2"))
        request.seedsPerModel = nil
        request.overrides = ["--seed=1"]
        XCTAssertThrowsError(try request.validate())
    }

    func testMeanAndSampleStandardDeviation() {
        XCTAssertEqual(SeedSummaryTable.format([1, 2, 3]), "2.0000 ± 1.0000")
        XCTAssertEqual(SeedSummaryTable.format([0.5]), "0.5000")
        XCTAssertEqual(SeedSummaryTable.format([]), "–")
        var table = SeedSummaryTable(metricNames: ["test group_auc"])
        table.rows.append(.init(model: "MF", mode: "Base", metrics: ["test group_auc": [0.7, 0.8]], epochs: [3, 4]))
        XCTAssertTrue(table.markdown.contains("| MF | Base | 2 | 0.7500 ± 0.0707 | 3.5 |"), table.markdown)
    }
}
