import Tensor

// Sums and means. Their gradients spread the upstream gradient back over the reduced elements.

extension Variable {
    /// Σ of all elements, shape `[]`. ∂/∂x = g everywhere.
    public func sum() -> Variable {
        let shape = self.shape
        return Variable.record(value.sum(), inputs: [self]) { g in [Tensor(repeating: g.item, shape: shape)] }
    }

    /// Mean of all elements, shape `[]`. ∂/∂x = g / count everywhere.
    public func mean() -> Variable {
        let shape = self.shape, count = value.count
        return Variable.record(value.mean(), inputs: [self]) { g in
            [Tensor(repeating: g.item / Float(count), shape: shape)]
        }
    }

    /// Σ along `axis` (negative counts from the end); the axis is removed, or kept with extent 1.
    /// ∂/∂x = g broadcast back along the axis.
    public func sum(axis: Int, keepDims: Bool = false) -> Variable {
        let shape = self.shape
        let keptShape = keptDimsShape(axis)
        return Variable.record(value.sum(axis: axis, keepDims: keepDims), inputs: [self]) { g in
            [g.reshaped(keptShape).broadcast(to: shape)]
        }
    }

    /// Mean along `axis` (negative counts from the end); the axis is removed, or kept with extent 1.
    /// ∂/∂x = g / n broadcast back along the axis (n its extent).
    public func mean(axis: Int, keepDims: Bool = false) -> Variable {
        let shape = self.shape
        let keptShape = keptDimsShape(axis)
        let scale = 1 / Float(shape[value.normalizedAxis(axis)])
        return Variable.record(value.mean(axis: axis, keepDims: keepDims), inputs: [self]) { g in
            var grad = g.reshaped(keptShape).broadcast(to: shape)
            grad *= scale
            return [grad]
        }
    }

    /// This variable's shape with `axis` set to extent 1.
    private func keptDimsShape(_ axis: Int) -> [Int] {
        var result = shape
        result[value.normalizedAxis(axis)] = 1
        return result
    }
}
