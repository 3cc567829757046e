import Autograd
import Tensor
import XCTest

/// The outcome of comparing analytic gradients with central finite differences.
struct GradientCheckReport {
    /// One compared entry: input `input`, flat element `index`.
    struct Mismatch: CustomStringConvertible {
        let input: Int, index: Int
        let analytic: Double, numeric: Double
        var description: String { "input \(input)[\(index)]: analytic \(analytic), numeric \(numeric)" }
    }

    /// Entries outside the tolerance (empty when the check passed).
    var mismatches: [Mismatch] = []
    /// How many entries were compared.
    var checkedCount = 0
    /// Inputs with `requiresGrad == false` that nevertheless received a gradient.
    var frozenInputsWithGradient: [Int] = []

    var passed: Bool { mismatches.isEmpty && frozenInputsWithGradient.isEmpty && checkedCount > 0 }
}

/// Checks the backward rules behind `function` by finite differences.
///
/// The scalar probed is `L = Σ function(inputs) ⊙ R` for a fixed random `R` (accumulated in
/// `Double`), so every output element contributes with its own weight. The analytic gradient
/// comes from one `backward(seed: R)`; the numeric one perturbs one input element at a time by
/// ±`step` (in `Float`) and takes `(L₊ − L₋) / (x₊ − x₋)`. An entry passes when
/// `|analytic − numeric| ≤ absoluteTolerance + relativeTolerance · max(|analytic|, |numeric|)`.
///
/// With Float forward passes the numeric estimate is accurate to roughly 1e-4 at step 1e-2 for
/// the smooth ops and sizes used here, so the default tolerances (relative 1e-2, absolute 1e-3)
/// leave headroom for rounding while rejecting any rule that is off by a factor, a sign, a
/// missing term or a mis-summed broadcast (`GradientCheckTests` shows wrong rules failing).
///
/// - Parameters:
///   - inputs: the leaves; those with `requiresGrad` are checked, the others must get no gradient.
///   - maxEntriesPerInput: larger inputs are checked on a random subset of this many elements.
///   - function: must be deterministic (create any random generator inside it from a fixed seed).
func checkGradients(
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
            let original = input.value.scalars[index]
            let plus = original + step, minus = original - step
            input.value.scalars[index] = plus
            let lossPlus = probe()
            input.value.scalars[index] = minus
            let lossMinus = probe()
            input.value.scalars[index] = original
            let numeric = (lossPlus - lossMinus) / (Double(plus) - Double(minus))
            let exact = Double(analytic.scalars[index])
            report.checkedCount += 1
            if abs(exact - numeric) > absoluteTolerance + relativeTolerance * max(abs(exact), abs(numeric)) {
                report.mismatches.append(.init(input: inputIndex, index: index, analytic: exact, numeric: numeric))
            }
        }
    }
    return report
}

/// Asserts that `checkGradients` passes for `function` on `inputs`.
func assertGradientsMatch(
    _ inputs: [Variable], step: Float = 1e-2,
    relativeTolerance: Double = 1e-2, absoluteTolerance: Double = 1e-3,
    file: StaticString = #filePath, line: UInt = #line,
    _ function: ([Variable]) -> Variable
) {
    let report = checkGradients(inputs, step: step, relativeTolerance: relativeTolerance,
                                absoluteTolerance: absoluteTolerance, function)
    XCTAssertGreaterThan(report.checkedCount, 0, "nothing was checked", file: file, line: line)
    XCTAssert(report.frozenInputsWithGradient.isEmpty,
              "frozen inputs \(report.frozenInputsWithGradient) received a gradient", file: file, line: line)
    XCTAssert(report.mismatches.isEmpty,
              "\(report.mismatches.count) of \(report.checkedCount) gradient entries differ, e.g. "
                  + report.mismatches.prefix(3).map(\.description).joined(separator: "; "),
              file: file, line: line)
}

/// Test-data helpers, all drawn from a `SeededGenerator`.
enum Sample {
    /// A trainable leaf with N(0, 1) entries.
    static func parameter(_ shape: [Int], _ rng: inout SeededGenerator) -> Variable {
        Variable(Tensor.normal(shape, using: &rng), requiresGrad: true)
    }

    /// A trainable leaf with U(low, high) entries.
    static func uniform(_ shape: [Int], _ low: Float, _ high: Float, _ rng: inout SeededGenerator) -> Variable {
        Variable(Tensor.uniform(shape, low: low, high: high, using: &rng), requiresGrad: true)
    }

    /// A trainable leaf with N(0, 1) entries pushed at least `margin` away from 0 (for kinks at 0).
    static func awayFromZero(_ shape: [Int], margin: Float, _ rng: inout SeededGenerator) -> Variable {
        let t = Tensor.normal(shape, using: &rng).map { $0 >= 0 ? $0 + margin : $0 - margin }
        return Variable(t, requiresGrad: true)
    }
}
