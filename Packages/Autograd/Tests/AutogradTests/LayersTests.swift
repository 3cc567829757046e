import Foundation
import TestSupport
import XCTest
import Tensor
@testable import Autograd

/// Layer parameter names and shapes (PyTorch / RecBole state-dict names), forward values, and the
/// padding row and dropout behaviour.
final class LayersTests: XCTestCase {
    private func shapes(_ module: Module, prefix: String = "") -> [String: [Int]] {
        Dictionary(uniqueKeysWithValues: module.namedParameters(prefix: prefix).map { ($0.0, $0.1.shape) })
    }

    func testParameterNamesAndShapes() {
        XCTAssertEqual(shapes(Linear(inFeatures: 3, outFeatures: 5)), ["weight": [5, 3], "bias": [5]])
        XCTAssertEqual(shapes(Linear(inFeatures: 3, outFeatures: 5, bias: false)), ["weight": [5, 3]])
        XCTAssertEqual(shapes(Embedding(count: 7, dimension: 4)), ["weight": [7, 4]])
        XCTAssertEqual(shapes(LayerNorm(dimension: 6)), ["weight": [6], "bias": [6]])
        XCTAssertEqual(shapes(GRU(inputSize: 4, hiddenSize: 8)),
                       ["weight_ih_l0": [24, 4], "weight_hh_l0": [24, 8], "bias_ih_l0": [24], "bias_hh_l0": [24]])
        XCTAssertEqual(shapes(GRU(inputSize: 4, hiddenSize: 8, bias: false)), ["weight_ih_l0": [24, 4], "weight_hh_l0": [24, 8]])
        XCTAssertEqual(shapes(CausalConv1d(inChannels: 4, outChannels: 6, kernelSize: 3, dilation: 2)),
                       ["weight": [6, 4, 1, 3], "bias": [6]])
        XCTAssertEqual(GRU(inputSize: 4, hiddenSize: 8, layers: 2, bias: false).namedParameters().map(\.0),
                       ["weight_ih_l0", "weight_hh_l0", "weight_ih_l1", "weight_hh_l1"])
        XCTAssertEqual(shapes(GRU(inputSize: 4, hiddenSize: 8, layers: 2))["weight_ih_l1"], [24, 8])
        let mlp = Sequential([ReLU(), Linear(inFeatures: 8, outFeatures: 4),
                              Tanh(), Linear(inFeatures: 4, outFeatures: 1), Sigmoid()])
        XCTAssertEqual(mlp.namedParameters(prefix: "mlp_layers.").map(\.0),
                       ["mlp_layers.1.weight", "mlp_layers.1.bias", "mlp_layers.3.weight", "mlp_layers.3.bias"])
    }

    /// A SASRec-shaped module tree has exactly the reference fixture's Transformer and LayerNorm
    /// names and shapes, and loads the fixture's values.
    func testTransformerNamesMatchSASRecFixture() throws {
        final class Host: Module {
            let encoder: TransformerEncoder
            let norm = LayerNorm(dimension: 16, eps: 1e-12)
            init(random: RandomSource) {
                encoder = TransformerEncoder(layerCount: 2, dimension: 16, heads: 2, innerSize: 64, hiddenDropout: 0.5,
                                             attentionDropout: 0.5, eps: 1e-12, randomSource: random)
            }
            override var namedChildren: [(String, Module)] { [("trm_encoder", encoder), ("LayerNorm", norm)] }
        }
        let host = Host(random: RandomSource(seed: 2))
        let path = try fixturePath("parity/SASRec-Base/model.safetensors")
        let file = try SafeTensorsFile(contentsOf: path)
        let reference = file.entries.filter { $0.key.hasPrefix("trm_encoder.") || $0.key.hasPrefix("LayerNorm.") }
        XCTAssertEqual(shapes(host), reference.mapValues(\.shape))
        var values: [String: Tensor] = [:]
        for name in reference.keys { values[name] = try file.tensor(name) }
        try host.loadStateDict(values, strict: true)
        XCTAssertEqual(host.encoder.layers[1].feedForward.dense2.weight.value, values["trm_encoder.layer.1.feed_forward.dense_2.weight"])
    }

    func testLinearComputesAffineMap() {
        let layer = Linear(inFeatures: 2, outFeatures: 3)
        layer.weight.value = Tensor(shape: [3, 2], scalars: [1, 2, 3, 4, 5, 6])
        layer.bias!.value = Tensor(shape: [3], scalars: [0.5, -1, 2])
        let y = layer(Variable(Tensor(shape: [2, 2], scalars: [1, -1, 2, 0.5])))
        XCTAssertEqual(y.value, Tensor(shape: [2, 3], scalars: [-0.5, -2, 1, 3.5, 7, 15]))
    }

