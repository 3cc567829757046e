import CoreMetrics
import Prometheus

/// The server's metrics, kept in its own Prometheus registry (no process-wide bootstrap, so several
/// servers can live in one process, as in the tests) and written by `GET /metrics`:
///
/// - `ranker_requests_total{endpoint,status}`: answered requests;
/// - `ranker_errors_total{endpoint,status}`: the answers with status ≥ 400;
/// - `ranker_request_duration_seconds{endpoint}`: histogram of time from the request's arrival at
///   the handler to its response (body reading, JSON, queueing and model);
/// - `ranker_batch_rows`: histogram of rows per forward pass (how well batching gathers requests);
/// - `ranker_forward_duration_seconds`: histogram of the model's time per forward pass.
public final class ServingMetrics: Sendable {
    /// The endpoints that get their own label; anything else is counted as `other`.
    static let endpoints: [String: String] = ["/v1/rank": "rank", "/v1/rank/batch": "rank_batch", "/health": "health",
                                              "/metrics": "metrics", "/openapi.yaml": "openapi"]

    private let registry = PrometheusCollectorRegistry()
    private let factory: PrometheusMetricsFactory
    private let batchRows: Recorder
    private let forwardDuration: CoreMetrics.Timer

    public init() {
        var factory = PrometheusMetricsFactory(registry: registry)
        let latencyBuckets: [Duration] = [50, 100, 250, 500, 1000, 2500, 5000, 10_000, 25_000, 100_000, 1_000_000].map { .microseconds($0) }
        factory.durationHistogramBuckets = ["ranker_request_duration_seconds": latencyBuckets, "ranker_forward_duration_seconds": latencyBuckets]
        factory.valueHistogramBuckets = ["ranker_batch_rows": [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024]]
        self.factory = factory
        batchRows = Recorder(label: "ranker_batch_rows", dimensions: [], aggregate: true, factory: factory)
        forwardDuration = CoreMetrics.Timer(label: "ranker_forward_duration_seconds", dimensions: [], factory: factory)
    }

    /// The `endpoint` label of a request path.
    static func endpoint(ofPath path: String) -> String { endpoints[path] ?? "other" }

    /// Records one answered request.
    func requestFinished(endpoint: String, status: Int, nanoseconds: Int64) {
        let labels = [("endpoint", endpoint), ("status", String(status))]
        Counter(label: "ranker_requests_total", dimensions: labels, factory: factory).increment()
        if status >= 400 { Counter(label: "ranker_errors_total", dimensions: labels, factory: factory).increment() }
        CoreMetrics.Timer(label: "ranker_request_duration_seconds", dimensions: [("endpoint", endpoint)], factory: factory)
            .recordNanoseconds(nanoseconds)
    }

    /// Records one forward pass of `rows` rows that took `seconds`.
    func forwardPass(rows: Int, seconds: Double) {
        batchRows.record(rows)
        forwardDuration.recordNanoseconds(Int64(seconds * 1e9))
    }

    /// Every metric in the Prometheus text exposition format.
    public func text() -> String { registry.emitToString() }
}
