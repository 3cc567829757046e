import TestSupport
import Foundation
@testable import SeqModels
import SeqModelsTestSupport
import XCTest

final class ConfigTests: XCTestCase {
    func testDefaultsFollowTheReference() {
        let config = ModelConfig()
        XCTAssertEqual(config.embeddingSize, 64)
        XCTAssertEqual(config.dropoutProb, 0.4)
        XCTAssertEqual(config.nHeads, 2)
        XCTAssertEqual(config.innerSize, 256)
        XCTAssertEqual(config.layerNormEps, 1e-12)
        XCTAssertEqual(config.dilations, [1, 4])
        XCTAssertEqual(config.blockNum, 5)
        XCTAssertEqual(config.shortItemLength, 2)
        XCTAssertEqual(config.recurrentHiddenSize, 128)
        XCTAssertEqual(config.seed, 2020)
    }

    func testEveryFixtureConfigLoads() throws {
        let parity = try TestFixtures.parityDirectory()
        let names = try FileManager.default.contentsOfDirectory(atPath: parity.path)
        XCTAssertEqual(names.count, 14, "7 models × Base / Ada-Ranker")
        for name in names.sorted() {
            let config = try ModelConfig(contentsOf: parity.appendingPathComponent(name).appendingPathComponent("config.json"))
            XCTAssertEqual(config.embeddingSize, 16, name)
            XCTAssertEqual(config.itemNum, 60, name)
            XCTAssertEqual(config.userNum, 12, name)
            XCTAssertEqual(config.maxSeqLen, 12, name)
            XCTAssertEqual(config.seed, 7, name)
            XCTAssertFalse(config.usePreItemEmb, name)
            XCTAssertEqual(config.trainType, name.hasSuffix("Ada-Ranker") ? .adaRanker : .base, name)
            XCTAssertEqual(config.model.rawValue, String(name.split(separator: "-")[0]), name)
            if config.model == .nextItNet { XCTAssertEqual(config.blockDilations, [1, 4, 1, 4]) }
            if config.model == .sasRec { XCTAssertEqual(config.innerSize, 64); XCTAssertEqual(config.layerNormEps, 1e-12) }
        }
    }

    func testJSONValuesOfEveryKind() throws {
        let json = #"{"model": "NextItNet", "embedding_size": 32, "dropout_prob": 0.25, "dilations": [1, 2, 4],"#
            + #" "use_pre_item_emb": true, "layer_norm_eps": 1e-8, "MAX_SEQ_LEN": 20.0, "batch_size": 7}"#
        let values = try JSONDecoder().decode([String: ConfigValue].self, from: Data(json.utf8))
        let config = try ModelConfig(values)
        XCTAssertEqual(config.model, .nextItNet)
        XCTAssertEqual(config.embeddingSize, 32)
        XCTAssertEqual(config.dropoutProb, 0.25)
        XCTAssertEqual(config.dilations, [1, 2, 4])
        XCTAssertTrue(config.usePreItemEmb)
        XCTAssertTrue(config.itemTableHasPaddingRow, "NextItNet always keeps its padding row")
        XCTAssertEqual(config.layerNormEps, 1e-8)
        XCTAssertEqual(config.maxSeqLen, 20)
    }

    func testNativeAndStringValues() throws {
        let config = try ModelConfig(["model": "SASRec", "n_heads": "4", "hidden_dropout_prob": "0.1",
                                      "use_pre_item_emb": 0, "dilations": "[1, 4]", "item_embedding_size": 16,
                                      "cate_embedding_size": 16])
        XCTAssertEqual(config.nHeads, 4)
        XCTAssertEqual(config.hiddenDropoutProb, 0.1)
        XCTAssertFalse(config.usePreItemEmb)
        XCTAssertEqual(config.embeddingSize, 32, "embedding_size = item_embedding_size + cate_embedding_size")
    }

    func testWrongTypeNamesTheKey() {
        XCTAssertThrowsError(try ModelConfig(["embedding_size": "sixty-four"])) { error in
            XCTAssertEqual(error as? ModelConfigError,
                           .wrongType(key: "embedding_size", expected: "an integer", found: "\"sixty-four\" (a string)"))
            XCTAssertTrue("\(error)".contains("embedding_size"))
        }
        XCTAssertThrowsError(try ModelConfig(["embedding_size": 12.5])) { error in
            XCTAssertTrue("\(error)".contains("'embedding_size' must be an integer, found 12.5"), "\(error)")
        }
        XCTAssertThrowsError(try ModelConfig(["dilations": [1, "x"]])) { error in
            XCTAssertTrue("\(error)".contains("'dilations' must be a list of integers"), "\(error)")
        }
        XCTAssertThrowsError(try ModelConfig(["use_pre_item_emb": 3])) { error in
            XCTAssertTrue("\(error)".contains("use_pre_item_emb"), "\(error)")
        }
        XCTAssertThrowsError(try ModelConfig(["model": 3])) { error in
            XCTAssertTrue("\(error)".contains("'model' must be a string"), "\(error)")
        }
    }

