import SeqModels
import Tensor

/// When an entry matches: `|actual − expected| ≤ absolute` or `|actual − expected| / |expected| ≤ relative`
/// (by default 1e-4 and 1e-3). A NaN — in either tensor, or from `∞ − ∞` — never matches.
public struct ParityTolerance: Sendable, Equatable {
    /// Largest accepted `|actual − expected|`.
    public var absolute: Float
    /// Largest accepted `|actual − expected| / |expected|` (for entries outside `absolute`).
    public var relative: Float

    public init(absolute: Float = 1e-4, relative: Float = 1e-3) {
        self.absolute = absolute
        self.relative = relative
    }
}

/// Worst-case errors of one group of compared tensors (the scores, the loss, or all gradients),
/// each entry judged by a `ParityTolerance`.
public struct TensorComparison: Sendable {
    /// Largest `|actual − expected|` over every compared entry (NaN if any entry is NaN).
    public private(set) var maxAbsoluteError: Float = 0
    /// Largest `|actual − expected| / |expected|` over the entries outside the absolute tolerance
    /// (0 when every entry is within it); infinite when such an entry expects 0.
    public private(set) var maxRelativeError: Float = 0
    /// The tensor holding `maxAbsoluteError` (`nil` before anything is compared).
    public private(set) var worstTensor: String?
    /// Tensors compared so far.
    public private(set) var tensorCount = 0
    /// Entries compared so far.
    public private(set) var entryCount = 0
    /// One message per tensor with entries outside the tolerance (or a shape mismatch).
    public private(set) var failures: [String] = []

    public init() {}

    /// Whether every compared entry was within tolerance.
    public var passed: Bool { failures.isEmpty }

    /// Compares `actual` with `expected` entry by entry and folds the result into the worst errors.
    public mutating func compare(_ name: String, actual: Tensor, expected: Tensor, tolerance: ParityTolerance) {
        tensorCount += 1
        if worstTensor == nil { worstTensor = name }
        // A one-element loss may be stored as `[1]` or as a scalar `[]`.
        let sameShape = actual.shape == expected.shape || (actual.count == 1 && expected.count == 1)
        guard sameShape else {
            failures.append("\(name): shape \(actual.shape), expected \(expected.shape)")
            return
        }
        var outside = 0
        var firstOutside = ""
        let (a, e) = (actual.scalars, expected.scalars)
        for i in a.indices {
            let difference = abs(a[i] - e[i])
            if !maxAbsoluteError.isNaN && (difference.isNaN || difference > maxAbsoluteError) {
                maxAbsoluteError = difference
                worstTensor = name
            }
            if difference <= tolerance.absolute { continue }
            let relative = difference / abs(e[i])
            if relative > maxRelativeError || relative.isNaN { maxRelativeError = relative }
            if !(relative <= tolerance.relative) {
                if outside == 0 { firstOutside = "index \(i): \(a[i]) vs expected \(e[i])" }
                outside += 1
            }
        }
        entryCount += actual.count
        if outside > 0 {
            failures.append("\(name): \(outside) of \(actual.count) entries outside tolerance (first at \(firstOutside))")
        }
    }

    /// Records a failure that is not an entry comparison (a missing or unexpected gradient).
    public mutating func recordFailure(_ message: String) {
        failures.append(message)
    }
}
