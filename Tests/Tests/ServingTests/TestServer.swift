import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import RankingServer
import XCTest

/// A `RankingServer` on an ephemeral loopback port for one test, and a small HTTP client for it.
final class TestServer: @unchecked Sendable {
    let server: RankingServer
    let port: Int
    private let finished = DispatchSemaphore(value: 0)
    private let outcome = Outcome()
    private let session: URLSession

    private final class Outcome: @unchecked Sendable { var error: (any Error)? }

    /// Starts the server and waits until it listens (not until the model is loaded).
    init(settings: ServerSettings = TestServer.settings, handlesSignals: Bool = false,
         load: @escaping @Sendable () throws -> ServedModel) throws {
        var settings = settings
        settings.host = "127.0.0.1"
        settings.port = 0
        let listening = DispatchSemaphore(value: 0)
        let portBox = PortBox()
        server = RankingServer(settings: settings, handlesSignals: handlesSignals, load: load,
                               onListening: { portBox.value = $0; listening.signal() })
        let server = self.server, finished = self.finished, outcome = self.outcome
        Task {
            do { try await server.run() } catch { outcome.error = error }
            finished.signal()
            listening.signal()
        }
        guard listening.wait(timeout: .now() + 60) == .success, portBox.value > 0 else {
            throw TestServerError("the test server did not start listening: \(String(describing: outcome.error))")
        }
        port = portBox.value
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 60
        session = URLSession(configuration: configuration)
    }

    private final class PortBox: @unchecked Sendable { var value = 0 }

    /// Limits small enough to test cheaply.
    static var settings: ServerSettings {
        var settings = ServerSettings()
        settings.maxCandidates = 50
        settings.maxBatchRequests = 8
        settings.maxBodyBytes = 16 * 1024
        settings.maxBatch = 16
        settings.maxWaitMicroseconds = 500
        return settings
    }

    /// Status and body of one request.
    func send(_ method: String, _ path: String, body: Data? = nil) async throws -> (status: Int, body: Data) {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.httpMethod = method
        if let body {
            request.httpBody = body
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await session.data(for: request)
        return ((response as! HTTPURLResponse).statusCode, data)
    }

    func post(_ path: String, json: String) async throws -> (status: Int, body: Data) {
        try await send("POST", path, body: Data(json.utf8))
    }

    /// Polls `/health` until it answers 200 (the model is loaded).
    func waitUntilReady(file: StaticString = #filePath, line: UInt = #line) async throws {
        for _ in 0..<600 {
            if try await send("GET", "/health").status == 200 { return }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        XCTFail("the server never became ready", file: file, line: line)
    }

    /// Shuts down gracefully and waits for `run()` to return; rethrows its error.
    func stop() async throws {
        await server.shutdown()
        try await waitForExit()
    }

    /// Waits for `run()` to return (after a shutdown or a signal); rethrows its error.
    func waitForExit(seconds: Double = 60) async throws {
        let finished = self.finished
        let ended = await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: finished.wait(timeout: .now() + seconds) == .success) }.start()
        }
        session.invalidateAndCancel()
        guard ended else { throw TestServerError("the server did not stop within \(seconds) s") }
        if let error = outcome.error { throw error }
    }
}

struct TestServerError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
