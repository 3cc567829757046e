import ArgumentParser
import Foundation
import RankingServer
import SeqModels
import Trainer

struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve a checkpoint over HTTP: POST /v1/rank scores a user's candidates.",
        discussion: """
            Loads the checkpoint as `train evaluate` does and answers JSON requests with raw
            (original) ids, mapped through the data folder's id tables:
              POST /v1/rank        {"history":[…],"candidates":[…],"user_id":…}
              POST /v1/rank/batch  {"requests":[…]}
              GET  /health, /metrics (Prometheus), /openapi.yaml (the API)
            Concurrent requests share forward passes (--max-batch, --max-wait-us).
            SIGTERM or Ctrl-C finishes the requests in flight, then exits 0.

            Example:
              train serve --checkpoint runs/demo/GRU4Rec-Ada-Ranker/best.safetensors \\
                  --data runs/demo/data --port 8080
            """)

    @Option(help: ArgumentHelp("A checkpoint from `train fit` (with its .json sidecar) or a bare safetensors state dict (then give --model and --mode).", valueName: "file"))
    var checkpoint: String

    @Option(help: ArgumentHelp("The prepared data folder the checkpoint was trained on (its id tables map raw ids).", valueName: "dir"))
    var data: String

    @Option(help: "Model of a checkpoint without sidecar (checked against the sidecar otherwise).")
    var model: ModelName?

    @Option(help: "base or ada, for a checkpoint without sidecar.")
    var mode: TrainMode?

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on (0: any free port, printed at start).")
    var port = 8080

    @Option(help: "Most rows in one forward pass (above 8, the pass spreads its rows over the BLAS threads).")
    var maxBatch = 32

    @Option(name: .customLong("max-wait-us"), help: "How long a request may wait for others to share its forward pass, in microseconds.")
    var maxWaitMicroseconds = 200

    @Option(help: "Most candidates in one request.")
    var maxCandidates = 1000

    @Option(help: "Most requests in one /v1/rank/batch call.")
    var maxBatchRequests = 256

    @Option(help: "Largest request body in bytes (larger: 413).")
    var maxBodyBytes = 1 << 20

    @OptionGroup var location: ConfigLocation

    @Argument(parsing: .allUnrecognized, help: ArgumentHelp("Configuration overrides.", valueName: "--key=value"))
    var overrides: [String] = []

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port \(port): expected 0…65535") }
        guard maxBatch >= 1, maxCandidates >= 1, maxBatchRequests >= 1, maxBodyBytes >= 1 else {
            throw ValidationError("--max-batch, --max-candidates, --max-batch-requests and --max-body-bytes must be at least 1")
        }
        guard maxWaitMicroseconds >= 0 else { throw ValidationError("--max-wait-us \(maxWaitMicroseconds): expected ≥ 0") }
    }

    func run() throws {
        let request = CheckpointRequest(checkpoint: checkpoint, dataFolder: data, model: model, mode: mode?.fitMode,
                                        overrides: try configurationOverrides(overrides),
                                        configDirectory: try location.directory(), showProgress: false)
        var settings = ServerSettings()
        (settings.host, settings.port, settings.maxBatch, settings.maxWaitMicroseconds) = (host, port, maxBatch, maxWaitMicroseconds)
        (settings.maxCandidates, settings.maxBatchRequests, settings.maxBodyBytes) = (maxCandidates, maxBatchRequests, maxBodyBytes)
        let host = self.host
        let server = RankingServer(settings: settings, handlesSignals: true, load: { try ServedModel.load(request) },
                                   onListening: { port in printOut("listening on http://\(host):\(port)") })
        try ServeCommand.block { try await server.run() }
    }

    /// Runs `work` to completion from this synchronous command.
    static func block(_ work: @escaping @Sendable () async throws -> Void) throws {
        let done = DispatchSemaphore(value: 0)
        let outcome = Outcome()
        Task {
            do { try await work() } catch { outcome.error = error }
            done.signal()
        }
        done.wait()
        if let error = outcome.error { throw error }
    }

    private final class Outcome: @unchecked Sendable { var error: (any Error)? }
}
