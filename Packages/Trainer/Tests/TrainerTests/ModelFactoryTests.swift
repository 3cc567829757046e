import AdaLayers
import SeqModels
import Tensor
import XCTest
@testable import Trainer

final class ModelFactoryTests: XCTestCase {
    /// A small GRU4Rec configuration; `adaInit: nil` leaves `ada_init` unset.
    private func configuration(trainType: String, adaInit: String?) -> Configuration {
        var values: [String: ConfigValue] = [
            "model": .string("GRU4Rec"), "train_type": .string(trainType), "embedding_size": .int(8),
            "hidden_size": .int(16), "MAX_SEQ_LEN": .int(6), "item_num": .int(30), "user_num": .int(10),
            "seed": .int(5), "dropout_prob": .double(0.4),
        ]
        if let adaInit { values["ada_init"] = .string(adaInit) }
        return Configuration(layers: [ConfigLayer(source: "test", values: values)])
    }

    private func batch() -> RankingBatch {
        var rng = SeededGenerator(seed: 9)
        let rows = 4
        return RankingBatch(userIds: IndexTensor((0..<rows).map { _ in 1 + rng.nextInt(below: 9) }),
                            itemSeq: IndexTensor(shape: [rows, 6], indices: (0..<rows * 6).map { i in i % 6 < 2 ? 0 : 1 + rng.nextInt(below: 29) }),
                            itemSeqLen: IndexTensor([4, 4, 4, 4]),
                            candidates: IndexTensor(shape: [rows, 20], indices: (0..<rows * 20).map { _ in 1 + rng.nextInt(below: 29) }))
    }

    func testIdentityInitialisationStartsAdaRankerAsItsBaseRanker() throws {
        let base = try ModelFactory.makeModel(configuration(trainType: "Base", adaInit: "identity"))
        let ada = try ModelFactory.makeModel(configuration(trainType: "Ada-Ranker", adaInit: "identity"))
        XCTAssertTrue(ada is AdaRanker)
        let expected = base.scores(batch()), found = ada.scores(batch())
        XCTAssertEqual(expected.shape, [4, 20])
        for (a, b) in zip(expected.scalars, found.scalars) { XCTAssertEqual(a, b, accuracy: 1e-6) }

        let reference = try ModelFactory.makeModel(configuration(trainType: "Ada-Ranker", adaInit: "reference"))
        let differing = zip(expected.scalars, reference.scores(batch()).scalars).filter { abs($0 - $1) > 1e-3 }.count
        XCTAssertGreaterThan(differing, 40, "the reference initialisation does not start from the Base ranker")
    }

    func testAnUnsetAdaInitMeansIdentity() throws {
        let base = try ModelFactory.makeModel(configuration(trainType: "Base", adaInit: nil))
        let ada = try ModelFactory.makeModel(configuration(trainType: "Ada-Ranker", adaInit: nil))
        for (a, b) in zip(base.scores(batch()).scalars, ada.scores(batch()).scalars) { XCTAssertEqual(a, b, accuracy: 1e-6) }
    }

    func testFreezeBaseLeavesOnlyTheAdaptationTrainableAndIsRefusedForBase() throws {
        let ada = try ModelFactory.makeModel(configuration(trainType: "Ada-Ranker", adaInit: nil), freezeBase: true)
        let trainable = ada.namedParameters().filter { $0.1.requiresGrad }.map(\.0)
        XCTAssertFalse(trainable.isEmpty)
        XCTAssertTrue(trainable.allSatisfy { $0.hasPrefix("extract_distribution_layer") || $0.hasPrefix("film_") || $0.hasPrefix("mem_") }, "\(trainable)")
        XCTAssertThrowsError(try ModelFactory.makeModel(configuration(trainType: "Base", adaInit: nil), freezeBase: true)) { error in
            XCTAssertTrue("\(error)".contains("freeze = 1 applies to an Ada-Ranker only"), "\(error)")
        }
    }

