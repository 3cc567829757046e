import Tensor

/// A module that maps one variable to one variable, so that it can be chained in a `Sequential`.
public protocol Layer: Module {
    func callAsFunction(_ input: Variable) -> Variable
}

/// Layers applied in order, named `"0"`, `"1"`, … as PyTorch's `nn.Sequential` (parameter-free
/// layers such as `ReLU` or `Tanh` keep their index, so `mlp_layers.1.weight` is the second layer's).
public final class Sequential: Module, Layer {
    public let layers: [any Layer]

    public init(_ layers: [any Layer]) {
        self.layers = layers
        super.init()
    }

    override public var namedChildren: [(String, Module)] {
        layers.enumerated().map { (String($0.offset), $0.element as Module) }
    }

    public func callAsFunction(_ input: Variable) -> Variable {
        layers.reduce(input) { x, layer in layer(x) }
    }
}
