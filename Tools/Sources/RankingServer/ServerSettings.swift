/// What `train serve` listens on and the limits it enforces (each a `train serve` option).
public struct ServerSettings: Sendable {
    /// Address to bind (a loopback address by default; the server has no authentication).
    public var host = "127.0.0.1"
    /// Port to bind; 0 picks a free port (reported through `onListening`).
    public var port = 8080
    /// Largest number of rows in one forward pass. Under many concurrent clients full passes of 32
    /// rows amortise the serial model thread better than passes of 8 (README § Serving); passes
    /// above `singleThreadedScoringRows` (8) rows spread their rows over the BLAS threads.
    public var maxBatch = 32
    /// How long the first waiting row may wait for others to join its forward pass, in µs.
    public var maxWaitMicroseconds = 200
    /// Most candidates one request may list.
    public var maxCandidates = 1000
    /// Most requests one `/v1/rank/batch` call may hold.
    public var maxBatchRequests = 256
    /// Largest accepted request body; larger bodies get 413.
    public var maxBodyBytes = 1 << 20

    public init() {}
}
