import Foundation
import Hummingbird
import Tensor

/// The HTTP API (documented in `openapi.yaml`, served at `GET /openapi.yaml`).
struct Routes: Sendable {
    let state: ServingState
    let metrics: ServingMetrics
    let settings: ServerSettings

    func register(on router: Router<BasicRequestContext>) {
        router.post("/v1/rank") { request, _ in try await rank(request) }
        router.post("/v1/rank/batch") { request, _ in try await rankBatch(request) }
        router.get("/health") { _, _ in health() }
        router.get("/metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(string: metrics.text())))
        }
        router.get("/openapi.yaml") { _, _ in try openAPI() }
    }

    /// `POST /v1/rank`: one request → `{"scores":[…],"order":[…]}`.
    func rank(_ request: Request) async throws -> Response {
        let (scorer, validation) = try state.ready()
        let scores = try await scorer.score(preparing: {
            let parsed = try RequestDecoding.decode(RankRequest.self, from: try await body(of: request))
            return [try validation.scoringRow(parsed)]
        })
        var text = ""
        JSONText.ranking(try Self.result(scores[0], field: ""), into: &text)
        return Self.json(text + "\n")
    }

    /// `POST /v1/rank/batch`: `{"requests":[…]}` → `{"results":[…]}` in the same order. The whole
    /// call is refused (naming the first bad request) if any request is invalid.
    func rankBatch(_ request: Request) async throws -> Response {
        let (scorer, validation) = try state.ready()
        let scores = try await scorer.score(preparing: {
            let parsed = try RequestDecoding.decode(RankBatchRequest.self, from: try await body(of: request))
            guard !parsed.requests.isEmpty else { throw APIError.badRequest("requests: expected at least one request") }
            guard parsed.requests.count <= settings.maxBatchRequests else {
                throw APIError.badRequest("requests: \(parsed.requests.count) requests; at most \(settings.maxBatchRequests) are allowed (--max-batch-requests)")
            }
            return try parsed.requests.enumerated().map { try validation.scoringRow($1, field: "requests[\($0)].") }
        })
        var text = "{\"results\":["
        for (index, row) in scores.enumerated() {
            if index > 0 { text += "," }
            JSONText.ranking(try Self.result(row, field: "requests[\(index)]."), into: &text)
        }
        return Self.json(text + "]}\n")
    }

    /// `GET /health`: 200 once the model is loaded, 503 while loading or shutting down.
    func health() -> Response {
        switch state.current {
        case .ready(_, _, let model):
            return Self.json("{\"status\":\"ready\",\"model\":\(jsonStringLiteral(model.description)),\"max_seq_len\":\(model.maxSeqLen)}\n")
        case .loading:
            return Self.json("{\"status\":\"loading\"}\n", status: .serviceUnavailable)
        case .draining:
            return Self.json("{\"status\":\"draining\"}\n", status: .serviceUnavailable)
        }
    }

    func openAPI() throws -> Response {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "yaml"),
              let text = try? String(contentsOf: url, encoding: .utf8) else {
            throw APIError(.internalServerError, "openapi.yaml is missing from the server's resources")
        }
        return Response(status: .ok, headers: [.contentType: "application/yaml"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// The request body, at most `maxBodyBytes` (413 beyond, judged by Content-Length when given).
    private func body(of request: Request) async throws -> Data {
        let tooLarge = APIError(.contentTooLarge, "request body over \(settings.maxBodyBytes) bytes (--max-body-bytes)")
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > settings.maxBodyBytes { throw tooLarge }
        do {
            let buffer = try await request.body.collect(upTo: settings.maxBodyBytes)
            return Data(buffer.readableBytesView)
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            throw tooLarge
        }
    }

    /// Scores with their order; a non-finite score (a damaged checkpoint) is a 500, never sent as JSON.
    static func result(_ scores: [Float], field: String) throws -> RankResult {
        if let index = scores.firstIndex(where: { !$0.isFinite }) {
            throw APIError(.internalServerError, "\(field)candidates[\(index)]: the model produced a non-finite score (\(scores[index]))")
        }
        return RankResult(scores: scores)
    }

    static func json(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
