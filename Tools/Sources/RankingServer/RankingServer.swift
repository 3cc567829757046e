import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import UnixSignals

/// The HTTP scoring service behind `train serve`, on Hummingbird 2.
///
/// Starts listening at once and loads the model beside it: `GET /health` answers 503 until the
/// model is ready, then 200. On graceful shutdown (SIGTERM or SIGINT when `handlesSignals`, or
/// `shutdown()`), the server stops accepting connections, finishes the requests in flight (their
/// forward passes included), then stops the model thread, and `run` returns normally.
public final class RankingServer: Sendable {
    private let group: ServiceGroup

    /// - Parameters:
    ///   - load: builds the model (called once, off the server's threads; its error ends `run`).
    ///   - handlesSignals: whether SIGTERM and SIGINT start a graceful shutdown (instead of ending
    ///     the process).
    ///   - onListening: called with the bound port once the socket listens (useful with port 0).
    public init(settings: ServerSettings, handlesSignals: Bool = false, logger: Logger = Logger(label: "ranker"),
                load: @escaping @Sendable () throws -> ServedModel, onListening: @escaping @Sendable (Int) -> Void = { _ in }) {
        let state = ServingState()
        let metrics = ServingMetrics()
        let router = Router()
        router.add(middleware: ServingMiddleware(metrics: metrics))
        Routes(state: state, metrics: metrics, settings: settings).register(on: router)
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: "ada-ranker"),
            onServerRunning: { channel in onListening(channel.localAddress?.port ?? settings.port) },
            logger: logger)
        let model = ModelService(state: state, metrics: metrics, settings: settings, load: load, logger: logger)
        // Services stop in reverse order: the HTTP server drains first, then the model thread.
        group = ServiceGroup(configuration: .init(services: [model, app], gracefulShutdownSignals: handlesSignals ? [.sigterm, .sigint] : [], logger: logger))
    }

    /// Serves until a graceful shutdown completes. Throws when the model cannot be loaded or the
    /// address cannot be bound.
    public func run() async throws {
        try await group.run()
    }

    /// Starts a graceful shutdown (as SIGTERM does).
    public func shutdown() async {
        await group.triggerGracefulShutdown()
    }
}

/// Loads the model, runs the batching scorer while the server runs, and drains it at shutdown.
private struct ModelService: Service {
    let state: ServingState
    let metrics: ServingMetrics
    let settings: ServerSettings
    let load: @Sendable () throws -> ServedModel
    let logger: Logger

    func run() async throws {
        let began = Date()
        let model = try await Self.onOwnThread(load)
        let metrics = self.metrics
        let scorer = BatchingScorer(maxBatch: settings.maxBatch, maxWaitMicroseconds: settings.maxWaitMicroseconds,
                                    forward: model.forward, onPass: { metrics.forwardPass(rows: $0, seconds: $1) })
        state.set(.ready(scorer: scorer, validation: RequestValidation(tables: model.tables, maxCandidates: settings.maxCandidates),
                         model: model))
        logger.info("ready: \(model.description), MAX_SEQ_LEN \(model.maxSeqLen), loaded in \(String(format: "%.2f", Date().timeIntervalSince(began))) s\(model.tables.hasTables ? "" : "; the data has no id tables, so raw ids are the model's ids")")
        try? await gracefulShutdown()
        state.set(.draining)
        await Self.onOwnThread { scorer.drainAndStop() }
        logger.info("model thread stopped")
    }

    /// Runs blocking work on a new thread so the concurrency pool stays free for requests.
    static func onOwnThread<T>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try work() }) }.start()
        }
    }

    static func onOwnThread(_ work: @escaping @Sendable () -> Void) async {
        await withCheckedContinuation { continuation in
            Thread { work(); continuation.resume() }.start()
        }
    }
}
