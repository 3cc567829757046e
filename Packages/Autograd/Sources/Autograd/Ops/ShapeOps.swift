import Tensor

// Layout changes. Their gradients undo the layout change; a slice's gradient is the upstream
// gradient written into zeros of the input's shape.

extension Variable {
    /// The same elements with a new shape of equal count (one extent may be −1). ∂/∂x = g reshaped back.
    public func reshaped(_ shape: [Int]) -> Variable {
        let inputShape = self.shape
        return Variable.record(value.reshaped(shape), inputs: [self]) { g in [g.reshaped(inputShape)] }
    }

    /// Swaps the last two axes: `[..., M, N]` → `[..., N, M]`. ∂/∂x = g transposed back.
    public func transposed() -> Variable {
        Variable.record(value.transposed(), inputs: [self]) { g in [g.transposed()] }
    }

    /// Reorders the axes: result axis `i` is input axis `axes[i]`. ∂/∂x = g permuted by the inverse.
    public func permuted(_ axes: [Int]) -> Variable {
        var inverse = [Int](repeating: 0, count: axes.count)
        for (i, axis) in axes.enumerated() { inverse[value.normalizedAxis(axis)] = i }
        return Variable.record(value.permuted(axes), inputs: [self]) { g in [g.permuted(inverse)] }
    }

    /// The elements with index in `range` along `axis`. ∂/∂x = g in the sliced positions, 0 elsewhere.
    public func slice(axis: Int, range: Range<Int>) -> Variable {
        let inputShape = shape, a = value.normalizedAxis(axis)
        return Variable.record(value.slice(axis: a, range: range), inputs: [self]) { g in
            [embedSlice(g, into: inputShape, axis: a, start: range.lowerBound)]
        }
    }

    /// The variables joined along `axis` (all other extents equal). ∂/∂xᵢ = the matching slice of g.
    public static func concat(_ xs: [Variable], axis: Int) -> Variable {
        precondition(!xs.isEmpty, "concat needs at least one variable")
        let a = xs[0].value.normalizedAxis(axis)
        let extents = xs.map { $0.shape[a] }
        let needs = xs.map(\.requiresGrad)
        return record(Tensor.concat(xs.map(\.value), axis: a), inputs: xs) { g in
            var start = 0
            return zip(extents, needs).map { extent, need in
                defer { start += extent }
                return need ? g.slice(axis: a, range: start..<(start + extent)) : nil
            }
        }
    }

    /// Consecutive pieces along `axis` with the given extents (adding up to the axis extent;
    /// `Tensor.splitRanges`). Each piece is a `slice`, so pieces that do not reach the loss cost
    /// nothing in backward.
    public func split(axis: Int, sizes: [Int]) -> [Variable] {
        let a = value.normalizedAxis(axis)
        return value.splitRanges(axis: axis, sizes: sizes).map { slice(axis: a, range: $0) }
    }

    /// `count` pieces along `axis` as PyTorch's `chunk` (and `Tensor.chunked`): extent ⌈n / count⌉
    /// each, the last one possibly smaller (`Tensor.chunkSizes`).
    public func chunked(_ count: Int, axis: Int) -> [Variable] {
        split(axis: axis, sizes: value.chunkSizes(count, axis: axis))
    }

    /// A new axis of extent 1 at `axis` (in `-(rank + 1) ... rank`). ∂/∂x = g without that axis.
    public func expandingDims(at axis: Int) -> Variable {
        let inputShape = shape
        return Variable.record(value.expandingDims(at: axis), inputs: [self]) { g in [g.reshaped(inputShape)] }
    }

    /// Removes `axis`, which must have extent 1. ∂/∂x = g with the axis restored.
    public func squeezed(axis: Int) -> Variable {
        let inputShape = shape
        return Variable.record(value.squeezed(axis: axis), inputs: [self]) { g in [g.reshaped(inputShape)] }
    }

    /// This variable repeated along its extent-1 (or missing leading) axes to `shape`.
    /// ∂/∂x = g summed over the broadcast axes.
    public func broadcast(to shape: [Int]) -> Variable {
        let inputShape = self.shape
        return Variable.record(value.broadcast(to: shape), inputs: [self]) { g in [g.sum(toShape: inputShape)] }
    }
}

/// Zeros of `shape` with `piece` written at `start ..< start + piece.shape[axis]` along `axis`
/// (the adjoint of `Tensor.slice`).
private func embedSlice(_ piece: Tensor, into shape: [Int], axis: Int, start: Int) -> Tensor {
    var result = Tensor.zeros(shape)
    let outer = shape[..<axis].reduce(1, *), inner = shape[(axis + 1)...].reduce(1, *)
    let fullRun = shape[axis] * inner, run = piece.shape[axis] * inner
    guard run > 0 else { return result }
    result.scalars.withUnsafeMutableBufferPointer { out in
        piece.scalars.withUnsafeBufferPointer { source in
            for i in 0..<outer {
                (out.baseAddress! + i * fullRun + start * inner).update(from: source.baseAddress! + i * run, count: run)
            }
        }
    }
    return result
}
