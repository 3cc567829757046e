import DataPipeline
import Foundation
import RankingServer
import Trainer
import XCTest

/// Concurrent requests share forward passes yet get exactly the scores they get alone; the server
/// is ready only after loading, and a graceful shutdown (SIGTERM) answers the requests in flight.
final class BatchingTests: XCTestCase {
    /// Test rows of the fixture in internal ids; every third one keeps only 5 candidates, so passes
    /// of two candidate counts are gathered together.
    private func rows(_ count: Int) throws -> [ScoringRow] {
        let split = try PreparedDataset.load(from: try ServingFixture.shared.data).test
        return (0..<count).map { row in
            let candidates = ([split.itemIds[row]] + Array(split.negatives(ofRow: row))).map(Int.init)
            return ScoringRow(user: Int(split.userIds[row]), history: split.history(ofRow: row).map(Int.init),
                              candidates: row % 3 == 0 ? Array(candidates.prefix(5)) : candidates)
        }
    }

    func testGatheredRowsScoreAsAlone() async throws {
        let loaded = try CheckpointWorkflow.load(try ServingFixture.shared.request())
        let rows = try self.rows(48)
        let alone = rows.map { loaded.scores([$0])[0] }
        let passes = PassLog()
        let scorer = BatchingScorer(maxBatch: 16, maxWaitMicroseconds: 20_000, forward: { loaded.scores($0) },
                                    onPass: { rows, _ in passes.append(rows) })
        let together = try await withThrowingTaskGroup(of: (Int, [[Float]]).self) { group in
            for (index, row) in rows.enumerated() { group.addTask { (index, try await scorer.score([row])) } }
            var results = [[Float]](repeating: [], count: rows.count)
            for try await (index, scores) in group { results[index] = scores[0] }
            return results
        }
        scorer.drainAndStop()
        assertScoresMatch(together, alone)
        XCTAssertEqual(passes.rows.reduce(0, +), rows.count)
        XCTAssertGreaterThan(passes.rows.max() ?? 0, 1, "no forward pass gathered more than one row: \(passes.rows)")
        XCTAssertLessThanOrEqual(passes.rows.max() ?? 0, 16)
    }

    func testConcurrentClientsGetTheScoresOfSequentialRequests() async throws {
        let fixture = try ServingFixture.shared
        let request = fixture.request()
        let server = try TestServer { try ServedModel.load(request) }
        try await server.waitUntilReady()
        let split = try PreparedDataset.load(from: fixture.data).test
        let items = try fixture.rawIds("item2idx.tsv"), users = try fixture.rawIds("user2idx.tsv")
        let bodies = fixture.distinctRows(split, count: 24).map { fixture.rankRequest(split, row: $0, items: items, users: users).json }
        var sequential: [RankResponse] = []
        for body in bodies { sequential.append(try RankResponse.decode(try await server.post("/v1/rank", json: body).body)) }
        let finished = try await withThrowingTaskGroup(of: Void.self) { group in
            for client in 0..<8 {
                group.addTask {
                    // Each client walks the requests from its own starting point.
                    for step in 0..<bodies.count {
                        let index = (client * 3 + step) % bodies.count
                        let (status, body) = try await server.post("/v1/rank", json: bodies[index])
                        XCTAssertEqual(status, 200)
                        assertScoresMatch([try RankResponse.decode(body).scores], [sequential[index].scores],
                                          "client \(client), request \(index)")
                    }
                }
            }
            var count = 0
            for try await _ in group { count += 1 }
            return count
        }
        XCTAssertEqual(finished, 8)
        try await server.stop()
    }

    func testHealthIsUnavailableUntilTheModelIsLoaded() async throws {
        let request = try ServingFixture.shared.request()
        let release = DispatchSemaphore(value: 0)
        let server = try TestServer {
            release.wait()
            return try ServedModel.load(request)
        }
        let loading = try await server.send("GET", "/health")
        XCTAssertEqual(loading.status, 503)
        XCTAssertEqual(String(decoding: loading.body, as: UTF8.self), "{\"status\":\"loading\"}\n")
        let rank = try await server.post("/v1/rank", json: "{\"history\": [1], \"candidates\": [2]}")
        XCTAssertEqual(rank.status, 503)
        release.signal()
        try await server.waitUntilReady()
        try await server.stop()
    }

    func testSigtermFinishesRequestsInFlightThenStops() async throws {
        let fixture = try ServingFixture.shared
        let request = fixture.request()
        let started = DispatchSemaphore(value: 0)
        let server = try TestServer(handlesSignals: true) {
            let model = try ServedModel.load(request)
            var slow = model
            slow.forward = { rows in
                started.signal()
                Thread.sleep(forTimeInterval: 0.5)
                return model.forward(rows)
            }
            return slow
        }
        try await server.waitUntilReady()
        let split = try PreparedDataset.load(from: fixture.data).test
        let body = fixture.rankRequest(split, row: fixture.distinctRows(split, count: 1)[0], items: try fixture.rawIds("item2idx.tsv"), users: try fixture.rawIds("user2idx.tsv")).json
        let inFlight = Task { try await server.post("/v1/rank", json: body) }
        await withCheckedContinuation { continuation in Thread { started.wait(); continuation.resume() }.start() }
        kill(getpid(), SIGTERM)
        let (status, answer) = try await inFlight.value
        XCTAssertEqual(status, 200, String(decoding: answer, as: UTF8.self))
        XCTAssertEqual(try RankResponse.decode(answer).scores.count, 20)
        try await server.waitForExit()
    }
}

/// Row counts of the forward passes, appended from the model thread.
private final class PassLog: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [Int] = []
    func append(_ rows: Int) { lock.withLock { stored.append(rows) } }
    var rows: [Int] { lock.withLock { stored } }
}
