import Tensor

/// `y = x · weightᵀ + bias`: `x [..., in]` → `[..., out]` (PyTorch's `nn.Linear`; parameters
/// `weight [out, in]` and `bias [out]`).
///
/// `init(inFeatures:outFeatures:bias:)` leaves the parameters at zero until
/// `resetParameters(using:)` (or `resetAllParameters` on the model) draws PyTorch's default:
/// weight Kaiming-uniform with a = √5, i.e. U(±1/√in), and bias U(±1/√in).
/// The `rng:` initialiser does both at once.
public final class Linear: Module, Layer {
    public let inFeatures: Int
    public let outFeatures: Int
    /// `[out, in]`.
    public let weight: Parameter
    /// `[out]`, or `nil` for a layer without bias.
    public let bias: Parameter?

    public init(inFeatures: Int, outFeatures: Int, bias: Bool = true) {
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        weight = .parameter(.zeros([outFeatures, inFeatures]))
        self.bias = bias ? .parameter(.zeros([outFeatures])) : nil
        super.init()
    }

    /// A layer initialised with PyTorch's default from `rng`.
    public convenience init(inFeatures: Int, outFeatures: Int, bias: Bool = true, rng: inout SeededGenerator) {
        self.init(inFeatures: inFeatures, outFeatures: outFeatures, bias: bias)
        resetParameters(using: &rng)
    }

    override public var namedLocalParameters: [(String, Parameter)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }

    override public func resetParameters(using rng: inout SeededGenerator) {
        weight.value = Initializer.kaimingUniform(weight.shape, using: &rng)
        if let bias { bias.value = Initializer.fanInBias(bias.shape, fanIn: inFeatures, using: &rng) }
    }

    public func callAsFunction(_ input: Variable) -> Variable {
        input.linear(weight: weight, bias: bias)
    }
}
