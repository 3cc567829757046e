import TestSupport
@testable import AdaLayers
import Autograd
import AutogradTestSupport
import Foundation
import SeqModels
import Tensor
import XCTest

/// The composed Ada-Ranker: names, construction, freezing, scoring and gradients.
final class AdaRankerTests: XCTestCase {
    static let adaptationPrefixes = ["extract_distribution_layer.", "film_affine_emb_", "mem_"]

    private static func isAdaptation(_ name: String) -> Bool {
        adaptationPrefixes.contains { name.hasPrefix($0) }
    }

    /// The state dict is the Base ranker's plus the adaptation layers', under the reference's names.
    func testStateDictIsBasePlusAdaptation() throws {
        for model in ModelName.allCases {
            let ada = try AdaRanker(config: TestSupport.config(model))
            let base = try Ranker(config: TestSupport.config(model, trainType: .base))
            let names = ada.namedParameters().map(\.0)
            XCTAssertEqual(Set(names).count, names.count, "\(model): duplicate names")
            XCTAssertEqual(names.filter { !Self.isAdaptation($0) }, base.namedParameters().map(\.0), "\(model)")
            XCTAssertEqual(Set(ada.baseParameterNames), Set(base.namedParameters().map(\.0)))
            let d = 8
            let expectedShapes: [String: [Int]] = [
                "mem_w1.index": [10, d], "mem_w1.array": [10, 2 * d * d], "mem_b1.array": [10, d],
                "mem_w2.array": [10, d], "mem_b2.array": [10, 1], "mem_b2.index": [10, d],
                "film_affine_emb_scale.weight": [1, d], "film_affine_emb_bias.bias": [1],
                "extract_distribution_layer.input_to_hidden.3.weight": [d, d],
                "extract_distribution_layer.hidden_to_logsigma.bias": [d],
            ]
            let shapes = Dictionary(uniqueKeysWithValues: ada.namedParameters().map { ($0.0, $0.1.shape) })
            for (name, shape) in expectedShapes { XCTAssertEqual(shapes[name], shape, "\(model): \(name)") }
            XCTAssertEqual(names.filter(Self.isAdaptation).count, 10 + 4 + 8, "\(model)")
        }
    }

    /// `AdaRanker(config:)` starts from the same base weights as `Ranker(config:)` with the same seed,
    /// and a Base checkpoint loads into it unchanged.
    func testBaseCheckpointLoadsIntoAdaRanker() throws {
        let config = TestSupport.config(.sasRec)
        let base = try Ranker(config: config)
        let ada = try AdaRanker(config: config)
        XCTAssertEqual(ada.base.stateDict(), base.stateDict())

        let trainedBase = try Ranker(config: { var c = config; c.seed = 99; return c }())
        let path = try makeTemporaryDirectory(self).appendingPathComponent("base.safetensors").path
        try trainedBase.save(to: path)
        let adaptationBefore = ada.stateDict().filter { Self.isAdaptation($0.key) }
        try ada.base.load(from: path)
        XCTAssertEqual(ada.base.stateDict(), trainedBase.stateDict())
        XCTAssertEqual(ada.stateDict().filter { Self.isAdaptation($0.key) }, adaptationBefore)
        try ada.load(from: path, strict: false)
        XCTAssertThrowsError(try ada.load(from: path, strict: true), "a Base file lacks the adaptation parameters")
    }

    /// Freezing leaves exactly the extractor, FiLM and memory units trainable; after a backward pass
    /// and an Adam step every base weight is bit-identical and every adaptation weight that got a
    /// gradient has moved.
    func testFreezingKeepsBaseWeightsBitIdenticalAfterAdam() throws {
        for model in [ModelName.gru4Rec, .mf, .srgnn] {
            let ada = try AdaRanker(config: TestSupport.config(model))
            ada.freezeBaseParameters()
            let named = ada.namedParameters()
            XCTAssertEqual(named.filter { $0.1.requiresGrad }.map(\.0), named.map(\.0).filter(Self.isAdaptation))
            XCTAssertTrue(ada.base.parameters.allSatisfy { !$0.requiresGrad })

            let before = ada.stateDict()
            let adam = Adam(parameters: named, learningRate: 0.01, weightDecay: 0.1)
            ada.train()
            ada.loss(TestSupport.batch()).backward()
            adam.step()
            for (name, parameter) in named {
                if Self.isAdaptation(name) {
                    if parameter.grad != nil && !name.hasPrefix("extract_distribution_layer.hidden_to_logsigma") {
                        XCTAssertNotEqual(parameter.value, before[name], "\(model): \(name) did not train")
                    }
                } else {
                    XCTAssertNil(parameter.grad, "\(model): frozen \(name) got a gradient")
                    XCTAssertEqual(parameter.value.scalars, before[name]!.scalars, "\(model): frozen \(name) changed")
                }
            }
            ada.unfreezeAllParameters()
            XCTAssertTrue(ada.parameters.allSatisfy(\.requiresGrad))
        }
    }

