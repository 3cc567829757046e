import TestSupport
@testable import AdaLayers
import Autograd
import Foundation
import ReferenceParity
import SeqModels
import Tensor
import XCTest

/// `ParityCheck` is not tied to the shipped fixtures: folders in the same format with other sizes,
/// seeds and candidate counts are built from their `config.json` and checked. The fixtures here are
/// written from this project's own models (so they test the format handling, not the numerics,
/// which the reference fixtures test).
final class FixtureFormatTests: XCTestCase {
    /// Every encoder, Base and Ada-Ranker, at D = 8, L = 5, B = 3 and 7 candidates.
    func testFixturesOfOtherSizesPass() throws {
        let parent = try makeTemporaryDirectory(self)
        for model in ModelName.allCases {
            for trainType in TrainType.allCases {
                var config = TestSupport.config(model, embeddingSize: 8, maxSeqLen: 5, trainType: trainType)
                config.seed = 31
                config.negItemsNum = 6
                try writeFixture(config: config, batch: TestSupport.batch(rows: 3, length: 5, columns: 7, seed: 8),
                                 to: parent.appendingPathComponent("\(model.rawValue)-\(trainType.rawValue)"))
            }
        }
        let outcomes = try ParityCheck.runAll(directory: parent, makeModel: { try makeRankingModel(config: $0) })
        XCTAssertEqual(outcomes.count, 14)
        for outcome in outcomes {
            XCTAssertTrue(outcome.passed, outcome.summaryLine())
            if case .success(let result) = outcome.result {
                XCTAssertEqual(result.scores.entryCount, 21, outcome.fixture)
                XCTAssertGreaterThan(result.gradients.tensorCount, 3, outcome.fixture)
            }
        }
    }

    /// A fixture whose parameters differ from the ones its expectations were computed with fails.
    func testFixtureWithChangedParametersFails() throws {
        let folder = try makeTemporaryDirectory(self).appendingPathComponent("GRU4Rec-Ada-Ranker")
        let config = TestSupport.config(.gru4Rec)
        try writeFixture(config: config, batch: TestSupport.batch(), to: folder)
        let path = folder.appendingPathComponent("model.safetensors").path
        var entries = try SafeTensorsFile(contentsOf: path).entries
        guard case .float(let slots)? = entries["mem_w2.array"] else { return XCTFail("mem_w2.array missing") }
        entries["mem_w2.array"] = .float(slots * 1.5)
        try SafeTensors.write(entries, to: path)
        let result = try ParityCheck.run(fixtureDirectory: folder, makeModel: { try makeRankingModel(config: $0) })
        XCTAssertFalse(result.passed)
        XCTAssertFalse(result.scores.passed)
    }

    /// Writes the four files for `config` and `batch` (candidates `[item_id, neg_items…]`), with
    /// expectations from this project's model in evaluation mode.
    private func writeFixture(config: ModelConfig, batch: RankingBatch, to folder: URL) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var values = config.values
        values["batch_size"] = .int(batch.count)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let json = try encoder.encode(values)
        try json.write(to: folder.appendingPathComponent("config.json"))

        let model = try makeRankingModel(config: config)
        try model.save(to: folder.appendingPathComponent("model.safetensors").path)

        let (rows, columns) = (batch.candidates.shape[0], batch.candidates.shape[1])
        let candidates = batch.candidates.indices
        var tensors: [String: SafeTensorValue] = [
            "user_id": .index(batch.userIds),
            "item_id": .index(IndexTensor((0..<rows).map { candidates[$0 * columns] })),
            "neg_items": .index(IndexTensor(shape: [rows, columns - 1], indices: (0..<rows).flatMap {
                Array(candidates[($0 * columns + 1)..<(($0 + 1) * columns)])
            })),
            "item_seq": .index(batch.itemSeq),
            "item_seq_len": .index(batch.itemSeqLen),
        ]
        if config.model == .srgnn, let graph = batch.graph {
            tensors["uni_item_seq"] = .index(graph.uniqueItems)
            tensors["alias_item_seq"] = .index(graph.alias)
            tensors["A"] = .float(graph.adjacency)
        }
        try SafeTensors.write(tensors, to: folder.appendingPathComponent("batch.safetensors").path)

        model.eval()
        let probabilities = model.scoreCandidates(batch)
        let loss = Variable.binaryCrossEntropy(probabilities, targets: rankingLabels(shape: probabilities.shape))
        loss.backward()
        var expected: [String: SafeTensorValue] = [
            "scores": .float(probabilities.value), "loss": .float(loss.value.reshaped([1])),
        ]
        for (name, parameter) in model.namedParameters() {
            if let grad = parameter.grad { expected["grad." + name] = .float(grad) }
        }
        try SafeTensors.write(expected, to: folder.appendingPathComponent("expected.safetensors").path)
    }
}
