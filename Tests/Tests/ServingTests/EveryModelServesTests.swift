import Foundation
import RankingServer
import SeqModels
import Trainer
import XCTest

/// `train serve` loads a checkpoint of every encoder, Base and Ada-Ranker, and `POST /v1/rank` gives
/// exactly the scores `train infer` writes for the same test rows.
final class EveryModelServesTests: XCTestCase {
    func testEveryModelAndModeServesItsInferScores() async throws {
        let fixture = try ServingFixture.shared
        for model in ModelName.allCases {
            for mode in [FitRequest.Mode.base, .ada] {
                let name = "\(model.rawValue)-\(mode.trainType)"
                let report = try FitWorkflow.run(FitRequest(model: model, mode: mode, dataFolder: fixture.data,
                                                            outputFolder: fixture.root.appendingPathComponent("every-\(name)").path,
                                                            configDirectory: fixture.configs, console: false))
                let checkpoint = report.folder.appendingPathComponent("best.safetensors").path
                let (requests, expected) = try fixture.inferredTestRows(3, checkpoint: checkpoint)
                let server = try TestServer { try ServedModel.load(fixture.request(checkpoint: checkpoint)) }
                try await server.waitUntilReady()
                for (index, request) in requests.enumerated() {
                    let (status, body) = try await server.post("/v1/rank", json: request.json)
                    XCTAssertEqual(status, 200, "\(name): \(String(decoding: body, as: UTF8.self))")
                    if status == 200 { assertScoresMatch([try RankResponse.decode(body).scores], [expected[index]], "\(name) row \(index)") }
                }
                try await server.stop()
            }
        }
    }
}
