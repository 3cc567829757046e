/// An n-dimensional array of integer ids (item ids, user ids, positions), row-major.
///
/// Ids are stored as Swift `Int` (64-bit): they index embedding tables directly and match the
/// reference's int64 tensors without conversion. Id 0 is padding everywhere in this project.
public struct IndexTensor: Equatable, Sendable {
    /// The extent of every axis, outermost first.
    @inlinable public var shape: [Int] { storedShape }
    @usableFromInline var storedShape: [Int]
    /// The ids in row-major order.
    public var indices: [Int]

    /// Creates an index tensor from its shape and row-major ids.
    @inlinable
    public init(shape: [Int], indices: [Int]) {
        precondition(Tensor.elementCount(shape) == indices.count,
                     "shape \(shape) needs \(Tensor.elementCount(shape)) ids, got \(indices.count)")
        self.storedShape = shape
        self.indices = indices
    }

    /// A rank-1 index tensor.
    @inlinable
    public init(_ indices: [Int]) { self.init(shape: [indices.count], indices: indices) }

    @inlinable public var count: Int { indices.count }
    @inlinable public var rank: Int { shape.count }

    /// The same ids viewed with a new shape of equal element count.
    @inlinable
    public func reshaped(_ newShape: [Int]) -> IndexTensor {
        IndexTensor(shape: newShape, indices: indices)
    }

    /// The ids as `Float` values (for masks such as `item_seq > 0`).
    @inlinable
    public var asFloat: Tensor { Tensor(shape: shape, scalars: indices.map { Float($0) }) }
}
