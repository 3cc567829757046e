/// An n-dimensional array of `Float` in row-major (C) order.
///
/// `Tensor` is a value type: its scalars live in a Swift `Array`, so copies are cheap and
/// copy-on-write. Every tensor is contiguous; operations that change the layout
/// (transpose, permute, slice) produce a new contiguous tensor.
///
/// Hot loops should read through `withUnsafeBufferPointer` / `withUnsafeMutableBufferPointer`
/// on the local value, never element by element through `subscript`.
public struct Tensor: Equatable, Sendable {
    /// The extent of every axis, outermost first. A scalar has shape `[]`.
    @inlinable public var shape: [Int] { storedShape }
    @usableFromInline var storedShape: [Int]
    /// The scalars in row-major order; `scalars.count == shape.product`.
    public var scalars: [Float]

    /// Creates a tensor from its shape and row-major scalars.
    /// - Precondition: `scalars.count` equals the product of `shape`.
    @inlinable
    public init(shape: [Int], scalars: [Float]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative extent in shape \(shape)")
        precondition(Tensor.elementCount(shape) == scalars.count,
                     "shape \(shape) needs \(Tensor.elementCount(shape)) scalars, got \(scalars.count)")
        self.storedShape = shape
        self.scalars = scalars
    }

    /// A tensor of the given shape filled with `value`.
    @inlinable
    public init(repeating value: Float, shape: [Int]) {
        self.init(shape: shape, scalars: [Float](repeating: value, count: Tensor.elementCount(shape)))
    }

    /// A scalar (rank-0) tensor.
    @inlinable
    public init(_ value: Float) { self.init(shape: [], scalars: [value]) }

    /// A tensor of zeros.
    @inlinable
    public static func zeros(_ shape: [Int]) -> Tensor { Tensor(repeating: 0, shape: shape) }

    /// A tensor of ones.
    @inlinable
    public static func ones(_ shape: [Int]) -> Tensor { Tensor(repeating: 1, shape: shape) }

    /// A tensor whose shape and scalars are produced by `body`, which writes all `count` entries
    /// of an uninitialised buffer. The fastest way to build a result inside a kernel.
    @inlinable
    public init(shape: [Int], unsafeUninitializedScalars body: (UnsafeMutableBufferPointer<Float>) -> Void) {
        let n = Tensor.elementCount(shape)
        let scalars = [Float](unsafeUninitializedCapacity: n) { buffer, initialized in
            body(buffer)
            initialized = n
        }
        self.init(shape: shape, scalars: scalars)
    }

    /// Number of scalars.
    @inlinable public var count: Int { scalars.count }
    /// Number of axes.
    @inlinable public var rank: Int { shape.count }

    /// The single value of a one-element tensor.
    @inlinable
    public var item: Float {
        precondition(scalars.count == 1, "item needs exactly one element, tensor has shape \(shape)")
        return scalars[0]
    }

    /// The product of the extents (1 for a scalar).
    @inlinable
    public static func elementCount(_ shape: [Int]) -> Int { shape.reduce(1, *) }

    /// Row-major strides of `shape`, in elements.
    @inlinable
    public static func strides(of shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var running = 1
        for axis in stride(from: shape.count - 1, through: 0, by: -1) {
            strides[axis] = running
            running *= shape[axis]
        }
        return strides
    }

    /// Resolves a possibly negative axis (`-1` = last) against this tensor's rank.
    @inlinable
    public func normalizedAxis(_ axis: Int) -> Int {
        let resolved = axis < 0 ? axis + rank : axis
        precondition(resolved >= 0 && resolved < rank, "axis \(axis) out of range for shape \(shape)")
        return resolved
    }

    /// Element access by a full multi-index. Convenient in tests; slow in loops.
    @inlinable
    public subscript(_ index: Int...) -> Float {
        get { scalars[flatIndex(index)] }
        set { scalars[flatIndex(index)] = newValue }
    }

    @inlinable
    func flatIndex(_ index: [Int]) -> Int {
        precondition(index.count == rank, "index \(index) does not match shape \(shape)")
        var flat = 0
        for (axis, i) in index.enumerated() {
            precondition(i >= 0 && i < shape[axis], "index \(index) out of bounds for shape \(shape)")
            flat = flat * shape[axis] + i
        }
        return flat
    }

    /// The same scalars viewed with a new shape of equal element count. One extent may be `-1`.
    @inlinable
    public func reshaped(_ newShape: [Int]) -> Tensor {
        var resolved = newShape
        if let unknown = newShape.firstIndex(of: -1) {
            let known = newShape.enumerated().filter { $0.offset != unknown }.map(\.element).reduce(1, *)
            precondition(known > 0 && count % known == 0, "cannot reshape \(shape) to \(newShape)")
            resolved[unknown] = count / known
        }
        var result = self
        precondition(Tensor.elementCount(resolved) == count, "cannot reshape \(shape) to \(newShape)")
        result.storedShape = resolved
        return result
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let preview = scalars.prefix(8).map { String($0) }.joined(separator: ", ")
        return "Tensor(shape: \(shape), [\(preview)\(count > 8 ? ", …" : "")])"
    }
}
