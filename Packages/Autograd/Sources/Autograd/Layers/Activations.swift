/// Parameter-free activation layers, for use in `Sequential`.

/// max(x, 0).
public final class ReLU: Module, Layer {
    override public init() { super.init() }
    public func callAsFunction(_ input: Variable) -> Variable { input.relu() }
}

/// tanh(x).
public final class Tanh: Module, Layer {
    override public init() { super.init() }
    public func callAsFunction(_ input: Variable) -> Variable { input.tanh() }
}

/// σ(x) = 1 / (1 + e^(−x)).
public final class Sigmoid: Module, Layer {
    override public init() { super.init() }
    public func callAsFunction(_ input: Variable) -> Variable { input.sigmoid() }
}

/// GELU in its exact (erf) form: 0.5·x·(1 + erf(x/√2)).
public final class GELU: Module, Layer {
    override public init() { super.init() }
    public func callAsFunction(_ input: Variable) -> Variable { input.gelu() }
}
