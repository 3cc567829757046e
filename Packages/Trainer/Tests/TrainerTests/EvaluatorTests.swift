import DataPipeline
import SeqModels
import Tensor
import XCTest
@testable import Trainer

/// Evaluation refuses what would give meaningless metrics: an empty split, and a model whose
/// scores are NaN (which plain IEEE comparisons would rank as perfect).
final class EvaluatorTests: XCTestCase {
    private func model() throws -> any RankingModel {
        let values: [String: ConfigValue] = [
            "model": .string("GRU4Rec"), "train_type": .string("Base"), "embedding_size": .int(8),
            "hidden_size": .int(16), "MAX_SEQ_LEN": .int(6), "item_num": .int(30), "user_num": .int(10),
            "seed": .int(5),
        ]
        return try ModelFactory.makeModel(Configuration(layers: [ConfigLayer(source: "test", values: values)]))
    }

    /// Three rows of three-item histories with 19 negatives each.
    private func split() -> Split {
        Split(userIds: [1, 2, 3], itemIds: [4, 5, 6], cateIds: [1, 1, 1],
              historyStarts: [0, 3, 6], historyLengths: [3, 3, 3], historyItems: (1...9).map(Int32.init),
              negativesPerRow: 19, negatives: (0..<57).map { Int32(10 + $0 % 19) })
    }

    private func evaluator(_ model: any RankingModel) -> Evaluator {
        Evaluator(model: model, batchSize: 2, maxSeqLen: 6, showProgress: false)
    }

    func testFiniteScoresGiveMetricsOverAllRows() throws {
        let metrics = try evaluator(model()).metrics(of: split(), name: "valid", title: "valid")
        XCTAssertEqual(metrics.rowCount, 3)
        XCTAssertEqual(metrics.invalidRowCount, 0)
        XCTAssertTrue(metrics.groupAUC.isFinite)
    }

    func testNaNWeightsAreAnErrorNotAPerfectScore() throws {
        let model = try model()
        let (name, weight) = try XCTUnwrap(model.namedParameters().first { $0.0.hasPrefix("mlp_layers") })
        weight.value = Tensor(shape: weight.value.shape, scalars: [Float](repeating: .nan, count: weight.value.count))
        XCTAssertThrowsError(try evaluator(model).metrics(of: split(), name: "test", title: "test"), name) { error in
            XCTAssertEqual(error as? TrainerError, .nonFiniteScores(split: "test", rows: 3, of: 3))
            XCTAssertTrue("\(error)".contains("NaN or infinite scores on 3 of 3 test rows"), "\(error)")
        }
    }

    func testAnEmptySplitIsAnError() throws {
        XCTAssertThrowsError(try evaluator(model()).metrics(of: Split(negativesPerRow: 19), name: "valid", title: "valid")) { error in
            XCTAssertEqual(error as? TrainerError, .emptySplit("valid"))
        }
    }
}
