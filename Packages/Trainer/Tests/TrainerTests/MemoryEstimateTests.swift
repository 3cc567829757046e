import SeqModels
import XCTest
@testable import Trainer

/// Sizes no machine can hold are refused before anything is allocated, naming the setting.
final class MemoryEstimateTests: XCTestCase {
    private let machine = 24e9

    private func estimate(userNum: Int = 69_879, itemNum: Int = 10_677, maxSeqLen: Int = 200,
                          batchSize: Int = 2048, model: String = "SASRec") throws -> MemoryEstimate {
        let values: [String: ConfigValue] = [
            "model": .string(model), "train_type": .string("Ada-Ranker"), "embedding_size": .int(64),
            "hidden_size": .int(128), "n_heads": .int(2), "user_num": .int(userNum), "item_num": .int(itemNum),
            "MAX_SEQ_LEN": .int(maxSeqLen), "batch_size": .int(batchSize), "eval_batch_size": .int(4096),
            "seed": .int(1), "epochs": .int(1), "learning_rate": .double(0.001), "learner": .string("adam"),
            "weight_decay": .double(0), "stopping_step": .int(1), "neg_items_num": .int(19), "use_pre_item_emb": .int(0),
        ]
        let config = Configuration(layers: [ConfigLayer(source: "test", values: values)])
        return try MemoryEstimate(config: config, settings: TrainingSettings(config))
    }

    func testTheLargestReferenceSettingsFit() throws {
        XCTAssertNoThrow(try estimate().check(available: machine), "ML-10M, L = 200, batch 2048, eval batch 4096")
    }

    func testAnAbsurdTableSizeIsRefusedNamingIt() throws {
        XCTAssertThrowsError(try estimate(userNum: 2_147_483_647).check(available: machine)) { error in
            XCTAssertTrue("\(error)".contains("user_num + item_num = 2147494324"), "\(error)")
            XCTAssertTrue("\(error)".contains("more than this machine's 24.0 GB"), "\(error)")
        }
    }

    func testAHugeSequenceLengthIsRefusedNamingIt() throws {
        XCTAssertThrowsError(try estimate(maxSeqLen: 100_000).check(available: machine)) { error in
            XCTAssertTrue("\(error)".hasPrefix("MAX_SEQ_LEN = 100000 with batch_size 2048"), "\(error)")
            XCTAssertTrue("\(error)".contains("TB of memory"), "\(error)")
        }
    }
}
