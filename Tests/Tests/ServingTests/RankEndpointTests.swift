import DataPipeline
import Foundation
import RankingServer
import Trainer
import XCTest

/// `POST /v1/rank` and `/v1/rank/batch` give the scores `train infer` writes for the same rows of
/// the prepared data, through raw ids (exactly equal).
final class RankEndpointTests: XCTestCase {
    private var server: TestServer!
    private var fixture: ServingFixture!

    override func setUp() async throws {
        fixture = try ServingFixture.shared
        let request = fixture.request()
        server = try TestServer { try ServedModel.load(request) }
        try await server.waitUntilReady()
    }

    override func tearDown() async throws {
        try await server?.stop()
    }

    private func testRows(_ count: Int) throws -> (requests: [RankRequest], expected: [[Float]]) {
        try fixture.inferredTestRows(count)
    }

    func testRankGivesInferScoresForTestRowsAndOrdersThemBestFirst() async throws {
        let (requests, expected) = try testRows(40)
        XCTAssertTrue(requests.contains { $0.history.count > 12 }, "some histories must be longer than MAX_SEQ_LEN 12")
        for (index, request) in requests.enumerated() {
            let (status, body) = try await server.post("/v1/rank", json: request.json)
            XCTAssertEqual(status, 200, String(decoding: body, as: UTF8.self))
            let result = try RankResponse.decode(body)
            assertScoresMatch([result.scores], [expected[index]], "test row \(index)")
            XCTAssertEqual(result.order, result.scores.indices.sorted { (result.scores[$0], $1) > (result.scores[$1], $0) },
                           "test row \(index)")
        }
    }

    func testBatchEndpointGivesTheSameScoresInRequestOrder() async throws {
        let (requests, expected) = try testRows(8)
        let json = "{\"requests\":[" + requests.map(\.json).joined(separator: ",") + "]}"
        let (status, body) = try await server.post("/v1/rank/batch", json: json)
        XCTAssertEqual(status, 200, String(decoding: body, as: UTF8.self))
        let results = try JSONDecoder().decode(RankBatchResponse.self, from: body).results
        assertScoresMatch(results.map(\.scores), expected)
    }

    func testHistoryIsCutToMaxSeqLenAsInTraining() async throws {
        let (requests, _) = try testRows(40)
        let long = try XCTUnwrap(requests.first { $0.history.count > 12 })
        var cut = long
        cut.history = Array(long.history.suffix(12))
        let full = try RankResponse.decode(try await server.post("/v1/rank", json: long.json).body)
        let lastTwelve = try RankResponse.decode(try await server.post("/v1/rank", json: cut.json).body)
        XCTAssertEqual(full.scores, lastTwelve.scores)
        var shorter = long
        shorter.history = Array(long.history.suffix(11))
        let eleven = try RankResponse.decode(try await server.post("/v1/rank", json: shorter.json).body)
        XCTAssertNotEqual(eleven.scores, full.scores, "the 12th most recent item must matter")
    }

    func testHealthMetricsAndOpenAPIAnswer() async throws {
        let health = try await server.send("GET", "/health")
        XCTAssertEqual(health.status, 200)
        XCTAssertEqual(String(decoding: health.body, as: UTF8.self), "{\"status\":\"ready\",\"model\":\"GRU4Rec Ada-Ranker\",\"max_seq_len\":12}\n")
        let (requests, _) = try testRows(1)
        _ = try await server.post("/v1/rank", json: requests[0].json)
        _ = try await server.post("/v1/rank", json: "{")
        let metrics = String(decoding: try await server.send("GET", "/metrics").body, as: UTF8.self)
        for expected in ["ranker_requests_total{endpoint=\"rank\",status=\"200\"} 1", "ranker_errors_total{endpoint=\"rank\",status=\"400\"} 1",
                         "ranker_request_duration_seconds_bucket{endpoint=\"rank\",le=", "ranker_batch_rows_count 1",
                         "ranker_forward_duration_seconds_count 1"] {
            XCTAssertTrue(metrics.contains(expected), "missing \(expected) in:\n\(metrics)")
        }
        let openAPI = try await server.send("GET", "/openapi.yaml")
        XCTAssertEqual(openAPI.status, 200)
        let yaml = String(decoding: openAPI.body, as: UTF8.self)
        XCTAssertTrue(yaml.hasPrefix("openapi: 3."))
        for path in ["/v1/rank:", "/v1/rank/batch:", "/health:", "/metrics:", "/openapi.yaml:"] {
            XCTAssertTrue(yaml.contains("\n  \(path)\n"), "openapi.yaml does not document \(path)")
        }
    }
}

/// The JSON of a `/v1/rank` answer.
struct RankResponse: Decodable, Equatable {
    var scores: [Float]
    var order: [Int]

    static func decode(_ body: Data) throws -> RankResponse { try JSONDecoder().decode(RankResponse.self, from: body) }
}

struct RankBatchResponse: Decodable {
    var results: [RankResponse]
}

extension RankRequest {
    /// The request body.
    var json: String {
        var fields = ["\"history\":\(history)", "\"candidates\":\(candidates)"]
        if let userId { fields.append("\"user_id\":\(userId)") }
        return "{" + fields.joined(separator: ",") + "}"
    }
}
