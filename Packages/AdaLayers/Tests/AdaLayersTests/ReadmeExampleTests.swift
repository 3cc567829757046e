import AdaLayers
import Autograd
import Foundation
import SeqModels
import Tensor
import TestSupport
import XCTest

/// The README's example, verbatim apart from the checkpoint path (a temporary folder instead of
/// `/tmp`), with checks of what its comments claim.
final class ReadmeExampleTests: XCTestCase {
    func testReadmeExample() throws {
        let checkpoint = try makeTemporaryDirectory(self, prefix: "adalayers-readme")
            .appendingPathComponent("gru4rec-base.safetensors").path

        // 1. An Ada-Ranker around GRU4Rec. Its Base part is built exactly as `Ranker(config:)` builds it
        //    (same seed, same weights); the adaptation layers get the reference's initialisation.
        let config = try ModelConfig(["model": "GRU4Rec", "train_type": "Ada-Ranker", "embedding_size": 64,
                                      "MAX_SEQ_LEN": 50, "item_num": 10_677, "user_num": 69_879])
        let model = try AdaRanker(config: config)   // makeRankingModel(config:) builds the same, typed `any RankingModel`

        // 2. Two requests: histories left-padded with 0 to L = 50, three candidates each (positive first).
        let itemSeq = IndexTensor(shape: [2, 50], indices: [Int](repeating: 0, count: 47) + [5, 9, 12]
                                                           + [Int](repeating: 0, count: 49) + [7])
        let batch = RankingBatch(userIds: IndexTensor([3, 8]), itemSeq: itemSeq, itemSeqLen: IndexTensor([3, 1]),
                                 candidates: IndexTensor(shape: [2, 3], indices: [13, 40, 41, 8, 2, 99]))

        // 3. Score: evaluation mode (no dropout, z = mu), so the same batch always gets the same scores.
        let probabilities: Tensor = model.scores(batch)     // [2, 3], in (0, 1)

        XCTAssertEqual(probabilities.shape, [2, 3])
        XCTAssertTrue(probabilities.scalars.allSatisfy { $0 > 0 && $0 < 1 }, "\(probabilities.scalars)")
        XCTAssertEqual(model.scores(batch).scalars, probabilities.scalars, "evaluation is deterministic (z = mu)")
        XCTAssertTrue(model.isTraining, "scores(_:) restores training mode")
        let factoryModel = try makeRankingModel(config: config)
        XCTAssertTrue(factoryModel is AdaRanker)
        XCTAssertEqual(factoryModel.scores(batch).scalars, probabilities.scalars, "makeRankingModel builds the same model")
        var plainConfig = config
        plainConfig.trainType = .base
        XCTAssertEqual(try Ranker(config: plainConfig).stateDict(), model.base.stateDict(),
                       "the Base part equals Ranker(config:) with the same seed")

        // 4. End-to-end training step: z is sampled and dropout is on; a KL weight > 0 adds the KL term.
        let memoryBefore = parameter(model, "mem_w1.array").value
        let itemTableBefore = model.base.itemEmbedding.weight.value
        model.klWeight = 0.01
        let adam = Adam(parameters: model.namedParameters())
        model.trainingLoss(batch).backward()
        adam.step()

        XCTAssertNotNil(parameter(model, "extract_distribution_layer.hidden_to_logsigma.weight").grad, "training mode samples z, so log_sigma gets a gradient")
        XCTAssertNotNil(parameter(model, "film_affine_emb_scale.weight").grad, "FiLM gets a gradient for GRU4Rec")
        XCTAssertNotEqual(parameter(model, "mem_w1.array").value, memoryBefore, "the adaptation layers train end to end")
        XCTAssertNotEqual(model.base.itemEmbedding.weight.value, itemTableBefore, "the Base part trains end to end")

        try checkTwoStageTraining(model, config: config, batch: batch, checkpoint: checkpoint)
    }

