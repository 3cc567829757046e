import Autograd
import SeqModels
import SeqModelsTestSupport
import Tensor
import XCTest

final class ShapeTests: XCTestCase {
    func testEveryEncoderAndRankerShape() throws {
        for model in ModelName.allCases {
            let config = TinyRankers.config(model)
            let ranker = try Ranker(config: config)
            let batch = TinyRankers.batch(rows: 3, length: 6, columns: 5)
            let sequence = ranker.sequenceEmbedding(batch)
            XCTAssertEqual(sequence.shape, [3, config.embeddingSize], "\(model)")
            let probabilities = ranker.scoreCandidates(batch)
            XCTAssertEqual(probabilities.shape, [3, 5], "\(model)")
            XCTAssertTrue(probabilities.value.scalars.allSatisfy { $0 > 0 && $0 < 1 }, "\(model)")
            let loss = ranker.loss(batch)
            XCTAssertEqual(loss.value.count, 1, "\(model)")
            XCTAssertTrue(loss.value.item.isFinite, "\(model)")
        }
    }

    func testScoresForOneRequestAndAnyCandidateCount() throws {
        for model in ModelName.allCases {
            let ranker = try Ranker(config: TinyRankers.config(model))
            XCTAssertTrue(ranker.isTraining)
            let many = TinyRankers.batch(rows: 1, length: 6, columns: 37)
            XCTAssertEqual(ranker.scores(many).shape, [1, 37], "\(model)")
            let one = TinyRankers.batch(rows: 1, length: 6, columns: 1)
            XCTAssertEqual(ranker.scores(one).shape, [1, 1], "\(model)")
            XCTAssertTrue(ranker.isTraining, "scores(_:) restores the training mode")
            // Evaluation is deterministic and a row's scores do not depend on the other rows.
            let batch = TinyRankers.batch(rows: 4, length: 6, columns: 5)
            let all = ranker.scores(batch)
            let first = ranker.scores(RankingBatch(
                userIds: IndexTensor([batch.userIds.indices[3]]),
                itemSeq: IndexTensor(shape: [1, 6], indices: Array(batch.itemSeq.indices[18..<24])),
                itemSeqLen: IndexTensor([batch.itemSeqLen.indices[3]]),
                candidates: IndexTensor(shape: [1, 5], indices: Array(batch.candidates.indices[15..<20])),
                graph: SessionGraph(itemSeq: IndexTensor(shape: [1, 6], indices: Array(batch.itemSeq.indices[18..<24])))))
            let expected = Tensor(shape: [5], scalars: Array(all.scalars[15..<20]))
            XCTAssertLessThan(first.reshaped([5]).maxAbsDifference(expected), 1e-5, "\(model)")
        }
    }

    func testStateDictNamesFollowTheReference() throws {
        let names = Set(try Ranker(config: TinyRankers.config(.gru4Rec)).stateDict().keys)
        XCTAssertEqual(names, ["user_embedding.weight", "item_embedding.weight", "gru_layers.weight_ih_l0",
                               "gru_layers.weight_hh_l0", "gru_layers.bias_ih_l0", "gru_layers.bias_hh_l0",
                               "dense.weight", "dense.bias", "mlp_layers.1.weight", "mlp_layers.1.bias",
                               "mlp_layers.3.weight", "mlp_layers.3.bias"])
        var narmConfig = TinyRankers.config(.narm)
        narmConfig.numLayers = 2
        let narm = Set(try Ranker(config: narmConfig).stateDict().keys)
        XCTAssertTrue(narm.isSuperset(of: ["gru.weight_ih_l1", "gru.weight_hh_l1", "a_1.weight", "v_t.weight", "b.weight"]))
        XCTAssertFalse(narm.contains("gru.bias_ih_l0"))
    }

    func testInitialisationIsSeededAndKeepsThePaddingRow() throws {
        let a = try Ranker(config: TinyRankers.config(.shan)).stateDict()
        let b = try Ranker(config: TinyRankers.config(.shan)).stateDict()
        XCTAssertEqual(a, b)
        var other = TinyRankers.config(.shan)
        other.seed = 12
        XCTAssertNotEqual(try Ranker(config: other).stateDict()["long_b"], a["long_b"])
        let items = a["item_embedding.weight"]!
        XCTAssertEqual(Array(items.scalars[0..<8]), [Float](repeating: 0, count: 8))
        let bound = (3 / Float(8)).squareRoot()
        XCTAssertTrue(a["long_b"]!.scalars.allSatisfy { abs($0) <= bound })
    }

    func testPaddingRowGetsNoGradientUnlessPretrained() throws {
        let batch = TinyRankers.batch()
        for pretrained in [false, true] {
            var config = TinyRankers.config(.gru4Rec)
            config.usePreItemEmb = pretrained
            let ranker = try Ranker(config: config)
            ranker.eval()
            ranker.loss(batch).backward()
            let row0 = Array(ranker.itemEmbedding.weight.grad!.scalars[0..<8])
            XCTAssertEqual(row0.allSatisfy { $0 == 0 }, !pretrained, "pretrained = \(pretrained)")
        }
    }
}
