import Foundation

/// Renders `report.html`: a self-contained page (inline SVG, no scripts, no external files) with the
/// training-loss and valid-metric curves of a run and its test results.
enum ReportPage {
    /// The page for `records` (as in `metrics.jsonl`).
    /// - Parameters:
    ///   - title: the heading, e.g. `GRU4Rec Ada-Ranker on demo`.
    ///   - validMetric: the metric that selects the best checkpoint (plotted on valid).
    ///   - settings: `key = value` lines shown under the curves.
    public static func html(title: String, records: [EvaluationRecord], validMetric: String,
                            settings: [(String, String)]) -> String {
        let losses = records.filter { $0.split == .valid }.compactMap { r in r.trainLoss.map { (Double(r.epoch), $0) } }
        let valid = records.filter { $0.split == .valid }.compactMap { r in r[metric: validMetric].map { (Double(r.epoch), $0) } }
        let tests = records.filter { $0.split == .test }
        var body = "<h1>\(escape(title))</h1>\n"
        body += "<div class=\"charts\">\n"
        body += lineChart(points: losses, title: "training loss (mean BCE per epoch)", color: "#c0392b") + "\n"
        body += lineChart(points: valid, title: "valid \(validMetric) (epoch 0 = before training)", color: "#2471a3") + "\n"
        body += "</div>\n"
        if let best = valid.max(by: { $0.1 < $1.1 }) {
            body += "<p>Best valid \(escape(validMetric)): <b>\(format(best.1))</b> after epoch \(Int(best.0)).</p>\n"
        }
        if let test = tests.last {
            body += "<h2>Test (best checkpoint)</h2>\n<table>\n<tr><th>metric</th><th>value</th></tr>\n"
            for (name, value) in test.metrics { body += "<tr><td>\(escape(name))</td><td>\(format(value))</td></tr>\n" }
            body += "</table>\n"
        }
        if !settings.isEmpty {
            body += "<h2>Settings</h2>\n<table>\n"
            for (key, value) in settings { body += "<tr><td>\(escape(key))</td><td>\(escape(value))</td></tr>\n" }
            body += "</table>\n"
        }
        return """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>\(escape(title))</title>
        <style>
        body { font-family: sans-serif; margin: 2em; color: #222; }
        .charts { display: flex; flex-wrap: wrap; gap: 2em; }
        table { border-collapse: collapse; } td, th { border: 1px solid #ccc; padding: 2px 8px; text-align: left; }
        </style></head><body>
        \(body)</body></html>

        """
    }

    /// One line of a chart: its points (x ascending), colour, stroke width and legend name.
    struct Series: Sendable {
        public var name: String
        public var points: [(Double, Double)]
        public var color: String
        public var width: Double
        /// Show this series in the legend (several seeds of one variant share one entry).
        public var inLegend: Bool

        public init(name: String, points: [(Double, Double)], color: String, width: Double = 2, inLegend: Bool = true) {
            self.name = name
            self.points = points
            self.color = color
            self.width = width
            self.inLegend = inLegend
        }
    }

    /// An SVG line chart of `points` (x ascending) with axes, five ticks per axis and a hover
    /// title on every point. An empty series gives a framed "no data yet" chart.
    static func lineChart(points: [(Double, Double)], title: String, color: String) -> String {
        lineChart(series: [Series(name: "", points: points, color: color, inLegend: false)], title: title)
    }

