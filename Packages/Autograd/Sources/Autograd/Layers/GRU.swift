import Tensor

/// A one-layer GRU over whole sequences, batch first (PyTorch's `nn.GRU(input, hidden,
/// batch_first=True)`): `x [B, L, In]` → all hidden states `[B, L, H]` (the last one is `[:, L−1]`).
///
/// Parameters under PyTorch's names: `weight_ih_l0 [3H, In]`, `weight_hh_l0 [3H, H]` and, with
/// biases, `bias_ih_l0 [3H]`, `bias_hh_l0 [3H]`; gate order r, z, n. Each call is one fused
/// `Variable.gru`. `resetParameters(using:)` draws PyTorch's default U(±1/√H) for all of them (the
/// plain initialiser leaves zeros until then).
public final class GRU: Module, Layer {
    public let inputSize: Int
    public let hiddenSize: Int
    /// `weight_ih_l0 [3H, In]`.
    public let weightIH: Parameter
    /// `weight_hh_l0 [3H, H]`.
    public let weightHH: Parameter
    /// `bias_ih_l0 [3H]`, or `nil`.
    public let biasIH: Parameter?
    /// `bias_hh_l0 [3H]`, or `nil`.
    public let biasHH: Parameter?

    public init(inputSize: Int, hiddenSize: Int, bias: Bool = true) {
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        weightIH = .parameter(.zeros([3 * hiddenSize, inputSize]))
        weightHH = .parameter(.zeros([3 * hiddenSize, hiddenSize]))
        biasIH = bias ? .parameter(.zeros([3 * hiddenSize])) : nil
        biasHH = bias ? .parameter(.zeros([3 * hiddenSize])) : nil
        super.init()
    }

    /// A layer initialised with PyTorch's default from `rng`.
    public convenience init(inputSize: Int, hiddenSize: Int, bias: Bool = true, rng: inout SeededGenerator) {
        self.init(inputSize: inputSize, hiddenSize: hiddenSize, bias: bias)
        resetParameters(using: &rng)
    }

    override public var namedLocalParameters: [(String, Parameter)] {
        var named: [(String, Parameter)] = [("weight_ih_l0", weightIH), ("weight_hh_l0", weightHH)]
        if let biasIH { named.append(("bias_ih_l0", biasIH)) }
        if let biasHH { named.append(("bias_hh_l0", biasHH)) }
        return named
    }

    override public func resetParameters(using rng: inout SeededGenerator) {
        let bound = 1 / Float(hiddenSize).squareRoot()
        for (_, p) in namedLocalParameters { p.value = Initializer.uniform(p.shape, bound: bound, using: &rng) }
    }

    /// `x [B, L, In]` → `[B, L, H]`, from `h0 [B, H]` (zeros when `nil`).
    public func callAsFunction(_ input: Variable, h0: Variable?) -> Variable {
        Variable.gru(input: input, h0: h0, weightIH: weightIH, weightHH: weightHH, biasIH: biasIH, biasHH: biasHH)
    }

    /// `x [B, L, In]` → `[B, L, H]` from a zero initial state.
    public func callAsFunction(_ input: Variable) -> Variable { self(input, h0: nil) }
}
