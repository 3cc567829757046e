import Metrics
import SeqModels
import XCTest
@testable import Trainer

/// `TrainingSettings` and `AdaptationSettings` decode through their declared keys: every property
/// is filled, the declared defaults apply to unset keys, and the schema lists the same keys.
final class TrainingSettingsTests: XCTestCase {
    /// The keys without a default (and the model keys training reads), set to arbitrary values.
    private let required: [String: ConfigValue] = [
        "seed": 7, "epochs": 3, "batch_size": 32, "learning_rate": 0.5, "learner": "SGD", "weight_decay": 0.25,
        "stopping_step": 4, "MAX_SEQ_LEN": 9, "neg_items_num": 5, "use_pre_item_emb": 1,
    ]

    private func settings(_ values: [String: ConfigValue]) throws -> TrainingSettings {
        try TrainingSettings(Configuration(layers: [ConfigLayer(source: "test", values: values)]))
    }

    func testEveryPropertyIsFilledByItsKey() throws {
        let all = required.merging([
            "eval_batch_size": 64, "ada_lr_scale": 2, "clip_grad_norm": 1.5, "eval_step": 2, "valid_metric": "NDCG@10",
            "freeze": true, "show_progress": false, "state": "warning",
        ]) { $1 }
        let expected = TrainingSettings(
            seed: 7, epochs: 3, batchSize: 32, evalBatchSize: 64, learningRate: 0.5, adaptationLearningRateScale: 2,
            optimizer: .sgd, weightDecay: 0.25, clipGradNorm: 1.5, evalStep: 2, stoppingStep: 4, validMetric: "ndcg@10",
            maxSeqLen: 9, negativeCount: 5, usePretrainedItemEmbeddings: true, freeze: true, showProgress: false,
            logLevel: .warning)
        XCTAssertEqual(try settings(all), expected)
    }

    func testUnsetKeysTakeTheirDeclaredDefaults() throws {
        let decoded = try settings(required)
        XCTAssertEqual(decoded.evalBatchSize, 32, "eval_batch_size defaults to batch_size")
        XCTAssertEqual(decoded.adaptationLearningRateScale, 1)
        XCTAssertNil(decoded.clipGradNorm)
        XCTAssertEqual(decoded.evalStep, 1)
        XCTAssertEqual(decoded.validMetric, "group_auc")
        XCTAssertFalse(decoded.freeze)
        XCTAssertTrue(decoded.showProgress)
        XCTAssertEqual(decoded.logLevel, .info)
        XCTAssertEqual(decoded.logLevel.loggerLevel, .info)

        let adaptation = try AdaptationSettings(Configuration(layers: [ConfigLayer(source: "test", values: [:])]))
        XCTAssertEqual(adaptation, AdaptationSettings(initialisation: .identity, klWeight: 0, logSigmaLimit: nil))
    }

    func testAKeyWithoutADefaultMustBeSet() throws {
        for key in required.keys.sorted() {
            XCTAssertThrowsError(try settings(required.filter { $0.key != key })) { error in
                XCTAssertEqual((error as? ConfigError).map { "\($0)" }?.hasPrefix("config key '\(key)' is not set in test"), true, "\(error)")
            }
        }
    }

    func testTheSchemaListsTheDeclaredKeysWithTheirChoices() {
        XCTAssertEqual(Set(ConfigSchema.trainingKeys.map(\.name)), [
            "dataset", "protocol", "freeze", "state", "show_progress", "epochs", "batch_size", "eval_batch_size",
            "learning_rate", "learner", "weight_decay", "clip_grad_norm", "eval_step", "stopping_step", "valid_metric",
            "ada_init", "ada_lr_scale", "kl_weight", "log_sigma_max",
        ])
        XCTAssertEqual(ConfigSchema.trainingKeys.count, 19, "each key once")
        XCTAssertEqual(ConfigSchema.key(named: "optimizer")?.name, "learner")
        XCTAssertEqual(ConfigSchema.key(named: "learner")?.kind, .choice(["adam", "sgd", "adagrad", "rmsprop"]))
        XCTAssertEqual(ConfigSchema.key(named: "state")?.kind, .choice(["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]))
        XCTAssertEqual(ConfigSchema.key(named: "valid_metric")?.kind, .choice(RankingMetrics.names))
        XCTAssertEqual(ConfigSchema.key(named: "ada_init")?.kind, .choice(["reference", "identity"]))
        for name in ["seed", "MAX_SEQ_LEN", "neg_items_num", "use_pre_item_emb"] {
            XCTAssertTrue(TrainingSettings.borrowedKeys.contains { $0.name == name }, name)
            XCTAssertFalse(ConfigSchema.trainingKeys.contains { $0.name == name }, "\(name) is declared by ModelConfig.keys only")
        }
    }
}
