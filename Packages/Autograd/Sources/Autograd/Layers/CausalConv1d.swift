import Tensor

/// Causal dilated 1-D convolution over time (NextItNet's `Conv2d` with a 1×k kernel after a left
/// zero-padding of (k − 1)·dilation): `x [B, L, Cin]` → `[B, L, Cout]`, output t sees inputs ≤ t.
///
/// Parameters `weight [Cout, Cin, 1, k]` and `bias [Cout]` (PyTorch's Conv2d layout).
/// `resetParameters(using:)` draws PyTorch's Conv2d default: weight Kaiming-uniform with a = √5,
/// i.e. U(±1/√(Cin·k)), bias U(±1/√(Cin·k)); the plain initialiser leaves zeros until then.
public final class CausalConv1d: Module, Layer {
    public let inChannels: Int
    public let outChannels: Int
    public let kernelSize: Int
    public let dilation: Int
    /// `[Cout, Cin, 1, k]`.
    public let weight: Parameter
    /// `[Cout]`, or `nil`.
    public let bias: Parameter?

    public init(inChannels: Int, outChannels: Int, kernelSize: Int, dilation: Int = 1, bias: Bool = true) {
        precondition(kernelSize >= 1 && dilation >= 1, "kernel size and dilation must be ≥ 1")
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernelSize = kernelSize
        self.dilation = dilation
        weight = .parameter(.zeros([outChannels, inChannels, 1, kernelSize]))
        self.bias = bias ? .parameter(.zeros([outChannels])) : nil
        super.init()
    }

    /// A layer initialised with PyTorch's default from `rng`.
    public convenience init(inChannels: Int, outChannels: Int, kernelSize: Int, dilation: Int = 1, bias: Bool = true,
                            rng: inout SeededGenerator) {
        self.init(inChannels: inChannels, outChannels: outChannels, kernelSize: kernelSize, dilation: dilation, bias: bias)
        resetParameters(using: &rng)
    }

    override public var namedLocalParameters: [(String, Parameter)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }

    override public func resetParameters(using rng: inout SeededGenerator) {
        weight.value = Initializer.kaimingUniform(weight.shape, using: &rng)
        if let bias { bias.value = Initializer.fanInBias(bias.shape, fanIn: inChannels * kernelSize, using: &rng) }
    }

    public func callAsFunction(_ input: Variable) -> Variable {
        input.causalConv1d(weight: weight, bias: bias, dilation: dilation)
    }

    /// Only the last `outputLength` positions of the output, `[B, outputLength, Cout]`, each exactly as
    /// the full call computes it (see `Variable.causalConv1d(weight:bias:dilation:outputLength:)`).
    public func callAsFunction(_ input: Variable, outputLength: Int) -> Variable {
        input.causalConv1d(weight: weight, bias: bias, dilation: dilation, outputLength: outputLength)
    }

    /// `relu(norm(self(input, outputLength:)))` as one op (`Variable.causalConv1dLayerNormReLU`): the same
    /// values as the three layers in a row, each block of sequences taken through all three in cache.
    public func normalizedReLU(_ input: Variable, outputLength: Int, norm: LayerNorm) -> Variable {
        precondition(norm.dimension == outChannels, "LayerNorm(\(norm.dimension)) after a convolution with \(outChannels) outputs")
        return input.causalConv1dLayerNormReLU(weight: weight, bias: bias, dilation: dilation, outputLength: outputLength,
                                               normWeight: norm.weight, normBias: norm.bias, eps: norm.eps)
    }

    /// How many positions before an output position its receptive field reaches: (k − 1)·dilation.
    public var reach: Int { (kernelSize - 1) * dilation }
}