    /// A Base checkpoint's weights load into the Ada-Ranker's Base part (which then scores as that
    /// Base model, with the identity start), and are refused by a Base model, which has no Base part.
    func testBaseWeightsLoadIntoTheAdaRankersBasePartOnly() throws {
        let base = try ModelFactory.makeModel(configuration(trainType: "Base", adaInit: nil))
        var rng = SeededGenerator(seed: 31)
        base.resetAllParameters(using: &rng)
        let weights = Dictionary(uniqueKeysWithValues: base.namedParameters().map { ($0.0, $0.1.value) })
        let ada = try ModelFactory.makeModel(configuration(trainType: "Ada-Ranker", adaInit: nil))
        XCTAssertNil(base.baseRanker)
        XCTAssertNotNil(ada.baseRanker)
        try ModelFactory.loadBaseWeights(weights, into: ada, path: "base.safetensors")
        for (a, b) in zip(base.scores(batch()).scalars, ada.scores(batch()).scalars) { XCTAssertEqual(a, b, accuracy: 1e-6) }
        XCTAssertThrowsError(try ModelFactory.loadBaseWeights(weights, into: base, path: "base.safetensors")) { error in
            XCTAssertTrue("\(error)".contains("a Base checkpoint loads into an Ada-Ranker only"), "\(error)")
        }
    }

    /// A model key's range comes from SeqModels' key table, and the error names the file line.
    func testModelKeyRangesAndWordsNameTheKeyAndTheLine() {
        var config = configuration(trainType: "Base", adaInit: nil)
        config.append(ConfigLayer(source: "Configs/model/GRU4Rec.yaml", values: ["dropout_prob": .double(1)], lines: ["dropout_prob": 3]))
        XCTAssertThrowsError(try ModelFactory.makeModel(config)) { error in
            let message = "\(error)"
            XCTAssertTrue(message.contains("'dropout_prob' (Configs/model/GRU4Rec.yaml:3)") && message.contains("in [0, 1)"), message)
        }
        var activation = configuration(trainType: "Base", adaInit: nil)
        activation.append(ConfigLayer(source: "command line", values: ["hidden_act": .string("mish")]))
        XCTAssertThrowsError(try ModelFactory.makeModel(activation)) { error in
            XCTAssertTrue("\(error)".contains("one of gelu, relu, swish, tanh, sigmoid"), "\(error)")
        }
    }

    func testModelSettingsOfTheWrongKindAreOneLineErrors() {
        var config = configuration(trainType: "Base", adaInit: "reference")
        config.append(ConfigLayer(source: "command line", values: ["hidden_act": .string("gelu"), "model": .string("SASRec"), "hidden_size": .int(12)]))
        XCTAssertThrowsError(try ModelFactory.makeModel(config)) { error in
            XCTAssertTrue("\(error)".contains("hidden_size"), "\(error)")
            XCTAssertFalse("\(error)".contains("\n"))
        }
    }

    /// `ada_lr_scale` gives the adaptation layers their own step size: with 0 they stay put while
    /// the Base parameters move; a Base ranker has no adaptation parameters.
    func testAdaptationLearningRateScaleAppliesOnlyToTheAdaptationLayers() throws {
        var values = configuration(trainType: "Ada-Ranker", adaInit: "reference").layers[0].values
        values.merge(["learning_rate": .double(0.01), "learner": .string("adam"), "weight_decay": .double(0),
                      "epochs": .int(1), "batch_size": .int(4), "stopping_step": .int(1), "neg_items_num": .int(19),
                      "use_pre_item_emb": .int(0), "ada_lr_scale": .double(0)]) { $1 }
        let config = Configuration(layers: [ConfigLayer(source: "test", values: values)])
        let settings = try TrainingSettings(config)
        XCTAssertEqual(settings.adaptationLearningRateScale, 0)
        let model = try ModelFactory.makeModel(config)
        let adaptation = model.adaptationParameterNames
        XCTAssertTrue(adaptation.contains("mem_w1.array") && adaptation.contains("film_affine_emb_scale.weight"), "\(adaptation)")
        XCTAssertFalse(adaptation.contains { $0.hasPrefix("mlp_layers") || $0.hasPrefix("item_embedding") })
        let optimizer = try OptimizerFactory.make(settings, parameters: model.namedParameters(), adaptationParameters: adaptation)
        let before = model.stateDict()
        model.train()
        model.trainingLoss(batch()).backward()
        optimizer.step()
        for (name, value) in model.stateDict() {
            if adaptation.contains(name) { XCTAssertEqual(value, before[name], name) }
        }
        XCTAssertNotEqual(model.stateDict()["mlp_layers.1.weight"], before["mlp_layers.1.weight"])
        XCTAssertEqual(try ModelFactory.makeModel(configuration(trainType: "Base", adaInit: nil)).adaptationParameterNames, [])
    }
}
