import Foundation
import SeqModels

/// The outcome of checking one fixture folder: worst errors per group and every failure.
public struct ParityResult: Sendable {
    /// Folder name, e.g. `GRU4Rec-Ada-Ranker`.
    public let fixture: String
    /// The tolerance the entries were judged by.
    public let tolerance: ParityTolerance
    /// `scores [B, C]` (after the sigmoid).
    public internal(set) var scores = TensorComparison()
    /// `loss [1]` (mean BCE).
    public internal(set) var loss = TensorComparison()
    /// Every `grad.<name>` of the fixture.
    public internal(set) var gradients = TensorComparison()

    init(fixture: String, tolerance: ParityTolerance) {
        self.fixture = fixture
        self.tolerance = tolerance
    }

    /// Whether scores, loss and every gradient matched within tolerance.
    public var passed: Bool { scores.passed && loss.passed && gradients.passed }

    /// Every failure message, scores first.
    public var failures: [String] { scores.failures + loss.failures + gradients.failures }

    /// One line: `GRU4Rec-Base  ok  scores 3.1e-07  loss 1.2e-07  grads 8.9e-07 (worst: item_embedding.weight)`,
    /// with `FAIL` and the first failure appended when the fixture does not match. The numbers are
    /// the worst absolute errors. `nameWidth` pads the fixture name to align columns.
    public func summaryLine(nameWidth: Int = 0) -> String {
        var line = ParityResult.pad(fixture, to: nameWidth) + "  " + (passed ? "ok" : "FAIL")
        line += "  scores \(Self.format(scores.maxAbsoluteError))"
        line += "  loss \(Self.format(loss.maxAbsoluteError))"
        line += "  grads \(Self.format(gradients.maxAbsoluteError))"
        if let worst = gradients.worstTensor {
            line += " (worst: \(worst.hasPrefix("grad.") ? String(worst.dropFirst(5)) : worst))"
        }
        if let first = failures.first {
            line += "  — \(first)"
            if failures.count > 1 { line += " (+\(failures.count - 1) more)" }
        }
        return line
    }

    /// An error as `3.1e-07`.
    static func format(_ value: Float) -> String {
        value.isFinite ? String(format: "%.1e", Double(value)) : "\(value)"
    }

    static func pad(_ text: String, to width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }
}

/// One fixture folder of `ParityCheck.runAll`: its result, or why it could not be checked.
public struct ParityOutcome {
    /// Folder name.
    public let fixture: String
    /// The comparison, or the error that stopped it (unreadable file, model/state-dict mismatch, …).
    public let result: Result<ParityResult, any Error>

    /// Whether the fixture was checked and matched.
    public var passed: Bool {
        if case .success(let parity) = result { return parity.passed }
        return false
    }

    /// `summaryLine` of the result, or `<name>  ERROR  <reason>`.
    public func summaryLine(nameWidth: Int = 0) -> String {
        switch result {
        case .success(let parity): return parity.summaryLine(nameWidth: nameWidth)
        case .failure(let error): return ParityResult.pad(fixture, to: nameWidth) + "  ERROR  \(error)"
        }
    }
}
