import Tensor

/// Pre-trained item vectors as a `[itemCount + 1, vectorSize]` row-major table: row `i` is item
/// `i`'s vector, row 0 (padding) is all zeros, and items that were not trained are all zeros.
public struct ItemEmbeddings: Sendable, Equatable {
    /// Largest item id `I`.
    public let itemCount: Int
    /// Vector length `D`.
    public let vectorSize: Int
    /// `(I + 1) · D` values, row after row.
    public var values: [Float]

    /// - Precondition: `values.count == (itemCount + 1) * vectorSize`.
    public init(itemCount: Int, vectorSize: Int, values: [Float]) {
        precondition(itemCount >= 0 && vectorSize > 0, "need itemCount ≥ 0 and vectorSize > 0")
        precondition(values.count == (itemCount + 1) * vectorSize,
                     "expected \((itemCount + 1) * vectorSize) values for [\(itemCount + 1), \(vectorSize)], got \(values.count)")
        self.itemCount = itemCount
        self.vectorSize = vectorSize
        self.values = values
    }

    /// All-zero vectors.
    public static func zeros(itemCount: Int, vectorSize: Int) -> ItemEmbeddings {
        ItemEmbeddings(itemCount: itemCount, vectorSize: vectorSize,
                       values: [Float](repeating: 0, count: (itemCount + 1) * vectorSize))
    }

    /// Item `item`'s vector (`item` in `0 ... itemCount`).
    public func vector(_ item: Int) -> ArraySlice<Float> {
        values[item * vectorSize ..< (item + 1) * vectorSize]
    }

    /// The table as a `[I + 1, D]` tensor, ready to initialise an item embedding.
    public var tensor: Tensor { Tensor(shape: [itemCount + 1, vectorSize], scalars: values) }

    /// Takes a `[I + 1, D]` tensor (e.g. read back from safetensors).
    public init(tensor: Tensor) {
        precondition(tensor.rank == 2 && tensor.shape[0] >= 1, "item embeddings need shape [I + 1, D], got \(tensor.shape)")
        self.init(itemCount: tensor.shape[0] - 1, vectorSize: tensor.shape[1], values: tensor.scalars)
    }
}
