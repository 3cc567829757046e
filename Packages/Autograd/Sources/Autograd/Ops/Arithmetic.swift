import Tensor

// Elementwise ops. Binary ops broadcast like NumPy; the gradient of a broadcast operand is the
// upstream gradient summed back to the operand's shape (`Tensor.sum(toShape:)`).

// MARK: - Variable ⊙ Variable

extension Variable {
    /// `a + b` with broadcasting. ∂/∂a = g, ∂/∂b = g, each summed to the operand's shape.
    public static func + (a: Variable, b: Variable) -> Variable {
        let (aShape, bShape) = (a.shape, b.shape)
        return record(a.value + b.value, inputs: [a, b]) { [needA = a.requiresGrad, needB = b.requiresGrad] g in
            [needA ? g.sum(toShape: aShape) : nil,
             needB ? g.sum(toShape: bShape) : nil]
        }
    }

    /// `a − b` with broadcasting. ∂/∂a = g, ∂/∂b = −g, each summed to the operand's shape.
    public static func - (a: Variable, b: Variable) -> Variable {
        let (aShape, bShape) = (a.shape, b.shape)
        return record(a.value - b.value, inputs: [a, b]) { [needA = a.requiresGrad, needB = b.requiresGrad] g in
            [needA ? g.sum(toShape: aShape) : nil,
             needB ? -g.sum(toShape: bShape) : nil]
        }
    }

    /// `a ⊙ b` with broadcasting. ∂/∂a = g ⊙ b, ∂/∂b = g ⊙ a, each summed to the operand's shape.
    public static func * (a: Variable, b: Variable) -> Variable {
        let (x, y) = (a.value, b.value)
        return record(x * y, inputs: [a, b]) { [needA = a.requiresGrad, needB = b.requiresGrad] g in
            [needA ? (g * y).sum(toShape: x.shape) : nil,
             needB ? (g * x).sum(toShape: y.shape) : nil]
        }
    }

    /// `a / b` with broadcasting. ∂/∂a = g / b, ∂/∂b = −g ⊙ (a / b) / b, each summed to the operand's shape.
    public static func / (a: Variable, b: Variable) -> Variable {
        let (x, y) = (a.value, b.value)
        let quotient = x / y
        return record(quotient, inputs: [a, b]) { [needA = a.requiresGrad, needB = b.requiresGrad] g in
            var gradB: Tensor? = nil
            if needB {
                var t = g * quotient  // output shape, so `y` broadcasts into it in place
                t /= y
                var reduced = t.sum(toShape: y.shape)
                reduced *= -1  // in place: `reduced` is uniquely owned
                gradB = reduced
            }
            return [needA ? (g / y).sum(toShape: x.shape) : nil, gradB]
        }
    }

    /// `−x`. ∂/∂x = −g.
    public static prefix func - (x: Variable) -> Variable {
        record(-x.value, inputs: [x]) { g in [-g] }
    }
}

// MARK: - Variable ⊙ scalar

extension Variable {
    /// `x + s`. ∂/∂x = g.
    public static func + (x: Variable, s: Float) -> Variable {
        record(x.value + s, inputs: [x]) { g in [g] }
    }

    /// `s + x`. ∂/∂x = g.
    public static func + (s: Float, x: Variable) -> Variable { x + s }

    /// `x − s`. ∂/∂x = g.
    public static func - (x: Variable, s: Float) -> Variable {
        record(x.value - s, inputs: [x]) { g in [g] }
    }

    /// `s − x`. ∂/∂x = −g.
    public static func - (s: Float, x: Variable) -> Variable {
        record(s - x.value, inputs: [x]) { g in [-g] }
    }

    /// `x · s`. ∂/∂x = s·g.
    public static func * (x: Variable, s: Float) -> Variable {
        record(x.value * s, inputs: [x]) { g in [g * s] }
    }

    /// `s · x`. ∂/∂x = s·g.
    public static func * (s: Float, x: Variable) -> Variable { x * s }

    /// `x / s`. ∂/∂x = g / s.
    public static func / (x: Variable, s: Float) -> Variable {
        record(x.value / s, inputs: [x]) { g in [g / s] }
    }
}

// MARK: - Elementwise functions

extension Variable {
    /// `eˣ`. ∂/∂x = g ⊙ eˣ (the saved output).
    public func exp() -> Variable {
        let y = value.exp()
        return Variable.record(y, inputs: [self]) { g in [Tensor.zipMap(g, y) { $0 * $1 }] }
    }

    /// `ln x`. ∂/∂x = g / x.
    public func log() -> Variable {
        let x = value
        return Variable.record(x.log(), inputs: [self]) { g in [Tensor.zipMap(g, x) { $0 / $1 }] }
    }

    /// `tanh x`. ∂/∂x = g ⊙ (1 − y²) with y the output.
    public func tanh() -> Variable {
        let y = value.tanh()
        return Variable.record(y, inputs: [self]) { g in [Tensor.zipMap(g, y) { $0 * (1 - $1 * $1) }] }
    }

    /// `σ(x) = 1 / (1 + e⁻ˣ)`. ∂/∂x = g ⊙ y ⊙ (1 − y) with y the output.
    public func sigmoid() -> Variable {
        let y = value.sigmoid()
        return Variable.record(y, inputs: [self]) { g in [Tensor.zipMap(g, y) { $0 * $1 * (1 - $1) }] }
    }

    /// `min(x, upperBound)` (PyTorch's `clamp(max:)`). ∂/∂x = g where x ≤ upperBound, else 0.
    /// NaN stays NaN.
    public func clamped(max upperBound: Float) -> Variable {
        let x = value
        return Variable.record(x.map { $0 > upperBound ? upperBound : $0 }, inputs: [self]) { g in
            [Tensor.zipMap(g, x) { $1 > upperBound ? 0 : $0 }]
        }
    }

    /// `max(x, 0)`. ∂/∂x = g where the output is positive, else 0.
    public func relu() -> Variable {
        let y = value.relu()
        return Variable.record(y, inputs: [self]) { g in [Tensor.zipMap(g, y) { $1 > 0 ? $0 : 0 }] }
    }

    /// GELU in its exact (erf) form: `0.5 · x · (1 + erf(x / √2))` = x·Φ(x).
    /// ∂/∂x = g ⊙ (Φ(x) + x·φ(x)) with φ(x) = e^(−x²/2) / √(2π). Vectorised (`GELUKernel`).
    public func gelu() -> Variable {
        let x = value
        return Variable.record(GELUKernel.forward(x), inputs: [self]) { g in [GELUKernel.backward(g, x)] }
    }

    /// `√x`. ∂/∂x = g / (2·y) with y the output.
    public func sqrt() -> Variable {
        let y = value.sqrt()
        return Variable.record(y, inputs: [self]) { g in [Tensor.zipMap(g, y) { 0.5 * $0 / $1 }] }
    }

    /// `x²`. ∂/∂x = 2·g ⊙ x.
    public func squared() -> Variable {
        let x = value
        return Variable.record(x.squared(), inputs: [self]) { g in [Tensor.zipMap(g, x) { 2 * $0 * $1 }] }
    }
}