    /// Every encoder scores `[B, C]` probabilities for any C and for a single request (B = 1), and the
    /// loss back-propagates into the adaptation layers (FiLM only where there is a sequence input).
    func testScoresAndGradientsForEveryEncoder() throws {
        for model in ModelName.allCases {
            let ada = try AdaRanker(config: TestSupport.config(model))
            for (rows, columns) in [(3, 5), (1, 20), (2, 1)] {
                let scores = ada.scores(TestSupport.batch(rows: rows, columns: columns))
                XCTAssertEqual(scores.shape, [rows, columns], "\(model)")
                XCTAssertTrue(scores.scalars.allSatisfy { $0 > 0 && $0 < 1 }, "\(model)")
            }
            XCTAssertTrue(ada.isTraining, "scores(_:) restores the training mode")
            ada.eval()
            ada.zeroGrad()
            ada.loss(TestSupport.batch()).backward()
            for (name, parameter) in ada.namedParameters() where Self.isAdaptation(name) {
                let expectsGradient = !name.contains("hidden_to_logsigma") && !(model == .mf && name.hasPrefix("film_"))
                XCTAssertEqual(parameter.grad != nil, expectsGradient, "\(model): \(name)")
            }
        }
    }

    /// Evaluation scores are deterministic (`z = mu`, no dropout); training scores are not (sampling).
    func testEvaluationIsDeterministicAndTrainingSamples() throws {
        var config = TestSupport.config(.gru4Rec)
        config.dropoutProb = 0
        let ada = try AdaRanker(config: config)
        let batch = TestSupport.batch()
        ada.eval()
        let first = ada.scoreCandidates(batch).value
        XCTAssertEqual(first, ada.scoreCandidates(batch).value)
        ada.train()
        let sampled = ada.scoreCandidates(batch).value
        XCTAssertNotEqual(sampled, first, "z is sampled in training mode")
        XCTAssertNotEqual(sampled, ada.scoreCandidates(batch).value)
    }

    /// FiLM changes the Ada-Ranker's sequence input: with γ = 1, β = 0 the encoder sees the plain
    /// embeddings; with other coefficients the scores change (for sequence encoders, not for MF).
    func testFiLMModulatesTheSequenceInputOnly() throws {
        for model in [ModelName.narm, .mf] {
            let ada = try AdaRanker(config: TestSupport.config(model))
            ada.eval()
            let batch = TestSupport.batch()
            let film = ada.modulation
            film.scale.weight.value = .zeros(film.scale.weight.shape)
            film.scale.bias!.value = Tensor(shape: [1], scalars: [1])
            film.shift.weight.value = .zeros(film.shift.weight.shape)
            film.shift.bias!.value = .zeros([1])
            let identity = ada.scores(batch)
            let plain = withoutGradients { () -> Tensor in
                let candidates = ada.base.embedItems(batch.candidates)
                let z = ada.extractor(candidates).z
                return ada.head(sequence: ada.base.sequenceEmbedding(batch), candidates: candidates, z: z).value
            }
            XCTAssertLessThanOrEqual(identity.maxAbsDifference(plain), 1e-7, "\(model)")
            film.shift.bias!.value = Tensor(shape: [1], scalars: [3])
            let shifted = ada.scores(batch)
            if model == .mf {
                XCTAssertEqual(identity, shifted)
            } else {
                XCTAssertGreaterThan(identity.maxAbsDifference(shifted), 1e-6)
            }
        }
    }

    /// `startAsBaseRanker()` makes the scores those of the Base ranker inside it, for every encoder;
    /// `random` is the Base ranker's stream and `trainingLoss` is reachable through `RankingModel`.
    func testStartAsBaseRankerScoresLikeTheBaseRanker() throws {
        for model in ModelName.allCases {
            let ada = try AdaRanker(config: TestSupport.config(model))
            let batch = TestSupport.batch()
            XCTAssertGreaterThan(ada.scores(batch).maxAbsDifference(ada.base.scores(batch)), 1e-4, "\(model)")
            ada.startAsBaseRanker()
            XCTAssertLessThan(ada.scores(batch).maxAbsDifference(ada.base.scores(batch)), 1e-6, "\(model)")
            XCTAssertTrue(ada.random === ada.base.random)
            let erased: any RankingModel = ada
            ada.eval()
            XCTAssertEqual(erased.trainingLoss(batch).value, ada.trainingLoss(batch).value)
            XCTAssertEqual(erased.needsSessionGraph, model == .srgnn)
        }
    }

