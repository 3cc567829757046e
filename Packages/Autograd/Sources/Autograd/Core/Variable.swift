import Tensor

/// A node of the dynamic computation graph: a tensor value plus, once `backward()` has run, the
/// gradient of the loss with respect to it.
///
/// Leaves with `requiresGrad == true` are the trainable parameters; they keep their gradient
/// (accumulated over calls to `backward()`) until `zeroGrad()`. Every op records its inputs and a
/// backward rule when gradients are enabled and at least one input requires a gradient; after
/// `backward()` the interior of the graph is released, so no graph stays alive.
///
/// Freezing a parameter is setting `requiresGrad = false`: ops then skip its gradient entirely.
public final class Variable {
    /// The forward value. Setting or mutating it drops the inference layouts kept for it.
    public var value: Tensor {
        didSet { inferenceLayouts?.clear() }
    }
    /// ∂loss/∂value after `backward()`, `nil` before (or for variables that need no gradient).
    public var grad: Tensor?
    /// Whether gradients flow into this variable. `false` for inputs, data and frozen parameters.
    public var requiresGrad: Bool

    /// The inputs this variable was computed from (empty for leaves and after `backward()`).
    @usableFromInline var inputs: [Variable] = []
    /// Maps ∂loss/∂self to ∂loss/∂input for each input (`nil` where an input needs no gradient).
    @usableFromInline var backwardRule: ((Tensor) -> [Tensor?])?
    /// Where the op was recorded; kept only while `AnomalyDetection` is on, to name it in backward.
    @usableFromInline var recordSite: (file: StaticString, line: UInt)?
    /// Re-laid-out copies of `value` for inference kernels; parameters only (`Variable.parameter`),
    /// whose values serve many requests. `nil` for every other variable.
    var inferenceLayouts: InferenceLayouts?

    /// A leaf variable.
    public init(_ value: Tensor, requiresGrad: Bool = false) {
        self.value = value
        self.requiresGrad = requiresGrad
    }

    /// The value's shape.
    @inlinable public var shape: [Int] { value.shape }

    /// Whether this variable was produced by an op (as opposed to being a leaf).
    public var isLeaf: Bool { backwardRule == nil }

    /// Clears the accumulated gradient.
    public func zeroGrad() { grad = nil }

    /// Records the result of an op. When gradients are enabled and any input requires a gradient, the
    /// result remembers `inputs` and `rule`; otherwise it is a plain constant and `rule` is dropped.
    ///
    /// `rule` receives ∂loss/∂result (same shape as `value`) and returns one gradient per input, in
    /// order, with the input's shape (or `nil` for inputs that do not need one — check
    /// `inputs[i].requiresGrad` to skip work). `file` and `line` name the op for `AnomalyDetection`.
    @inlinable @inline(__always)
    public static func record(_ value: Tensor, inputs: [Variable], file: StaticString = #fileID, line: UInt = #line,
                              rule: @escaping (Tensor) -> [Tensor?]) -> Variable {
        let detecting = AnomalyDetection.enabled
        if detecting { AnomalyDetection.check(value, pass: .forward, file: file, line: line) }
        guard GradientMode.isEnabled, inputs.contains(where: { $0.requiresGrad }) else {
            return Variable(value)
        }
        let result = Variable(value, requiresGrad: true)
        result.inputs = inputs
        result.backwardRule = rule
        if detecting { result.recordSite = (file, line) }
        return result
    }

    /// Whether an op on `inputs` records its backward rule now: gradients are enabled on this thread
    /// and some input requires a gradient. An op with a faster path that records nothing (inference)
    /// takes it only when this is `false`.
    public static func recordsGraph(for inputs: [Variable]) -> Bool {
        GradientMode.isEnabled && inputs.contains(where: { $0.requiresGrad })
    }

    /// Back-propagates from this scalar (one-element) variable: afterwards every leaf that requires a
    /// gradient has `grad` += ∂self/∂leaf. The graph's interior is released.
    public func backward() {
        precondition(value.count == 1, "backward() needs a one-element loss, got shape \(shape)")
        backward(seed: Tensor(repeating: 1, shape: shape))
    }

    /// Back-propagates an explicit upstream gradient `seed` (shape of `value`).
    public func backward(seed: Tensor) {
        precondition(seed.shape == shape, "backward seed shape \(seed.shape) differs from value shape \(shape)")
        guard requiresGrad else { return }
        let order = topologicalOrder()
        accumulate(seed)
        for node in order.reversed() {
            guard let rule = node.backwardRule else { continue }
            if let upstream = node.grad {
                let inputGrads = rule(upstream)
                if let site = node.recordSite {
                    for g in inputGrads { if let g { AnomalyDetection.check(g, pass: .backward, file: site.file, line: site.line) } }
                }
                for (input, g) in zip(node.inputs, inputGrads) where input.requiresGrad {
                    if let g { input.accumulate(g) }
                }
            }
            node.grad = nil
            node.inputs = []
            node.backwardRule = nil
            node.recordSite = nil
        }
    }

    @usableFromInline
    func accumulate(_ g: Tensor) {
        precondition(g.shape == shape, "gradient shape \(g.shape) differs from value shape \(shape)")
        if grad == nil { grad = g } else { grad! += g }
    }

    /// Interior nodes reachable from `self`, each after all of its inputs (iterative DFS).
    private func topologicalOrder() -> [Variable] {
        var order: [Variable] = []
        var visited = Set<ObjectIdentifier>()
        var stack: [(Variable, Bool)] = [(self, false)]
        while let (node, expanded) = stack.popLast() {
            if expanded { order.append(node); continue }
            guard node.backwardRule != nil, visited.insert(ObjectIdentifier(node)).inserted else { continue }
            stack.append((node, true))
            for input in node.inputs where input.requiresGrad && input.backwardRule != nil {
                stack.append((input, false))
            }
        }
        return order
    }
}

extension Variable: CustomStringConvertible {
    public var description: String { "Variable(\(value)\(requiresGrad ? ", requiresGrad" : ""))" }
}
