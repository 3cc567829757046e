#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// A one-line terminal progress bar on standard error, e.g.
/// `sampling  [##########----------]  52%  1.20M/2.31M rows  410k rows/s  ETA 0:03`.
///
/// It draws only when standard error is a terminal (so logs and CI output stay clean) and at most
/// ten times a second, so calling `update`/`advance` from a hot loop is cheap. With an unknown
/// total it shows the count and the rate only. Thread-safe: several workers may `advance` it.
public final class ProgressBar: @unchecked Sendable {
    /// Text before the bar, e.g. the stage name.
    public let title: String
    /// Completed units at the end, or nil when unknown.
    public private(set) var total: Int?
    /// Name of the unit in the display (`rows`, `batches`, `bytes`).
    public let unit: String
    /// Whether anything is drawn.
    public let isEnabled: Bool

    private let lock = NSLock()
    private var completed = 0
    private let startTime: Double
    private var lastDrawTime = -1.0
    private var finished = false
    private static let barWidth = 24
    private static let redrawInterval = 0.1

    /// - Parameters:
    ///   - enabled: force drawing on or off; by default it is on exactly when standard error is a terminal.
    public init(title: String, total: Int?, unit: String = "rows", enabled: Bool? = nil) {
        self.title = title
        self.total = total
        self.unit = unit
        self.isEnabled = enabled ?? ProgressBar.standardErrorIsTerminal
        self.startTime = ProgressBar.now()
    }

    /// Whether standard error is attached to a terminal.
    public static var standardErrorIsTerminal: Bool { isatty(STDERR_FILENO) != 0 }

    /// Sets the number of completed units.
    public func update(completed newValue: Int) {
        lock.lock(); defer { lock.unlock() }
        completed = newValue
        drawIfDue(force: false)
    }

    /// Adds `count` completed units.
    public func advance(by count: Int = 1) {
        lock.lock(); defer { lock.unlock() }
        completed += count
        drawIfDue(force: false)
    }

    /// Changes the expected total (e.g. once it becomes known).
    public func setTotal(_ newTotal: Int?) {
        lock.lock(); defer { lock.unlock() }
        total = newTotal
    }

    /// Draws the final state and moves to the next line. Later calls do nothing.
    public func finish() {
        lock.lock(); defer { lock.unlock() }
        guard !finished else { return }
        finished = true
        if let total { completed = max(completed, total) }
        drawIfDue(force: true)
        if isEnabled { writeToStandardError("\n") }
    }

    /// Seconds since the bar was created.
    public var elapsedSeconds: Double { ProgressBar.now() - startTime }

    /// The line the bar would draw now (without the leading carriage return).
    public func renderedLine() -> String {
        lock.lock(); defer { lock.unlock() }
        return render(elapsed: ProgressBar.now() - startTime)
    }

    private func drawIfDue(force: Bool) {
        guard isEnabled, !finished || force else { return }
        let time = ProgressBar.now()
        guard force || time - lastDrawTime >= ProgressBar.redrawInterval else { return }
        lastDrawTime = time
        writeToStandardError("\r" + render(elapsed: time - startTime) + "\u{1B}[K")
    }

    private func render(elapsed: Double) -> String {
        let rate = elapsed > 0 ? Double(completed) / elapsed : 0
        var parts = [title]
        if let total, total > 0 {
            let fraction = min(1, Double(completed) / Double(total))
            let filled = Int((fraction * Double(ProgressBar.barWidth)).rounded(.down))
            parts.append("[" + String(repeating: "#", count: filled)
                         + String(repeating: "-", count: ProgressBar.barWidth - filled) + "]")
            parts.append(String(format: "%3d%%", Int(fraction * 100)))
            parts.append("\(ProgressBar.compact(Double(completed)))/\(ProgressBar.compact(Double(total))) \(unit)")
            parts.append("\(ProgressBar.compact(rate)) \(unit)/s")
            if rate > 0 && completed < total {
                parts.append("ETA " + ProgressBar.clock(Double(total - completed) / rate))
            } else {
                parts.append(ProgressBar.clock(elapsed))
            }
        } else {
            parts.append("\(ProgressBar.compact(Double(completed))) \(unit)")
            parts.append("\(ProgressBar.compact(rate)) \(unit)/s")
            parts.append(ProgressBar.clock(elapsed))
        }
        return parts.joined(separator: "  ")
    }

    /// `1234567` → `1.23M`, `4100` → `4.1k`, `12` → `12`.
    static func compact(_ value: Double) -> String {
        switch value {
        case 1e9...: return String(format: "%.2fG", value / 1e9)
        case 1e6...: return String(format: "%.2fM", value / 1e6)
        case 1e4...: return String(format: "%.0fk", value / 1e3)
        case 1e3...: return String(format: "%.1fk", value / 1e3)
        default: return String(format: "%.0f", value)
        }
    }

    /// Seconds as `m:ss` or `h:mm:ss`.
    static func clock(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded())
        let (hours, minutes, secs) = (whole / 3600, (whole % 3600) / 60, whole % 60)
        return hours > 0 ? String(format: "%d:%02d:%02d", hours, minutes, secs) : String(format: "%d:%02d", minutes, secs)
    }

    static func now() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) * 1e-9
    }

    private func writeToStandardError(_ text: String) {
        var bytes = Array(text.utf8)
        _ = bytes.withUnsafeMutableBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
    }
}
