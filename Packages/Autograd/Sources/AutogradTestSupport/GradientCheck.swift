import Autograd
import Tensor
import XCTest

/// When an analytic gradient entry agrees with its finite-difference estimate:
/// `|analytic − numeric| ≤ absolute + relative · scale`, where `scale` is `max(|analytic|, |numeric|)`
/// (`.larger`) or `|numeric|` (`.numeric`).
public struct GradientTolerance: Sendable {
    /// What the relative part of the tolerance is measured against.
    public enum Scale: Sendable { case larger, numeric }

    public var absolute: Double
    public var relative: Double
    public var scale: Scale

    public init(absolute: Double, relative: Double, scale: Scale) {
        self.absolute = absolute
        self.relative = relative
        self.scale = scale
    }

    /// Whether `analytic` is within the tolerance of `numeric`.
    public func accepts(analytic: Double, numeric: Double) -> Bool {
        let reference = scale == .larger ? max(abs(analytic), abs(numeric)) : abs(numeric)
        return abs(analytic - numeric) <= absolute + relative * reference
    }
}

/// The outcome of comparing analytic gradients with central finite differences.
public struct GradientCheckReport {
    /// One compared entry: flat element `index` of input number `input`, called `name`.
    public struct Mismatch: CustomStringConvertible {
        public let input: Int, name: String, index: Int
        public let analytic: Double, numeric: Double
        public var description: String { "\(name)[\(index)]: analytic \(analytic), numeric \(numeric)" }
    }

    /// Entries outside the tolerance (empty when the check passed).
    public var mismatches: [Mismatch] = []
    /// How many entries were compared.
    public var checkedCount = 0
    /// Inputs with `requiresGrad == false` that nevertheless received a gradient.
    public var frozenInputsWithGradient: [Int] = []

    public init() {}

    public var passed: Bool { mismatches.isEmpty && frozenInputsWithGradient.isEmpty && checkedCount > 0 }

    /// Compares entry `index` of `variable`'s analytic gradient with the central difference
    /// `(probe(x₊) − probe(x₋)) / (x₊ − x₋)`, `x± = x ± step` rounded to `Float` (the denominator is the
    /// step actually taken), and records the entry. `probe` must evaluate the scalar being
    /// differentiated from the variables' current values; the entry is restored afterwards.
    public mutating func compare(_ variable: Variable, index: Int, analytic: Double, input: Int, name: String,
                                 step: Float, tolerance: GradientTolerance, probe: () -> Double) {
        let original = variable.value.scalars[index]
        let plus = original + step, minus = original - step
        variable.value.scalars[index] = plus
        let up = probe()
        variable.value.scalars[index] = minus
        let down = probe()
        variable.value.scalars[index] = original
        let numeric = (up - down) / (Double(plus) - Double(minus))
        checkedCount += 1
        if !tolerance.accepts(analytic: analytic, numeric: numeric) {
            mismatches.append(Mismatch(input: input, name: name, index: index, analytic: analytic, numeric: numeric))
        }
    }

    /// Fails the calling test unless at least `minimumChecked` entries were compared, no frozen input
    /// got a gradient and every entry is within tolerance (the message shows the first three
    /// mismatches, prefixed with `context`).
    public func assertPassed(minimumChecked: Int = 1, context: String = "",
                             file: StaticString = #filePath, line: UInt = #line) {
        let prefix = context.isEmpty ? "" : context + ": "
        XCTAssertGreaterThanOrEqual(checkedCount, minimumChecked, "\(prefix)too few entries checked",
                                    file: file, line: line)
        XCTAssert(frozenInputsWithGradient.isEmpty,
                  "\(prefix)frozen inputs \(frozenInputsWithGradient) received a gradient", file: file, line: line)
        XCTAssert(mismatches.isEmpty,
                  "\(prefix)\(mismatches.count) of \(checkedCount) gradient entries differ, e.g. "
                      + mismatches.prefix(3).map(\.description).joined(separator: "; "),
                  file: file, line: line)
    }
}
