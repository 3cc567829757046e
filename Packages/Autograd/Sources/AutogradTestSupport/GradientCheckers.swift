import Autograd
import Tensor
import XCTest

/// Checks the backward rules behind `function` by finite differences.
///
/// The scalar probed is `L = Σ function(inputs) ⊙ R` for a fixed random `R` (accumulated in
/// `Double`), so every output element contributes with its own weight. The analytic gradient
/// comes from one `backward(seed: R)`; the numeric one perturbs one input element at a time by
/// ±`step` (`GradientCheckReport.compare`). An entry passes when
/// `|analytic − numeric| ≤ absoluteTolerance + relativeTolerance · max(|analytic|, |numeric|)`.
///
/// With Float forward passes the numeric estimate is accurate to roughly 1e-4 at step 1e-2 for
/// the smooth ops and sizes of the op tests, so the default tolerances (relative 1e-2, absolute
/// 1e-3) leave headroom for rounding while rejecting any rule that is off by a factor, a sign, a
/// missing term or a mis-summed broadcast (Autograd's `GradientCheckTests` shows wrong rules failing).
///
/// - Parameters:
///   - inputs: the leaves; those with `requiresGrad` are checked, the others must get no gradient.
///   - maxEntriesPerInput: larger inputs are checked on a random subset of this many elements.
///   - function: must be deterministic (create any random generator inside it from a fixed seed).
public func checkGradients(
    _ inputs: [Variable], step: Float = 1e-2,
    relativeTolerance: Double = 1e-2, absoluteTolerance: Double = 1e-3,
    maxEntriesPerInput: Int = 60, seed: UInt64 = 1234,
    _ function: ([Variable]) -> Variable
) -> GradientCheckReport {
    var rng = SeededGenerator(seed: seed)
    for input in inputs { input.zeroGrad() }
    let output = function(inputs)
    let weights = Tensor.normal(output.shape, using: &rng)
    output.backward(seed: weights)

    func probe() -> Double {
        let value = withoutGradients { function(inputs).value }
        var total: Double = 0
        for (v, w) in zip(value.scalars, weights.scalars) { total += Double(v) * Double(w) }
        return total
    }

    let tolerance = GradientTolerance(absolute: absoluteTolerance, relative: relativeTolerance, scale: .larger)
    var report = GradientCheckReport()
    for (inputIndex, input) in inputs.enumerated() {
        guard input.requiresGrad else {
            if input.grad != nil { report.frozenInputsWithGradient.append(inputIndex) }
            continue
        }
        let analytic = input.grad ?? Tensor.zeros(input.shape)
        let count = input.value.count
        let indices = count <= maxEntriesPerInput
            ? Array(0..<count)
            : rng.sampleWithoutReplacement(maxEntriesPerInput, from: count)
        for index in indices {
            report.compare(input, index: index, analytic: Double(analytic.scalars[index]), input: inputIndex,
                           name: "input \(inputIndex)", step: step, tolerance: tolerance, probe: probe)
        }
    }
    return report
}

/// Asserts that `checkGradients` passes for `function` on `inputs`.
public func assertGradientsMatch(
    _ inputs: [Variable], step: Float = 1e-2,
    relativeTolerance: Double = 1e-2, absoluteTolerance: Double = 1e-3,
    file: StaticString = #filePath, line: UInt = #line,
    _ function: ([Variable]) -> Variable
) {
    checkGradients(inputs, step: step, relativeTolerance: relativeTolerance,
                   absoluteTolerance: absoluteTolerance, function)
        .assertPassed(file: file, line: line)
}

/// Checks the back-propagated gradient of every entry of every named variable in `inputs` against
/// central differences of the one-element `objective` (step 1e-2, accumulated in Double), with
/// `|analytic − numeric| ≤ tolerance` (default `2e-3 + 3e-2·|numeric|`). `objective` builds the graph
/// from the inputs' current values. Every input must receive a gradient.
public func assertGradientsMatch(
    named inputs: [(String, Variable)],
    tolerance: GradientTolerance = GradientTolerance(absolute: 2e-3, relative: 3e-2, scale: .numeric),
    file: StaticString = #filePath, line: UInt = #line, objective: () -> Variable
) {
    for (_, input) in inputs { input.grad = nil }
    objective().backward()
    let probe = { Double(withoutGradients { objective() }.value.scalars[0]) }
    var report = GradientCheckReport()
    for (position, (name, input)) in inputs.enumerated() {
        guard let gradient = input.grad else {
            XCTFail("\(name) got no gradient", file: file, line: line)
            continue
        }
        for index in 0..<input.value.count {
            report.compare(input, index: index, analytic: Double(gradient.scalars[index]), input: position,
                           name: name, step: 1e-2, tolerance: tolerance, probe: probe)
        }
    }
    report.assertPassed(file: file, line: line)
}

/// Test data drawn from a `SeededGenerator`.
public enum Sample {
    /// A trainable leaf with N(0, 1) entries.
    public static func parameter(_ shape: [Int], _ rng: inout SeededGenerator) -> Variable {
        Variable(Tensor.normal(shape, using: &rng), requiresGrad: true)
    }

    /// A trainable leaf with U(low, high) entries.
    public static func uniform(_ shape: [Int], _ low: Float, _ high: Float, _ rng: inout SeededGenerator) -> Variable {
        Variable(Tensor.uniform(shape, low: low, high: high, using: &rng), requiresGrad: true)
    }

    /// A trainable leaf with N(0, 1) entries pushed at least `margin` away from 0 (for kinks at 0).
    public static func awayFromZero(_ shape: [Int], margin: Float, _ rng: inout SeededGenerator) -> Variable {
        let t = Tensor.normal(shape, using: &rng).map { $0 >= 0 ? $0 + margin : $0 - margin }
        return Variable(t, requiresGrad: true)
    }

    /// A constant tensor with U(−1, 1) entries from `SeededGenerator(seed:)`.
    public static func tensor(_ shape: [Int], seed: UInt64) -> Tensor {
        var rng = SeededGenerator(seed: seed)
        return Tensor.uniform(shape, low: -1, high: 1, using: &rng)
    }
}
