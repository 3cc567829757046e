import AdaLayers
import Foundation
import ReferenceParity
import SeqModels
import XCTest

/// The parity acceptance check across packages (SPEC §7): every reference fixture — seven encoders,
/// Base and Ada-Ranker — built from its `config.json` by the AdaLayers factory, and reference Base
/// checkpoints loading into the Ada-Ranker of the same encoder (two-stage training).
final class ParityEndToEndTests: XCTestCase {
    /// `$ADARANKER_FIXTURES/parity`, else `<repo root>/../shared/fixtures/parity`; skips when absent
    /// (fails under `CI=true`).
    private func parityDirectory() throws -> URL {
        let environment = ProcessInfo.processInfo.environment
        let fixtures: URL
        if let path = environment["ADARANKER_FIXTURES"], !path.isEmpty {
            fixtures = URL(fileURLWithPath: path)
        } else {
            fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
                .appendingPathComponent("../../../../shared/fixtures").standardizedFileURL
        }
        let directory = fixtures.appendingPathComponent("parity")
        guard FileManager.default.fileExists(atPath: directory.path) else {
            let message = "parity fixtures not found at \(directory.path); set ADARANKER_FIXTURES to the folder holding parity/"
            if environment["CI"] == "true" { throw MissingData(message: message) }
            throw XCTSkip(message)
        }
        return directory
    }

    /// All fourteen fixtures pass, with their worst errors printed like the `parity` tool does.
    func testEveryReferenceFixtureMatches() throws {
        let outcomes = try ParityCheck.runAll(directory: parityDirectory())
        XCTAssertEqual(outcomes.count, 2 * ModelName.allCases.count)
        let width = outcomes.map(\.fixture.count).max() ?? 0
        for outcome in outcomes {
            print(outcome.summaryLine(nameWidth: width))
            XCTAssertTrue(outcome.passed, outcome.summaryLine())
        }
    }

    /// A reference Base checkpoint of each encoder loads strictly into the Base part of the
    /// Ada-Ranker built from the Ada fixture's config, and freezing then leaves only the adaptation
    /// layers trainable.
    func testReferenceBaseCheckpointsLoadIntoAdaRanker() throws {
        let directory = try parityDirectory()
        for model in ModelName.allCases {
            let adaFolder = directory.appendingPathComponent("\(model.rawValue)-Ada-Ranker")
            let config = try ModelConfig(contentsOf: adaFolder.appendingPathComponent("config.json"))
            guard let ada = try makeRankingModel(config: config) as? AdaRanker else {
                return XCTFail("\(model): the Ada-Ranker config did not build an AdaRanker")
            }
            let basePath = directory.appendingPathComponent("\(model.rawValue)-Base/model.safetensors").path
            XCTAssertNoThrow(try ada.base.load(from: basePath, strict: true), "\(model)")
            ada.freezeBaseParameters()
            let trainable = ada.namedParameters().filter { $0.1.requiresGrad }.map(\.0)
            XCTAssertTrue(trainable.allSatisfy {
                $0.hasPrefix("extract_distribution_layer.") || $0.hasPrefix("film_affine_emb_") || $0.hasPrefix("mem_")
            }, "\(model): \(trainable)")
            XCTAssertEqual(trainable.count, 22, "\(model)")
        }
    }
}