    /// An SVG line chart of several series on shared axes (x: epoch), with a legend when any
    /// series is named. Self-contained (`xmlns` set), so it can be written as an `.svg` file or
    /// inlined in HTML.
    public static func lineChart(series: [Series], title: String, width: Double = 480, height: Double = 300) -> String {
        let legend = series.filter { $0.inLegend && !$0.name.isEmpty }
        // The legend sits right of the plot, as wide as its longest name (about 6.2 px per character at 11 px).
        let legendWidth = Double(legend.map(\.name.count).max() ?? 0) * 6.2 + 44
        let left = 64.0, right = legend.isEmpty ? 16.0 : legendWidth, top = 32.0, bottom = 40.0
        let plotW = width - left - right, plotH = height - top - bottom
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" font-size=\"11\" font-family=\"sans-serif\">\n"
        svg += "<text x=\"\(left)\" y=\"18\" font-size=\"13\">\(escape(title))</text>\n"
        svg += "<rect x=\"\(left)\" y=\"\(top)\" width=\"\(plotW)\" height=\"\(plotH)\" fill=\"none\" stroke=\"#999\"/>\n"
        let finite = series.flatMap { $0.points.filter { $0.1.isFinite } }
        guard !finite.isEmpty else {
            svg += "<text x=\"\(left + plotW / 2)\" y=\"\(top + plotH / 2)\" text-anchor=\"middle\" fill=\"#999\">no data yet</text>\n</svg>"
            return svg
        }
        var (xMin, xMax) = (finite.map(\.0).min()!, finite.map(\.0).max()!)
        var (yMin, yMax) = (finite.map(\.1).min()!, finite.map(\.1).max()!)
        if xMax == xMin { xMax += 1 }
        let pad = yMax == yMin ? max(abs(yMax) * 0.05, 0.01) : (yMax - yMin) * 0.08
        yMin -= pad; yMax += pad
        func px(_ x: Double) -> Double { left + (x - xMin) / (xMax - xMin) * plotW }
        func py(_ y: Double) -> Double { top + (1 - (y - yMin) / (yMax - yMin)) * plotH }
        for i in 0...4 {
            let yValue = yMin + Double(i) / 4 * (yMax - yMin)
            let y = py(yValue)
            svg += "<line x1=\"\(left)\" y1=\(q(y)) x2=\"\(left + plotW)\" y2=\(q(y)) stroke=\"#eee\"/>"
            svg += "<text x=\"\(left - 6)\" y=\(q(y + 4)) text-anchor=\"end\">\(format(yValue))</text>\n"
        }
        // Whole epochs on the x axis, about five of them.
        let step = max(1, Int(((xMax - xMin) / 5).rounded(.up)))
        for epoch in stride(from: Int(xMin.rounded(.up)), through: Int(xMax), by: step) {
            svg += "<text x=\(q(px(Double(epoch)))) y=\"\(top + plotH + 16)\" text-anchor=\"middle\">\(epoch)</text>\n"
        }
        svg += "<text x=\"\(left + plotW / 2)\" y=\"\(height - 6)\" text-anchor=\"middle\">epoch</text>\n"
        for line in series {
            let points = line.points.filter { $0.1.isFinite }
            let path = points.map { "\(q(px($0.0), quoted: false)),\(q(py($0.1), quoted: false))" }.joined(separator: " ")
            svg += "<polyline fill=\"none\" stroke=\"\(line.color)\" stroke-width=\"\(line.width)\" points=\"\(path)\"/>\n"
            let radius = line.width >= 2 ? 3.0 : 1.5
            let label = line.name.isEmpty ? "" : escape(line.name) + ", "
            for (x, y) in points {
                svg += "<circle cx=\(q(px(x))) cy=\(q(py(y))) r=\"\(radius)\" fill=\"\(line.color)\"><title>\(label)epoch \(Int(x)): \(format(y))</title></circle>\n"
            }
        }
        for (index, line) in legend.enumerated() {
            let y = top + 8 + Double(index) * 16
            svg += "<line x1=\"\(left + plotW + 10)\" y1=\(q(y)) x2=\"\(left + plotW + 28)\" y2=\(q(y)) stroke=\"\(line.color)\" stroke-width=\"2\"/>"
            svg += "<text x=\"\(left + plotW + 32)\" y=\(q(y + 4))>\(escape(line.name))</text>\n"
        }
        return svg + "</svg>"
    }

    private static func q(_ value: Double, quoted: Bool = true) -> String {
        let text = String(format: "%.1f", value)
        return quoted ? "\"\(text)\"" : text
    }

    private static func format(_ value: Double) -> String { String(format: "%.4f", value) }


    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
