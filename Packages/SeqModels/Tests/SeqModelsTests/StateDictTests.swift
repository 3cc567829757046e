import Autograd
import Foundation
import SeqModels
import SeqModelsTestSupport
import Tensor
import TestSupport
import XCTest

final class StateDictTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws {
        folder = try makeTemporaryDirectory(self, prefix: "seqmodels-tests")
    }

    func testRoundTripThroughSafetensors() throws {
        for model in ModelName.allCases {
            let config = TinyRankers.config(model)
            let trained = try Ranker(config: config)
            let path = folder.appendingPathComponent("\(model.rawValue).safetensors").path
            try trained.save(to: path)

            var otherConfig = config
            otherConfig.seed = 99
            let restored = try Ranker(config: otherConfig)
            XCTAssertNotEqual(restored.stateDict(), trained.stateDict())
            try restored.load(from: path)
            XCTAssertEqual(restored.stateDict(), trained.stateDict(), "\(model)")
            let batch = TinyRankers.batch()
            XCTAssertEqual(restored.scores(batch), trained.scores(batch), "\(model)")
        }
    }

    func testMismatchNamesTheParameterAndBothShapesAndLeavesTheModelUnchanged() throws {
        let small = try Ranker(config: TinyRankers.config(.gru4Rec, embeddingSize: 8))
        let wide = try Ranker(config: TinyRankers.config(.gru4Rec, embeddingSize: 12))
        let path = folder.appendingPathComponent("wide.safetensors").path
        try wide.save(to: path)
        let before = small.stateDict()
        XCTAssertThrowsError(try small.load(from: path)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains(path), text)
            XCTAssertTrue(text.contains("'user_embedding.weight' has shape [6, 12] in the state dict but the model expects [6, 8]"), text)
        }
        XCTAssertEqual(small.stateDict(), before)
    }

    func testStrictLoadReportsMissingAndUnexpectedNames() throws {
        let ranker = try Ranker(config: TinyRankers.config(.mf))
        var values = ranker.stateDict()
        values["extra.weight"] = Tensor.zeros([1])
        XCTAssertThrowsError(try ranker.loadCheckedStateDict(values)) { error in
            XCTAssertTrue("\(error)".contains("'extra.weight'"), "\(error)")
        }
        XCTAssertNoThrow(try ranker.loadCheckedStateDict(values, strict: false))
        values["extra.weight"] = nil
        values["mlp_layers.3.bias"] = nil
        XCTAssertThrowsError(try ranker.loadCheckedStateDict(values)) { error in
            XCTAssertTrue("\(error)".contains("'mlp_layers.3.bias' is missing"), "\(error)")
        }
    }
}

final class PretrainedEmbeddingTests: XCTestCase {
    func testPretrainedVectorsFillRowsOneOnwardsAndRowZeroTrains() throws {
        var config = TinyRankers.config(.gru4Rec)
        config.usePreItemEmb = true
        let ranker = try Ranker(config: config)
        var rng = SeededGenerator(seed: 2)
        let vectors = Tensor.normal([TinyRankers.itemCount - 1, 8], using: &rng)
        try ranker.loadPretrainedItemEmbeddings(vectors)
        let table = ranker.itemEmbedding.weight.value
        XCTAssertEqual(Array(table.scalars[0..<8]), [Float](repeating: 0, count: 8))
        XCTAssertEqual(Array(table.scalars[8...]), vectors.scalars)
        XCTAssertNil(ranker.itemEmbedding.paddingIndex)
        XCTAssertThrowsError(try ranker.loadPretrainedItemEmbeddings(Tensor.zeros([TinyRankers.itemCount, 8]))) { error in
            XCTAssertTrue("\(error)".contains("[14, 8]"), "\(error)")
        }
    }
}
