import Tensor

/// A lookup table `weight [count, dimension]`: ids of shape `S` → `[S..., dimension]`
/// (PyTorch's `nn.Embedding`).
///
/// With a `paddingIndex`, that row is zero after initialisation and never receives a gradient
/// (PyTorch's `padding_idx`), so it stays zero through training unless values are loaded into it.
/// `resetParameters(using:)` draws N(0, 1) (PyTorch's default) and zeroes the padding row; the plain
/// initialiser leaves the table at zero until then.
public final class Embedding: Module {
    public let count: Int
    public let dimension: Int
    public let paddingIndex: Int?
    /// `[count, dimension]`.
    public let weight: Parameter

    public init(count: Int, dimension: Int, paddingIndex: Int? = nil) {
        if let paddingIndex {
            precondition(paddingIndex >= 0 && paddingIndex < count,
                         "Embedding paddingIndex \(paddingIndex) is outside 0..<\(count)")
        }
        self.count = count
        self.dimension = dimension
        self.paddingIndex = paddingIndex
        weight = .parameter(.zeros([count, dimension]))
        super.init()
    }

    /// A table initialised with PyTorch's default from `rng`.
    public convenience init(count: Int, dimension: Int, paddingIndex: Int? = nil, rng: inout SeededGenerator) {
        self.init(count: count, dimension: dimension, paddingIndex: paddingIndex)
        resetParameters(using: &rng)
    }

    override public var namedLocalParameters: [(String, Parameter)] { [("weight", weight)] }

    override public func resetParameters(using rng: inout SeededGenerator) {
        var table = Initializer.normal(weight.shape, using: &rng)
        if let paddingIndex {
            table.scalars.replaceSubrange((paddingIndex * dimension)..<((paddingIndex + 1) * dimension),
                                          with: repeatElement(0, count: dimension))
        }
        weight.value = table
    }

    /// The rows for `ids` (shape `S` → `[S..., dimension]`).
    public func callAsFunction(_ ids: IndexTensor) -> Variable {
        weight.gatherRows(ids, paddingIndex: paddingIndex)
    }
}