    func testEmbeddingPaddingRowIsZeroAndGetsNoGradient() {
        var rng = SeededGenerator(seed: 3)
        let table = Embedding(count: 5, dimension: 3, paddingIndex: 0, rng: &rng)
        XCTAssertEqual(Array(table.weight.value.scalars[0..<3]), [0, 0, 0])
        XCTAssertTrue(table.weight.value.scalars[3...].allSatisfy { $0 != 0 })
        let rows = table(IndexTensor(shape: [2, 2], indices: [0, 2, 2, 0]))
        XCTAssertEqual(rows.shape, [2, 2, 3])
        rows.backward(seed: .ones([2, 2, 3]))
        let grad = table.weight.grad!
        XCTAssertEqual(Array(grad.scalars[0..<3]), [0, 0, 0])
        XCTAssertEqual(Array(grad.scalars[6..<9]), [2, 2, 2])
    }

    /// Dropout as the layers use it: the op with the module's mode and the model's shared source.
    func testDropoutIsIdentityInEvaluationAndScalesSurvivorsInTraining() {
        let random = RandomSource(seed: 4)
        let x = Variable(.ones([4000]))
        let trained = x.dropout(probability: 0.25, training: true, rng: &random.generator).value.scalars
        XCTAssertTrue(trained.allSatisfy { $0 == 0 || abs($0 - 1 / 0.75) < 1e-6 })
        let dropped = Double(trained.filter { $0 == 0 }.count) / 4000
        XCTAssertEqual(dropped, 0.25, accuracy: 0.03)
        XCTAssertNotEqual(x.dropout(probability: 0.25, training: true, rng: &random.generator).value.scalars, trained,
                          "the shared source advances between calls")
        XCTAssertEqual(x.dropout(probability: 0.25, training: false, rng: &random.generator).value, x.value)
    }

    func testGRULayerMatchesOpAndUsesPyTorchInitBounds() {
        var rng = SeededGenerator(seed: 5)
        let gru = GRU(inputSize: 3, hiddenSize: 16, rng: &rng)
        for (_, p) in gru.namedParameters() { XCTAssertTrue(p.value.scalars.allSatisfy { abs($0) <= 0.25 }) }
        let x = Variable(.uniform([2, 4, 3], low: -1, high: 1, using: &rng))
        let direct = Variable.gru(input: x, weightIH: gru.weightsIH[0], weightHH: gru.weightsHH[0],
                                  biasIH: gru.biasesIH[0], biasHH: gru.biasesHH[0])
        XCTAssertEqual(gru(x).value, direct.value)
        XCTAssertEqual(gru(x).shape, [2, 4, 16])
    }

    /// Layer k of a stacked GRU reads layer k − 1's hidden states.
    func testStackedGRUChainsItsLayers() {
        var rng = SeededGenerator(seed: 7)
        let gru = GRU(inputSize: 3, hiddenSize: 5, layers: 2, bias: false, rng: &rng)
        let x = Variable(.uniform([2, 4, 3], low: -1, high: 1, using: &rng))
        let first = Variable.gru(input: x, weightIH: gru.weightsIH[0], weightHH: gru.weightsHH[0], biasIH: nil, biasHH: nil)
        let second = Variable.gru(input: first, weightIH: gru.weightsIH[1], weightHH: gru.weightsHH[1], biasIH: nil, biasHH: nil)
        XCTAssertEqual(gru(x).value, second.value)
    }

    func testCausalConvolutionLayerShapes() {
        var rng = SeededGenerator(seed: 6)
        let conv = CausalConv1d(inChannels: 4, outChannels: 5, kernelSize: 3, dilation: 2, rng: &rng)
        XCTAssertEqual(conv(Variable(.uniform([2, 7, 4], low: -1, high: 1, using: &rng))).shape, [2, 7, 5])
        let bound = 1 / Float(12).squareRoot()
        XCTAssertTrue(conv.weight.value.scalars.allSatisfy { abs($0) <= bound })
    }

    func testResetAllParametersIsReproducible() {
        func build() -> Sequential {
            Sequential([Linear(inFeatures: 4, outFeatures: 4), ReLU(), Linear(inFeatures: 4, outFeatures: 2), GELU()])
        }
        let a = build(), b = build()
        var r1 = SeededGenerator(seed: 9), r2 = SeededGenerator(seed: 9)
        a.resetAllParameters(using: &r1)
        b.resetAllParameters(using: &r2)
        XCTAssertEqual(a.stateDict(), b.stateDict())
        var r3 = SeededGenerator(seed: 10)
        b.resetAllParameters(using: &r3)
        XCTAssertNotEqual(a.stateDict()["0.weight"], b.stateDict()["0.weight"])
    }

    private func fixturePath(_ relative: String) throws -> String {
        try TestFixtures.file(relative).path
    }
}