    func testInvalidValues() {
        XCTAssertThrowsError(try ModelConfig(["dropout_prob": 1.5])) { error in
            XCTAssertTrue("\(error)".contains("dropout_prob"), "\(error)")
        }
        XCTAssertThrowsError(try ModelConfig(["model": "SASRec", "embedding_size": 10, "n_heads": 3])) { error in
            XCTAssertTrue("\(error)".contains("n_heads"), "\(error)")
        }
        XCTAssertThrowsError(try ModelConfig(["model": "SASRec", "embedding_size": 16, "hidden_size": 32])) { error in
            XCTAssertTrue("\(error)".contains("hidden_size"), "\(error)")
        }
        XCTAssertThrowsError(try ModelConfig(["train_type": "Finetune"])) { error in
            XCTAssertTrue("\(error)".contains("Ada-Ranker"), "\(error)")
        }
        XCTAssertThrowsError(try Ranker(config: ModelConfig(model: .mf, itemNum: 0, userNum: 3))) { error in
            XCTAssertTrue("\(error)".contains("item_num"), "\(error)")
        }
    }

    func testUnknownModelListsTheSeven() {
        XCTAssertThrowsError(try ModelConfig(["model": "BERT4Rec"])) { error in
            XCTAssertEqual("\(error)", "unknown model 'BERT4Rec'; expected one of MF, GRU4Rec, SASRec, NARM, NextItNet, SRGNN, SHAN")
        }
        XCTAssertThrowsError(try makeEncoder(name: "gru4rec", config: ModelConfig())) { error in
            XCTAssertEqual(error as? ModelConfigError, .unknownModel("gru4rec"))
        }
    }

    func testRecurrentWidth() throws {
        XCTAssertEqual(try ModelConfig(["model": "GRU4Rec", "embedding_size": 32, "hidden_size": 128]).recurrentHiddenSize, 64,
                       "GRU4Rec always uses 2D, as the reference")
        XCTAssertEqual(try ModelConfig(["model": "NARM", "embedding_size": 32, "hidden_size": 100]).recurrentHiddenSize, 100)
        XCTAssertEqual(try ModelConfig(["model": "NARM", "embedding_size": 32]).recurrentHiddenSize, 64)
    }

    func testDictionaryRoundTrip() throws {
        var config = TinyRankers.config(.narm)
        config.usePreItemEmb = true
        config.trainType = .adaRanker
        let data = try JSONEncoder().encode(config.values)
        let decoded = try ModelConfig(JSONDecoder().decode([String: ConfigValue].self, from: data))
        XCTAssertEqual(decoded, config)
    }

    /// One range per key, from the key table: dropout in [0, 1), layer_norm_eps > 0, neg_items_num ≥ 1;
    /// an unknown hidden_act names the allowed values instead of falling back to gelu.
    func testRangesAndChoicesComeFromTheKeyTable() throws {
        XCTAssertThrowsError(try ModelConfig(["dropout_prob": 1])) { XCTAssertTrue("\($0)".contains("in [0, 1)"), "\($0)") }
        XCTAssertNoThrow(try ModelConfig(["dropout_prob": 0]))
        XCTAssertThrowsError(try ModelConfig(["layer_norm_eps": 0])) { XCTAssertTrue("\($0)".contains("layer_norm_eps"), "\($0)") }
        XCTAssertThrowsError(try ModelConfig(["neg_items_num": 0])) { XCTAssertTrue("\($0)".contains("neg_items_num"), "\($0)") }
        XCTAssertThrowsError(try ModelConfig(["model": "SASRec", "hidden_act": "mish"])) { error in
            XCTAssertEqual("\(error)", "config key 'hidden_act' is invalid: 'mish'; expected one of gelu, relu, swish, tanh, sigmoid")
        }
        XCTAssertEqual(try ModelConfig(["hidden_act": "ReLU"]).hiddenAct, .relu)
        XCTAssertEqual(try ModelConfig(["model": "gru4rec"]).model, .gru4Rec, "names match case-insensitively, as in the Trainer")
        var config = ModelConfig()
        config.layerNormEps = 0
        XCTAssertThrowsError(try config.validate()) { XCTAssertTrue("\($0)".contains("layer_norm_eps"), "\($0)") }
        for key in ModelConfig.keys {
            XCTAssertEqual(ModelConfig.keys.filter { $0.name == key.name }.count, 1, "\(key.name) declared twice")
            if key.name != "hidden_size" { XCTAssertNotNil(key.defaultValue, key.name) }
        }
        XCTAssertEqual(ModelConfig.key(named: "dropout_prob")?.defaultValue, .double(Double(Float(0.4))))
    }
}
