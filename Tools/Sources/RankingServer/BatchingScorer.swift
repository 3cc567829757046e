import Foundation
import Trainer

/// Gathers concurrent scoring jobs into shared forward passes on one dedicated model thread.
///
/// A job is the rows of one HTTP request (one row for `/v1/rank`, several for `/v1/rank/batch`).
/// The thread sleeps until a job arrives. It then waits for more rows only while other requests
/// are on their way (being read, decoded and checked: see `score(preparing:)`), for at most
/// `maxWait` and until `maxBatch` rows are pending, so a lone request is never held back. It takes
/// whole jobs in arrival order while they fit in `maxBatch` rows (always at least one job), and
/// scores them. Rows with the same candidate count C
/// share one forward pass `[B, C]` (B ≤ `maxBatch`; a larger job is cut into passes of `maxBatch`);
/// lists of different lengths go in separate passes, since a pass needs one C.
///
/// The model only ever runs on this thread, which is what `RankingModel.scores` requires.
public final class BatchingScorer: @unchecked Sendable {
    /// Scores rows that share one C in one forward pass (e.g. `CheckpointWorkflow.Loaded.scores`).
    public typealias ForwardPass = ([ScoringRow]) -> [[Float]]

    private final class Job {
        let rows: [ScoringRow]
        let continuation: CheckedContinuation<[[Float]], Never>
        init(rows: [ScoringRow], continuation: CheckedContinuation<[[Float]], Never>) {
            self.rows = rows
            self.continuation = continuation
        }
    }

    public let maxBatch: Int
    public let maxWait: TimeInterval
    private let forward: ForwardPass
    private let onPass: @Sendable (_ rows: Int, _ seconds: Double) -> Void
    private let condition = NSCondition()
    private var queue: [Job] = []
    private var pendingRows = 0
    /// Requests that announced a job and are still preparing it.
    private var arriving = 0
    private var stopping = false
    private let finished = DispatchSemaphore(value: 0)

    /// - Parameters:
    ///   - maxBatch: largest number of rows in one forward pass (≥ 1).
    ///   - maxWaitMicroseconds: how long the first pending row may wait for others (≥ 0).
    ///   - onPass: called after each forward pass with its row count and duration (for metrics).
    public init(maxBatch: Int, maxWaitMicroseconds: Int, forward: @escaping ForwardPass,
                onPass: @escaping @Sendable (_ rows: Int, _ seconds: Double) -> Void = { _, _ in }) {
        precondition(maxBatch >= 1 && maxWaitMicroseconds >= 0)
        self.maxBatch = maxBatch
        self.maxWait = TimeInterval(maxWaitMicroseconds) / 1_000_000
        self.forward = forward
        self.onPass = onPass
        let thread = Thread { [self] in run() }
        thread.name = "ranker-model"
        thread.start()
    }

    /// The scores of `rows` (`result[i][c]` for `rows[i].candidates[c]`), computed with whatever
    /// other rows are pending. Empty for no rows.
    /// - Throws: a 503 `APIError` once `drainAndStop()` has been called.
    public func score(_ rows: [ScoringRow]) async throws -> [[Float]] {
        try await score(preparing: { rows })
    }

    /// Announces a job, runs `prepare` to build its rows (reading and checking a request), then
    /// scores them like `score(_:)`. While `prepare` runs, a pending forward pass waits for this
    /// job (up to `maxWait`); if `prepare` throws, the announcement is withdrawn and the error
    /// rethrown.
    public func score(preparing prepare: () async throws -> [ScoringRow]) async throws -> [[Float]] {
        condition.withLock { arriving += 1 }
        let rows: [ScoringRow]
        do {
            rows = try await prepare()
        } catch {
            condition.withLock { arriving -= 1; condition.signal() }
            throw error
        }
        var refused = false
        let scores: [[Float]] = await withCheckedContinuation { continuation in
            condition.lock()
            defer { condition.unlock() }
            arriving -= 1
            condition.signal()
            guard !stopping else {
                refused = true
                return continuation.resume(returning: [])
            }
            guard !rows.isEmpty else { return continuation.resume(returning: []) }
            queue.append(Job(rows: rows, continuation: continuation))
            pendingRows += rows.count
        }
        if refused { throw APIError(.serviceUnavailable, "the server is shutting down") }
        return scores
    }

    /// Scores every job already queued, then ends the model thread; returns when it has ended.
    /// Later `score` calls are refused.
    public func drainAndStop() {
        condition.lock()
        stopping = true
        condition.signal()
        condition.unlock()
        finished.wait()
    }

    private func run() {
        while let jobs = nextJobs() { process(jobs) }
        finished.signal()
    }

    /// Blocks until jobs are pending, lets the batch fill while requests are arriving (for up to
    /// `maxWait`), and takes it;
    /// `nil` once stopping with nothing left.
    private func nextJobs() -> [Job]? {
        condition.lock()
        defer { condition.unlock() }
        while queue.isEmpty && !stopping { condition.wait() }
        if queue.isEmpty { return nil }
        let deadline = Date(timeIntervalSinceNow: maxWait)
        while pendingRows < maxBatch && arriving > 0 && !stopping && condition.wait(until: deadline) {}
        var taken = 1, rows = queue[0].rows.count
        while taken < queue.count && rows + queue[taken].rows.count <= maxBatch {
            rows += queue[taken].rows.count
            taken += 1
        }
        let jobs = Array(queue.prefix(taken))
        queue.removeFirst(taken)
        pendingRows -= rows
        return jobs
    }

    /// Scores the jobs' rows grouped by candidate count and answers each job.
    private func process(_ jobs: [Job]) {
        let rows = jobs.flatMap(\.rows)
        var results = [[Float]](repeating: [], count: rows.count)
        var groups: [Int: [Int]] = [:]
        for (index, row) in rows.enumerated() { groups[row.candidates.count, default: []].append(index) }
        for width in groups.keys.sorted() {
            let members = groups[width]!
            for start in stride(from: 0, to: members.count, by: maxBatch) {
                let chunk = Array(members[start ..< min(start + maxBatch, members.count)])
                let began = DispatchTime.now().uptimeNanoseconds
                let scores = forward(chunk.map { rows[$0] })
                onPass(chunk.count, Double(DispatchTime.now().uptimeNanoseconds - began) / 1e9)
                for (index, score) in zip(chunk, scores) { results[index] = score }
            }
        }
        var offset = 0
        for job in jobs {
            job.continuation.resume(returning: Array(results[offset ..< offset + job.rows.count]))
            offset += job.rows.count
        }
    }
}
