import Tensor

/// A PyTorch-style multi-layer GRU over whole sequences, batch first (`nn.GRU(input, hidden,
/// num_layers, bias, batch_first=True)`): `x [B, L, In]` → the last layer's hidden states at every
/// step `[B, L, H]` (the last one is `[:, L−1]`); layer k reads layer k − 1's hidden states.
///
/// Parameters per layer k, under PyTorch's names: `weight_ih_l<k> [3H, In_k]`, `weight_hh_l<k> [3H, H]`
/// and, with biases, `bias_ih_l<k> [3H]`, `bias_hh_l<k> [3H]` (gate order r, z, n; In_0 = the input
/// size, In_k = H after). Each layer is one fused `Variable.gru` call. `resetParameters(using:)`
/// draws PyTorch's default U(±1/√H) for all of them, in the order of `namedLocalParameters` (the
/// plain initialiser leaves zeros until then).
public final class GRU: Module, Layer {
    /// Width of the input features.
    public let inputSize: Int
    /// H, the width of every layer's hidden state.
    public let hiddenSize: Int
    /// Per layer: input-to-hidden weights `[3H, In_k]`.
    public let weightsIH: [Parameter]
    /// Per layer: hidden-to-hidden weights `[3H, H]`.
    public let weightsHH: [Parameter]
    /// Per layer: input biases `[3H]`, empty without biases.
    public let biasesIH: [Parameter]
    /// Per layer: hidden biases `[3H]`, empty without biases.
    public let biasesHH: [Parameter]

    /// Zero parameters until `resetParameters(using:)`.
    public init(inputSize: Int, hiddenSize: Int, layers: Int = 1, bias: Bool = true) {
        precondition(layers >= 1, "a GRU needs at least one layer")
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        let gates = 3 * hiddenSize
        weightsIH = (0..<layers).map { .parameter(.zeros([gates, $0 == 0 ? inputSize : hiddenSize])) }
        weightsHH = (0..<layers).map { _ in .parameter(.zeros([gates, hiddenSize])) }
        biasesIH = bias ? (0..<layers).map { _ in .parameter(.zeros([gates])) } : []
        biasesHH = bias ? (0..<layers).map { _ in .parameter(.zeros([gates])) } : []
        super.init()
    }

    /// A GRU initialised with PyTorch's default from `rng`.
    public convenience init(inputSize: Int, hiddenSize: Int, layers: Int = 1, bias: Bool = true,
                            rng: inout SeededGenerator) {
        self.init(inputSize: inputSize, hiddenSize: hiddenSize, layers: layers, bias: bias)
        resetParameters(using: &rng)
    }

    /// Number of stacked layers.
    public var layerCount: Int { weightsIH.count }

    override public var namedLocalParameters: [(String, Parameter)] {
        var result: [(String, Parameter)] = []
        for k in 0..<layerCount {
            result.append(("weight_ih_l\(k)", weightsIH[k]))
            result.append(("weight_hh_l\(k)", weightsHH[k]))
            if !biasesIH.isEmpty {
                result.append(("bias_ih_l\(k)", biasesIH[k]))
                result.append(("bias_hh_l\(k)", biasesHH[k]))
            }
        }
        return result
    }

    override public func resetParameters(using rng: inout SeededGenerator) {
        let bound = 1 / Float(hiddenSize).squareRoot()
        for (_, parameter) in namedLocalParameters {
            parameter.value = Initializer.uniform(parameter.shape, bound: bound, using: &rng)
        }
    }

    /// The last layer's hidden states at every step: `input [B, L, In]` → `[B, L, H]` (h₀ = 0 for
    /// every layer; `Variable.gru` takes an initial state for a single layer).
    public func callAsFunction(_ input: Variable) -> Variable {
        var states = input
        for k in 0..<layerCount {
            states = Variable.gru(input: states, weightIH: weightsIH[k], weightHH: weightsHH[k],
                                  biasIH: biasesIH.isEmpty ? nil : biasesIH[k],
                                  biasHH: biasesHH.isEmpty ? nil : biasesHH[k])
        }
        return states
    }
}
