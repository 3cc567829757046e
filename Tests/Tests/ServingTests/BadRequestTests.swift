import DataPipeline
import Foundation
import RankingServer
import Trainer
import XCTest

/// Every kind of bad request gets a 4xx with a one-line JSON error naming the problem, and the
/// server keeps answering good requests afterwards.
final class BadRequestTests: XCTestCase {
    private var server: TestServer!
    private var good: RankRequest!

    override func setUp() async throws {
        let fixture = try ServingFixture.shared
        let request = fixture.request()
        server = try TestServer { try ServedModel.load(request) }
        try await server.waitUntilReady()
        let split = try PreparedDataset.load(from: fixture.data).test
        good = fixture.rankRequest(split, row: fixture.distinctRows(split, count: 1)[0], items: try fixture.rawIds("item2idx.tsv"), users: try fixture.rawIds("user2idx.tsv"))
    }

    override func tearDown() async throws {
        try await server?.stop()
    }

    /// Sends `body` and checks the status and that the one-line JSON error contains `fragment`.
    private func expectError(_ path: String, _ body: String, status: Int, _ fragment: String,
                             method: String = "POST", line: UInt = #line) async throws {
        let (got, data) = try await server.send(method, path, body: method == "POST" ? Data(body.utf8) : nil)
        let text = String(decoding: data, as: UTF8.self)
        XCTAssertEqual(got, status, text, line: line)
        XCTAssertTrue(text.hasSuffix("\n") && !text.dropLast().contains("\n"), "not one line: \(text)", line: line)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: String], text, line: line)
        XCTAssertEqual(Array(object.keys), ["error"], line: line)
        XCTAssertTrue(object["error"]!.contains(fragment), "\"\(object["error"]!)\" does not contain \"\(fragment)\"", line: line)
    }

    func testMalformedAndMistypedBodiesAreRefusedNamingTheField() async throws {
        let history = "\(good.history)", candidates = "\(good.candidates)"
        try await expectError("/v1/rank", "{\"history\": [1,", status: 400, "malformed JSON")
        try await expectError("/v1/rank", "", status: 400, "malformed JSON")
        try await expectError("/v1/rank", "[1, 2]", status: 400, "body: expected a JSON object")
        try await expectError("/v1/rank", "{\"history\": \"abc\", \"candidates\": \(candidates)}", status: 400, "history: expected an array")
        try await expectError("/v1/rank", "{\"history\": \(history), \"candidates\": [\(good.candidates[0]), \"x\"]}", status: 400,
                              "candidates[1]: expected an integer, found a string")
        try await expectError("/v1/rank", "{\"history\": \(history)}", status: 400, "candidates: missing")
        try await expectError("/v1/rank", "{\"history\": \(history), \"candidate\": \(candidates)}", status: 400, "candidate: unknown field")
        try await expectError("/v1/rank", "{\"history\": \(history), \"candidates\": null}", status: 400, "candidates: expected an array, found null")
        try await expectError("/v1/rank", "{\"history\": \(history), \"candidates\": \(candidates), \"user_id\": \"7\"}", status: 400,
                              "user_id: expected an integer, found a string")
    }

    func testNonFiniteAndNonIntegerNumbersAreRefused() async throws {
        let history = "\(good.history)"
        try await expectError("/v1/rank", "{\"history\": \(history), \"candidates\": [1e999]}", status: 400,
                              "malformed JSON: Number 1e999 is not representable")
        try await expectError("/v1/rank", "{\"history\": \(history), \"candidates\": [2.5]}", status: 400,
                              "candidates[0]: expected an integer, found 2.5")
        try await expectError("/v1/rank", "{\"history\": [1e20], \"candidates\": [1]}", status: 400,
                              "history[0]: expected an integer, found 1e+20")
        try await expectError("/v1/rank", "{\"history\": \(history), \"candidates\": [NaN]}", status: 400, "malformed JSON")
        try await expectError("/v1/rank", "{\"history\": [Infinity], \"candidates\": [1]}", status: 400, "malformed JSON")
    }

    func testCandidateAndIdRulesAreEnforcedNamingTheIds() async throws {
        let history = "\(good.history)", first = good.candidates[0], second = good.candidates[1]
        try await expectError("/v1/rank", "{\"history\": \(history), \"candidates\": []}", status: 400, "candidates: expected at least one item id")
        try await expectError("/v1/rank", "{\"history\": [], \"candidates\": [\(first)]}", status: 400, "history: expected at least one item id")
        try await expectError("/v1/rank", "{\"history\": \(history), \"candidates\": [\(first), \(second), \(first)]}", status: 400,
                              "candidates: duplicate item ids \(first)")
        try await expectError("/v1/rank", "{\"history\": \(history), \"candidates\": [\(first), 999999, -4]}", status: 400,
                              "candidates: unknown item ids 999999, -4")
        try await expectError("/v1/rank", "{\"history\": [888888], \"candidates\": [\(first)]}", status: 400, "history: unknown item ids 888888")
        try await expectError("/v1/rank", "{\"history\": \(history), \"candidates\": [\(first)], \"user_id\": 777777}", status: 400,
                              "user_id: unknown user id 777777")
        let items = try ServingFixture.shared.rawIds("item2idx.tsv").values.sorted()
        try await expectError("/v1/rank", "{\"history\": \(history), \"candidates\": \(Array(items.prefix(51)))}", status: 400,
                              "candidates: 51 items; at most 50")
    }

    func testOversizedBodiesGet413() async throws {
        let padding = String(repeating: " ", count: 20 * 1024)
        try await expectError("/v1/rank", "{\"history\": \(good.history),\(padding) \"candidates\": \(good.candidates)}", status: 413,
                              "request body over 16384 bytes")
    }

    func testBatchCallsAreCheckedRequestByRequest() async throws {
        try await expectError("/v1/rank/batch", "{\"requests\": []}", status: 400, "requests: expected at least one request")
        let many = "{\"requests\": [" + Array(repeating: good.json, count: 9).joined(separator: ",") + "]}"
        try await expectError("/v1/rank/batch", many, status: 400, "requests: 9 requests; at most 8")
        let oneBad = "{\"requests\": [\(good.json), {\"history\": \(good.history), \"candidates\": [424242]}]}"
        try await expectError("/v1/rank/batch", oneBad, status: 400, "requests[1].candidates: unknown item ids 424242")
        try await expectError("/v1/rank/batch", "{\"requests\": [{\"history\": [1], \"candidates\": \"x\"}]}", status: 400,
                              "requests[0].candidates: expected an array")
    }

    func testUnknownRoutesAndMethodsGetJSONErrors() async throws {
        try await expectError("/v2/rank", good.json, status: 404, "no route for POST /v2/rank")
        try await expectError("/v1/rank", "", status: 404, "no route for GET /v1/rank", method: "GET")
    }

    func testTheServerKeepsServingAfterBadRequests() async throws {
        let before = try await server.post("/v1/rank", json: good.json)
        for body in ["{", "{\"history\": 1}", String(repeating: "[", count: 10_000), "{\"history\": [1], \"candidates\": [1, 1]}"] {
            let (status, _) = try await server.post("/v1/rank", json: body)
            XCTAssertTrue((400..<500).contains(status), "\(status) for \(body.prefix(40))")
        }
        let after = try await server.post("/v1/rank", json: good.json)
        XCTAssertEqual(after.status, 200)
        XCTAssertEqual(try RankResponse.decode(after.body), try RankResponse.decode(before.body))
    }
}
