import Tensor

/// A trainable tensor. A parameter is a leaf `Variable` with `requiresGrad == true`; freezing it
/// (`requiresGrad = false`) stops gradients from being computed for it and optimisers skip it.
public typealias Parameter = Variable

extension Variable {
    /// A new trainable parameter holding `value`. Parameters keep the layouts of their value that
    /// inference kernels build (`transposedPanels`) until the value changes.
    public static func parameter(_ value: Tensor) -> Parameter {
        let parameter = Variable(value, requiresGrad: true)
        parameter.inferenceLayouts = InferenceLayouts()
        return parameter
    }
}

/// A node of the model tree: it owns parameters and child modules, each under a local name, so that
/// every parameter has a dotted path such as `gru_layers.weight_ih_l0` or `mlp_layers.1.weight`
/// (the reference's PyTorch state-dict names).
///
/// Subclasses override `namedLocalParameters` and `namedChildren`, build their parameters in
/// `init`, and put their initialisation in `resetParameters(using:)` (as PyTorch's
/// `reset_parameters`), so that a model can be re-initialised or loaded without rebuilding it.
open class Module {
    /// `true` in training mode (dropout active, stochastic layers sample), `false` in evaluation.
    public private(set) var isTraining = true

    public init() {}

    /// Parameters owned directly by this module, under their local names.
    open var namedLocalParameters: [(String, Parameter)] { [] }

    /// Direct sub-modules, under their local names (indices as strings for sequences: `"0"`, `"1"`).
    /// A child under the empty name `""` is flattened: its parameters appear directly under this
    /// module's prefix (the reference keeps encoder layers beside the embedding tables).
    open var namedChildren: [(String, Module)] { [] }

    /// Re-draws this module's own parameters (not its children's). Default: nothing to draw.
    open func resetParameters(using rng: inout SeededGenerator) {}

    /// Every parameter in the tree under its dotted path, parents before children.
    public func namedParameters(prefix: String = "") -> [(String, Parameter)] {
        var result = namedLocalParameters.map { (prefix + $0.0, $0.1) }
        for (name, child) in namedChildren {
            result += child.namedParameters(prefix: name.isEmpty ? prefix : prefix + name + ".")
        }
        return result
    }

    /// Every parameter in the tree.
    public var parameters: [Parameter] { namedParameters().map(\.1) }

    /// Every module in the tree, this one first.
    public var modules: [Module] { [self] + namedChildren.flatMap { $0.1.modules } }

    /// Re-initialises the whole tree, depth first, from one generator.
    public func resetAllParameters(using rng: inout SeededGenerator) {
        resetParameters(using: &rng)
        for (_, child) in namedChildren { child.resetAllParameters(using: &rng) }
    }

    /// Switches the whole tree to training (`true`) or evaluation (`false`) mode.
    public func train(_ training: Bool = true) {
        for module in modules { module.isTraining = training }
    }

    /// Switches the whole tree to evaluation mode.
    public func eval() { train(false) }

    /// Clears every parameter's gradient.
    public func zeroGrad() { for p in parameters { p.grad = nil } }

    /// Marks every parameter of the tree trainable (`true`) or frozen (`false`).
    public func setTrainable(_ trainable: Bool) { for p in parameters { p.requiresGrad = trainable } }

    /// The parameter values by dotted name.
    public func stateDict() -> [String: Tensor] {
        Dictionary(namedParameters().map { ($0.0, $0.1.value) }, uniquingKeysWith: { first, _ in first })
    }

    /// Copies values into the parameters by dotted name, after `checkStateDict` accepted them all
    /// (a failed load leaves the module unchanged).
    ///
    /// - Parameter strict: when `true`, every parameter must be present and no extra names may exist.
    /// - Throws: `StateDictError` naming the first missing, unexpected or mis-shaped parameter.
    public func loadStateDict(_ dict: [String: Tensor], strict: Bool = true) throws {
        try checkStateDict(dict, strict: strict)
        for (name, parameter) in namedParameters() {
            if let value = dict[name] { parameter.value = value }
        }
    }

    /// Checks that `dict` fits the module without copying anything: every present name has the
    /// parameter's shape and, when `strict`, every parameter is present and no other name is.
    /// - Throws: `StateDictError` for the first offending parameter in `namedParameters()` order,
    ///   then the first unexpected name in sorted order.
    public func checkStateDict(_ dict: [String: Tensor], strict: Bool = true) throws {
        let named = namedParameters()
        for (name, parameter) in named {
            guard let value = dict[name] else {
                if strict { throw StateDictError.missing(name) }
                continue
            }
            guard value.shape == parameter.shape else {
                throw StateDictError.shapeMismatch(name: name, expected: parameter.shape, found: value.shape)
            }
        }
        if strict {
            let known = Set(named.map(\.0))
            if let extra = dict.keys.sorted().first(where: { !known.contains($0) }) {
                throw StateDictError.unexpected(extra)
            }
        }
    }
}

/// Why a state dict could not be loaded into a module.
public enum StateDictError: Error, CustomStringConvertible, Equatable {
    case missing(String)
    case unexpected(String)
    case shapeMismatch(name: String, expected: [Int], found: [Int])

    public var description: String {
        switch self {
        case .missing(let name): return "parameter '\(name)' is missing from the state dict"
        case .unexpected(let name): return "the state dict has '\(name)', which this model does not have"
        case .shapeMismatch(let name, let expected, let found):
            return "parameter '\(name)' has shape \(found) in the state dict but the model expects \(expected)"
        }
    }
}
