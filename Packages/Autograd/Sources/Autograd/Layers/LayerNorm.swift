import Tensor

/// Layer normalisation over the last axis (PyTorch's `nn.LayerNorm(dimension, eps)`):
/// `y = (x − μ) / √(σ² + eps) ⊙ weight + bias`, parameters `weight [D]` (ones) and `bias [D]` (zeros).
public final class LayerNorm: Module, Layer {
    public let dimension: Int
    public let eps: Float
    /// `[D]`, initially ones.
    public let weight: Parameter
    /// `[D]`, initially zeros.
    public let bias: Parameter

    public init(dimension: Int, eps: Float = 1e-5) {
        self.dimension = dimension
        self.eps = eps
        weight = .parameter(.ones([dimension]))
        bias = .parameter(.zeros([dimension]))
        super.init()
    }

    override public var namedLocalParameters: [(String, Parameter)] { [("weight", weight), ("bias", bias)] }

    override public func resetParameters(using rng: inout SeededGenerator) {
        weight.value = .ones([dimension])
        bias.value = .zeros([dimension])
    }

    public func callAsFunction(_ input: Variable) -> Variable {
        input.layerNorm(weight: weight, bias: bias, eps: eps)
    }
}
