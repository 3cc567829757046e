import Autograd
import Tensor

/// A PyTorch-style multi-layer GRU (`nn.GRU(batch_first=True)`) over whole sequences: layer k reads
/// layer k − 1's hidden states. Parameters per layer k, under PyTorch's names:
/// `weight_ih_l<k> [3H, In_k]`, `weight_hh_l<k> [3H, H]` and, with biases, `bias_ih_l<k> [3H]`,
/// `bias_hh_l<k> [3H]` (gate order r, z, n; In_0 = input size, In_k = H after).
///
/// Each layer is one fused `Variable.gru` call. Initialisation: PyTorch's default U(±1/√H) for
/// every weight and bias.
public final class StackedGRU: Module {
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
            parameter.value = .uniform(parameter.shape, low: -bound, high: bound, using: &rng)
        }
    }

    /// Hidden states of the last layer at every step: `input [B, L, In]` → `[B, L, H]` (h₀ = 0).
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
