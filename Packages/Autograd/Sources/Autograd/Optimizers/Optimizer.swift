import Foundation
import Tensor

/// A gradient-descent optimiser over named parameters (PyTorch's update formulas).
///
/// `step()` updates every parameter that has `requiresGrad == true` and a gradient; the others
/// (frozen, or unused in this step) are left untouched bit for bit, and their per-parameter step
/// counts do not advance (as PyTorch, which skips parameters whose `grad` is `None`).
///
/// `stateDict()` / `loadStateDict(_:)` export and restore the whole optimiser state for exact
/// resumption: per parameter `"<name>.<buffer>"` (same shape as the parameter; buffer names as
/// PyTorch's: `exp_avg`, `exp_avg_sq`, `momentum_buffer`, `sum`, `square_avg`) and `"<name>.step"`
/// (`[1]`), plus the optimiser's own `"step"` (`[1]`, the number of `step()` calls). Counts are
/// stored as `Float`, exact up to 2²⁴ steps. Parameters that were never updated have no entries.
public protocol Optimizer: AnyObject {
    /// The step size; may be changed between steps (schedules).
    var learningRate: Float { get set }
    /// Number of `step()` calls so far.
    var stepCount: Int { get }
    /// The parameters, by dotted name.
    var parameters: [(String, Parameter)] { get }
    /// One update from the current gradients.
    func step()
    /// Multiplies the step size of the named parameters by `factor` from now on (1 for all by
    /// default), like a PyTorch parameter group with its own learning rate. Not part of the state
    /// dict: it is a setting, applied again when a run is resumed.
    func setLearningRateScale(_ factor: Float, forParametersNamed names: Set<String>)
    /// The optimiser state, by name (see the protocol documentation).
    func stateDict() -> [String: Tensor]
    /// Restores a state from `stateDict()`.
    /// - Throws: `OptimizerStateError` naming the first malformed entry.
    func loadStateDict(_ state: [String: Tensor]) throws
}

extension Optimizer {
    /// Clears every parameter's gradient.
    public func zeroGrad() { for (_, p) in parameters { p.grad = nil } }
}

/// Why an optimiser state could not be loaded.
enum OptimizerStateError: Error, CustomStringConvertible, Equatable {
    case unknownEntry(String)
    case shapeMismatch(name: String, expected: [Int], found: [Int])
    case missingEntry(String)

    var description: String {
        switch self {
        case .unknownEntry(let name): return "optimiser state entry '\(name)' matches no parameter of this optimiser"
        case .shapeMismatch(let name, let expected, let found):
            return "optimiser state entry '\(name)' has shape \(found), expected \(expected)"
        case .missingEntry(let name): return "optimiser state entry '\(name)' is missing"
        }
    }
}

/// Per-parameter optimiser state: a step count and up to two buffers shaped like the parameter
/// (allocated at the parameter's first update).
final class OptimizerSlot {
    var step = 0
    /// Factor on the optimiser's learning rate for this parameter (`setLearningRateScale`).
    var learningRateScale: Float = 1
    var first: [Float] = []
    var second: [Float] = []
}

/// The bookkeeping shared by the optimisers: parameters, their slots, the global step count, and
/// the state export/import. `bufferNames` names `first` and `second` (one or two names).
final class OptimizerState {
    let parameters: [(String, Parameter)]
    let slots: [OptimizerSlot]
    let bufferNames: [String]
    var stepCount = 0

    init(parameters: [(String, Parameter)], bufferNames: [String]) {
        precondition(Set(parameters.map(\.0)).count == parameters.count, "optimiser parameter names must be unique")
        self.parameters = parameters
        slots = parameters.map { _ in OptimizerSlot() }
        self.bufferNames = bufferNames
    }

    func setLearningRateScale(_ factor: Float, forParametersNamed names: Set<String>) {
        for ((name, _), slot) in zip(parameters, slots) where names.contains(name) { slot.learningRateScale = factor }
    }

    /// Calls `update(parameter, gradient, slot)` for every parameter to update in this step, after
    /// advancing its step count and allocating its buffers (zeros) if needed.
    func forEachUpdate(_ update: (Parameter, Tensor, OptimizerSlot) -> Void) {
        stepCount += 1
        for ((_, parameter), slot) in zip(parameters, slots) {
            guard parameter.requiresGrad, let gradient = parameter.grad, parameter.value.count > 0 else { continue }
            precondition(gradient.shape == parameter.shape,
                         "gradient shape \(gradient.shape) differs from parameter shape \(parameter.shape)")
            slot.step += 1
            let count = parameter.value.count
            if bufferNames.count > 0 && slot.first.count != count { slot.first = [Float](repeating: 0, count: count) }
            if bufferNames.count > 1 && slot.second.count != count { slot.second = [Float](repeating: 0, count: count) }
            update(parameter, gradient, slot)
        }
    }

    func export() -> [String: Tensor] {
        var state: [String: Tensor] = ["step": Tensor(shape: [1], scalars: [Float(stepCount)])]
        for ((name, parameter), slot) in zip(parameters, slots) where slot.step > 0 {
            state["\(name).step"] = Tensor(shape: [1], scalars: [Float(slot.step)])
            for (bufferName, buffer) in zip(bufferNames, [slot.first, slot.second]) {
                state["\(name).\(bufferName)"] = Tensor(shape: parameter.shape, scalars: buffer)
            }
        }
        return state
    }

    func load(_ state: [String: Tensor]) throws {
        var known: Set<String> = ["step"]
        var restored: [(OptimizerSlot, Int, [[Float]])] = []
        for ((name, parameter), slot) in zip(parameters, slots) {
            let stepKey = "\(name).step"
            guard let step = state[stepKey] else { restored.append((slot, 0, [])); continue }
            guard step.count == 1 else { throw OptimizerStateError.shapeMismatch(name: stepKey, expected: [1], found: step.shape) }
            known.insert(stepKey)
            var buffers: [[Float]] = []
            for bufferName in bufferNames {
                let key = "\(name).\(bufferName)"
                guard let buffer = state[key] else { throw OptimizerStateError.missingEntry(key) }
                guard buffer.shape == parameter.shape else {
                    throw OptimizerStateError.shapeMismatch(name: key, expected: parameter.shape, found: buffer.shape)
                }
                known.insert(key)
                buffers.append(buffer.scalars)
            }
            restored.append((slot, Int(step.scalars[0]), buffers))
        }
        if let unknown = state.keys.sorted().first(where: { !known.contains($0) }) {
            throw OptimizerStateError.unknownEntry(unknown)
        }
        guard let total = state["step"], total.count == 1 else { throw OptimizerStateError.missingEntry("step") }
        stepCount = Int(total.scalars[0])
        for (slot, step, buffers) in restored {
            slot.step = step
            slot.first = buffers.count > 0 ? buffers[0] : []
            slot.second = buffers.count > 1 ? buffers[1] : []
        }
    }
}