    /// With `klWeight > 0` the training loss adds `klWeight · KL`; by default it is the plain BCE.
    func testOptionalKLTerm() throws {
        let ada = try AdaRanker(config: TestSupport.config(.shan))
        let batch = TestSupport.batch()
        ada.eval()
        XCTAssertEqual(ada.trainingLoss(batch).value, ada.loss(batch).value)
        ada.train()
        ada.base.random.generator = SeededGenerator(seed: 1)
        let plain = ada.trainingLoss(batch).value.scalars[0]
        ada.klWeight = 0.5
        ada.base.random.generator = SeededGenerator(seed: 1)
        let regularised = ada.trainingLoss(batch).value.scalars[0]
        XCTAssertGreaterThan(regularised, plain, "the KL term is non-negative and here positive")
    }

    /// Back-propagated gradients of the adaptation parameters of a whole model match finite
    /// differences (D = 4, evaluation mode).
    func testAdaptationGradientsMatchFiniteDifferences() throws {
        for model in [ModelName.gru4Rec, .mf] {
            let ada = try AdaRanker(config: TestSupport.config(model, embeddingSize: 4, maxSeqLen: 4))
            ada.eval()
            let batch = TestSupport.batch(rows: 2, length: 4, columns: 3, seed: 5)
            let adaptation = ada.namedParameters().filter {
                Self.isAdaptation($0.0) && !$0.0.contains("hidden_to_logsigma") && !(model == .mf && $0.0.hasPrefix("film_"))
            }
            assertGradientsMatch(named: adaptation) { ada.loss(batch) }
        }
    }

    /// The factory builds Base or Ada-Ranker from `train_type` and rejects unknown values clearly.
    func testFactory() throws {
        let base = try makeRankingModel(config: TestSupport.config(.narm, trainType: .base))
        XCTAssertTrue(base is Ranker)
        let ada = try makeRankingModel(config: TestSupport.config(.narm))
        XCTAssertTrue(ada is AdaRanker)
        XCTAssertTrue(try makeRankingModel(config: ModelConfig(["model": "MF", "train_type": "Base", "item_num": 20, "user_num": 5])) is Ranker)
        XCTAssertTrue(try makeRankingModel(config: ModelConfig(["model": "MF", "train_type": "Ada-Ranker", "item_num": 20, "user_num": 5])) is AdaRanker)
        XCTAssertThrowsError(try ModelConfig(["model": "MF", "train_type": "AdaRanker"])) { error in
            let message = "\(error)"
            XCTAssertTrue(message.contains("train_type")
                          && message.contains("'AdaRanker'; expected one of Base, Ada-Ranker"), message)
        }
        XCTAssertThrowsError(try ModelConfig(["model": "GRU4Rec", "train_type": "finetune"]))
    }

    /// The factory's Ada-Ranker options: by default the model is `AdaRanker(config:)`'s; each option
    /// sets what it names; a Base ranker ignores them but refuses to freeze its parameters.
    func testFactoryOptions() throws {
        let config = TestSupport.config(.sasRec)
        let plain = try XCTUnwrap(try makeRankingModel(config: config) as? AdaRanker)
        XCTAssertEqual(plain.stateDict(), try AdaRanker(config: config).stateDict())
        XCTAssertEqual(plain.klWeight, 0)
        XCTAssertNil(plain.logSigmaLimit)

        let options = AdaRankerOptions(klWeight: 0.5, logSigmaLimit: 60, startsAsBaseRanker: true, freezesBase: true)
        let set = try XCTUnwrap(try makeRankingModel(config: config, adaRanker: options) as? AdaRanker)
        XCTAssertEqual(set.klWeight, 0.5)
        XCTAssertEqual(set.logSigmaLimit, 60)
        let batch = TestSupport.batch()
        XCTAssertLessThan(set.scores(batch).maxAbsDifference(set.base.scores(batch)), 1e-6, "starts as its Base ranker")
        let trainable = set.namedParameters().filter { $0.1.requiresGrad }.map(\.0)
        XCTAssertEqual(Set(trainable), set.adaptationParameterNames)

        var base = config
        base.trainType = .base
        XCTAssertTrue(try makeRankingModel(config: base, adaRanker: AdaRankerOptions(klWeight: 0.5, startsAsBaseRanker: true)) is Ranker)
        XCTAssertThrowsError(try makeRankingModel(config: base, adaRanker: AdaRankerOptions(freezesBase: true))) { error in
            XCTAssertEqual(error as? RankingModelFactoryError, .freezingBaseRanker)
        }
    }
}
