import Autograd
import Foundation
import SeqModels
import Tensor
import TestSupport
import XCTest

/// The README's example, verbatim apart from the file path, so that it keeps compiling and working.
final class ReadmeExampleTests: XCTestCase {
    func testReadmeExample() throws {
        var config = try ModelConfig(["model": "GRU4Rec", "embedding_size": 64, "MAX_SEQ_LEN": 50,
                                      "item_num": 10_677, "user_num": 69_879])
        config.dropoutProb = 0.4
        let ranker = try Ranker(config: config)

        let itemSeq = IndexTensor(shape: [2, 50], indices: [Int](repeating: 0, count: 47) + [5, 9, 12]
                                                           + [Int](repeating: 0, count: 49) + [7])
        let batch = RankingBatch(userIds: IndexTensor([3, 8]), itemSeq: itemSeq, itemSeqLen: IndexTensor([3, 1]),
                                 candidates: IndexTensor(shape: [2, 3], indices: [13, 40, 41, 8, 2, 99]),
                                 graph: SessionGraph(itemSeq: itemSeq))

        let loss = ranker.loss(batch)
        loss.backward()
        XCTAssertNotNil(ranker.head.hidden.weight.grad)

        let probabilities: Tensor = ranker.scores(batch)
        XCTAssertEqual(probabilities.shape, [2, 3])

        let path = try makeTemporaryDirectory(self, prefix: "seqmodels-readme").appendingPathComponent("gru4rec.safetensors").path
        try ranker.save(to: path)
        try ranker.load(from: path)
        XCTAssertEqual(ranker.scores(batch), probabilities)
    }
}
