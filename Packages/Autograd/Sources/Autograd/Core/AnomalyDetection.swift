import Foundation
import Tensor

/// Finds the op that first produced a NaN or an infinity, for a loss that turns non-finite after
/// hours of training (PyTorch's `detect_anomaly`, without stopping the program).
///
/// While `isEnabled`, every op checks its forward value and, during `backward()`, the gradients
/// it passes to its inputs; the first non-finite one is kept in `firstAnomaly` with the source
/// location of the op (the `#fileID` and line that called `Variable.record`, e.g.
/// `Autograd/Arithmetic.swift:100` for `exp`). Nothing else changes: values, gradients and
/// the random streams are those of a run without detection. Each check is one pass over the
/// op's output, so training runs a few per cent slower while it is on.
///
/// Off by default; the environment variable `ADARANKER_DETECT_ANOMALY=1` turns it on at start-up
/// (the Trainer names the anomaly in its "training loss is nan" error).
public enum AnomalyDetection {
    /// Where a non-finite value appeared.
    public enum Pass: String, Sendable {
        /// In an op's value.
        case forward
        /// In a gradient an op passed to one of its inputs.
        case backward
    }

    /// A non-finite value and the op that produced it.
    public struct Anomaly: Sendable, Equatable, CustomStringConvertible {
        /// The pass that produced it.
        public var pass: Pass
        /// The `#fileID` of the op's `record` call.
        public var file: String
        /// Its line.
        public var line: Int
        /// The shape of the offending tensor.
        public var shape: [Int]
        /// How many of its entries are NaN or infinite.
        public var nonFiniteCount: Int
        /// The first offending entry's value (NaN, +inf or −inf).
        public var firstValue: Float

        public var description: String {
            let what = pass == .forward ? "value" : "gradient for an input"
            return "the op recorded at \(file):\(line) produced a non-finite \(what) (\(nonFiniteCount) of \(shape.reduce(1, *)) entries of shape \(shape), first \(firstValue)) in the \(pass.rawValue) pass"
        }
    }

    private static let lock = NSLock()
    @usableFromInline nonisolated(unsafe) static var enabled = ProcessInfo.processInfo.environment["ADARANKER_DETECT_ANOMALY"]
        .map { !["", "0", "false", "no"].contains($0.lowercased()) } ?? false
    nonisolated(unsafe) private static var first: Anomaly?

    /// Whether ops check their values and gradients (all threads). Every op reads the flag without
    /// the lock, so a change made on another thread may reach an op already running a little late.
    public static var isEnabled: Bool {
        get { lock.withLock { enabled } }
        set { lock.withLock { enabled = newValue } }
    }

    /// The first anomaly since start-up or the last `reset()`, `nil` if there was none.
    public static var firstAnomaly: Anomaly? { lock.withLock { first } }

    /// Forgets the recorded anomaly.
    public static func reset() { lock.withLock { first = nil } }

    /// Records `tensor` as an anomaly if it holds a non-finite entry and none was recorded yet.
    @usableFromInline static func check(_ tensor: Tensor, pass: Pass, file: StaticString, line: UInt) {
        let count = tensor.scalars.withUnsafeBufferPointer { $0.reduce(0) { $1.isFinite ? $0 : $0 + 1 } }
        guard count > 0 else { return }
        let firstValue = tensor.scalars.first { !$0.isFinite } ?? .nan
        lock.withLock {
            guard first == nil else { return }
            first = Anomaly(pass: pass, file: "\(file)", line: Int(line), shape: tensor.shape,
                            nonFiniteCount: count, firstValue: firstValue)
        }
    }
}