    /// The README example's step 5, continuing with its model, batch and checkpoint path.
    private func checkTwoStageTraining(_ model: AdaRanker, config: ModelConfig, batch: RankingBatch,
                                       checkpoint: String) throws {
        // 5. Two-stage training. Stage 1 trained a Base ranker and saved it ...
        var baseConfig = config
        baseConfig.trainType = .base
        let stageOne = try Ranker(config: baseConfig)
        try stageOne.save(to: checkpoint)
        // ... stage 2 loads it into the Ada-Ranker's Base part and trains only the adaptation layers.
        try model.base.load(from: checkpoint)
        model.freezeBaseParameters()
        model.zeroGrad()
        model.trainingLoss(batch).backward()   // gradients reach extract_distribution_layer, film_*, mem_* only

        XCTAssertEqual(model.base.stateDict(), stageOne.stateDict(), "the Base checkpoint was loaded")
        let baseNames = Set(model.baseParameterNames)
        XCTAssertFalse(baseNames.isEmpty)
        for (name, parameter) in model.namedParameters() {
            if baseNames.contains(name) {
                XCTAssertFalse(parameter.requiresGrad, "\(name) is frozen")
                XCTAssertNil(parameter.grad, "frozen \(name) got a gradient")
            }
        }
        XCTAssertNil(model.base.itemEmbedding.weight.grad)
        XCTAssertNil(model.base.head.hidden.weight.grad)
        XCTAssertNotNil(parameter(model, "mem_w1.array").grad)
        XCTAssertNotNil(parameter(model, "mem_b2.index").grad)
        XCTAssertNotNil(parameter(model, "film_affine_emb_bias.bias").grad)
        XCTAssertNotNil(parameter(model, "extract_distribution_layer.z_to_hidden.weight").grad)
    }

    /// The README's identity start (`ada_init: identity`): loading its eight tensors makes the
    /// Ada-Ranker score exactly like its Base ranker.
    func testIdentityStartScoresLikeTheBaseRanker() throws {
        let config = try ModelConfig(["model": "SASRec", "train_type": "Ada-Ranker", "embedding_size": 8,
                                      "MAX_SEQ_LEN": 6, "item_num": 20, "user_num": 5, "inner_size": 16])
        let model = try AdaRanker(config: config)
        let itemSeq = IndexTensor(shape: [2, 6], indices: [0, 0, 0, 4, 9, 12, 0, 0, 0, 0, 0, 7])
        let batch = RankingBatch(userIds: IndexTensor([1, 3]), itemSeq: itemSeq, itemSeqLen: IndexTensor([3, 1]),
                                 candidates: IndexTensor(shape: [2, 4], indices: [13, 5, 6, 19, 8, 2, 11, 3]))
        let base = model.base.scores(batch)
        XCTAssertGreaterThan(model.scores(batch).maxAbsDifference(base), 1e-4, "the reference start differs from Base")

        var identity: [String: Tensor] = [:]
        for (name, parameter) in model.namedParameters() {
            switch name {
            case "film_affine_emb_scale.weight", "film_affine_emb_bias.weight", "film_affine_emb_bias.bias",
                 "mem_b1.array", "mem_b2.array":
                identity[name] = .zeros(parameter.shape)
            case "film_affine_emb_scale.bias", "mem_w1.array", "mem_w2.array":
                identity[name] = .ones(parameter.shape)
            default:
                continue
            }
        }
        XCTAssertEqual(identity.count, 8)
        try model.loadStateDict(identity, strict: false)
        XCTAssertLessThan(model.scores(batch).maxAbsDifference(base), 1e-6)
    }

    /// The parameter under its reference name (the adaptation layers are internal to AdaLayers; this
    /// test, like the README, uses the public API only).
    private func parameter(_ model: AdaRanker, _ name: String) -> Parameter {
        guard let found = model.namedParameters().first(where: { $0.0 == name }) else {
            XCTFail("no parameter \(name)")
            return Parameter(Tensor.zeros([0]))
        }
        return found.1
    }
}
