import DataPipeline
import Foundation
import RankingServer
import TestSupport
import Trainer
import XCTest

/// A tiny prepared dataset (`Tests/Fixtures/tiny-demo.yaml`) and a one-epoch GRU4Rec Ada-Ranker
/// trained on it through the same workflows as `train prepare` / `train fit`, made once per test
/// process (a few seconds) and removed when the process ends.
final class ServingFixture: @unchecked Sendable {
    let root: URL
    let configs: URL
    let data: String
    let checkpoint: String

    /// The shared fixture (built on first use).
    static var shared: ServingFixture {
        get throws { try made.get() }
    }

    private static let made = Result { try ServingFixture() }

    private init() throws {
        root = try makeSharedTemporaryDirectory(prefix: "adaranker-serving")
        let yaml = try String(contentsOf: TestFixtures.repositoryFile("tiny-demo.yaml"), encoding: .utf8) + "epochs: 1\n"
        configs = try RepositoryConfigs.copy(into: root, dataset: "serving", yaml: yaml)
        data = root.appendingPathComponent("serving").path
        _ = try PrepareWorkflow.run(PrepareRequest(source: .synthetic(name: "serving"), outputFolder: data, seed: 3,
                                                   showProgress: false, configDirectory: configs))
        let report = try FitWorkflow.run(FitRequest(model: .gru4Rec, mode: .ada, dataFolder: data,
                                                    outputFolder: root.appendingPathComponent("gru-ada").path,
                                                    configDirectory: configs, console: false))
        checkpoint = report.folder.appendingPathComponent("best.safetensors").path
    }

    /// What `train serve` / `train infer` are given for the fixture's checkpoint (or another one
    /// trained on the fixture's data).
    func request(split: Split.Name = .test, checkpoint: String? = nil) -> CheckpointRequest {
        CheckpointRequest(checkpoint: checkpoint ?? self.checkpoint, dataFolder: data, split: split,
                          configDirectory: configs, showProgress: false)
    }

    /// `count` test rows as raw-id requests, with the scores `train infer` writes for them from
    /// `checkpoint` (default: the fixture's).
    func inferredTestRows(_ count: Int, checkpoint: String? = nil) throws -> (requests: [RankRequest], expected: [[Float]]) {
        let scoresFile = root.appendingPathComponent("infer-\(UUID().uuidString).tsv")
        defer { try? FileManager.default.removeItem(at: scoresFile) }
        try CheckpointWorkflow.infer(request(split: .test, checkpoint: checkpoint), to: scoresFile)
        let lines = try String(contentsOf: scoresFile, encoding: .utf8).split(separator: "\n")
        let split = try PreparedDataset.load(from: data).test
        let items = try rawIds("item2idx.tsv"), users = try rawIds("user2idx.tsv")
        let rows = distinctRows(split, count: count)
        return (rows.map { rankRequest(split, row: $0, items: items, users: users) },
                rows.map { lines[$0].split(separator: "\t").map { Float(String($0))! } })
    }

    /// Internal → raw id maps read from the prepared folder's `item2idx.tsv` / `user2idx.tsv`.
    func rawIds(_ file: String) throws -> [Int: Int] {
        let text = try String(contentsOfFile: data + "/" + file, encoding: .utf8)
        var map: [Int: Int] = [:]
        for line in text.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: "\t").map { Int($0)! }
            map[fields[1]] = fields[0]
        }
        return map
    }

    /// The first `count` rows of `split` whose candidates are all different (sampled negatives
    /// may repeat, and the server refuses repeated candidates).
    func distinctRows(_ split: Split, count: Int) -> [Int] {
        Array((0..<split.rowCount).lazy.filter { row in
            let candidates = [split.itemIds[row]] + Array(split.negatives(ofRow: row))
            return Set(candidates).count == candidates.count
        }.prefix(count))
    }

    /// The raw-id request of row `row` of `split`: its full history, `[item_id, neg_items…]` as
    /// candidates and its user.
    func rankRequest(_ split: Split, row: Int, items: [Int: Int], users: [Int: Int]) -> RankRequest {
        let candidates = [split.itemIds[row]] + Array(split.negatives(ofRow: row))
        return RankRequest(history: split.history(ofRow: row).map { items[Int($0)]! },
                           candidates: candidates.map { items[Int($0)]! }, userId: users[Int(split.userIds[row])]!)
    }
}

/// Fails unless `actual` and `expected` have the same shape and every score is exactly equal:
/// inference is batch-invariant (`RankingModel.scores`), so a row's scores do not depend on the rows
/// that share its forward pass, and the server and `train infer` write floats in their shortest
/// form that reads back to the same value.
func assertScoresMatch(_ actual: [[Float]], _ expected: [[Float]], _ message: String = "",
                       file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(actual.map(\.count), expected.map(\.count), "shapes \(message)", file: file, line: line)
    for (row, (got, want)) in zip(actual, expected).enumerated() {
        XCTAssertEqual(got, want, "row \(row) \(message)", file: file, line: line)
    }
}
