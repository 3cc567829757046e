import AdaLayers
import Foundation
import ReferenceParity
import SeqModels
import TestSupport
import XCTest

/// The parity acceptance check across packages (see `Tests/Fixtures/README.md`): every reference fixture — seven encoders,
/// Base and Ada-Ranker — built from its `config.json` by the AdaLayers factory, and reference Base
/// checkpoints loading into the Ada-Ranker of the same encoder (two-stage training).
final class ParityEndToEndTests: XCTestCase {
    /// `Tests/Fixtures/parity` (or `$ADARANKER_FIXTURES/parity`).
    private func parityDirectory() throws -> URL {
        try TestFixtures.parityDirectory()
    }

    /// All fourteen fixtures pass, with their worst errors printed like the `parity` tool does.
    func testEveryReferenceFixtureMatches() throws {
        let outcomes = try ParityCheck.runAll(directory: parityDirectory(), makeModel: { try makeRankingModel(config: $0) })
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
