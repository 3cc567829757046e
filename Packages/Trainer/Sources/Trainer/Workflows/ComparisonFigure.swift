import Foundation
import SeqModels

/// The valid-metric curves of one model's runs on shared axes — one line per variant — drawn with
/// `ReportPage`'s chart, and the page `<runs>/report.html` that shows all of them.
enum ComparisonFigure {
    /// Line colours by variant.
    static let colors: [ReproduceRequest.Variant: String] = [
        .base: "#555555", .ada: "#2471a3", .freeze0: "#27ae60", .freeze1: "#e67e22",
    ]

    /// `curves-<Model>.svg`.
    public static func fileName(model: ModelName) -> String { "curves-\(model).svg" }

    /// The chart for `model`: valid `metric` per epoch (epoch 0 = before training) of every run.
    /// The first seed's runs are drawn bold and named in the legend, further seeds thin.
    public static func svg(model: ModelName, runs: [ReproduceRun], metric: String = "group_auc") throws -> String {
        var series: [ReportPage.Series] = []
        for variant in ReproduceRequest.Variant.allCases {
            let group = runs.filter { $0.model == model && $0.variant == variant }
            for (index, run) in group.enumerated() {
                let records = try RunFolder(url: run.report.folder).readMetrics().filter { $0.split == .valid }
                let points = records.compactMap { r in r[metric: metric].map { (Double(r.epoch), $0) } }
                let name = index == 0 ? variant.tableLabel : "\(variant.tableLabel) seed \(run.seed)"
                series.append(ReportPage.Series(name: name, points: points, color: colors[variant] ?? "#000",
                                                width: index == 0 ? 2 : 1, inLegend: index == 0))
            }
        }
        let seeds = runs.filter { $0.model == model }.map(\.seed).reduce(into: [UInt64]()) { if !$0.contains($1) { $0.append($1) } }
        let note = seeds.count > 1 ? " (bold: seed \(seeds[0]); thin: seeds \(seeds.dropFirst().map(String.init).joined(separator: ", ")))" : " (seed \(seeds.first.map(String.init) ?? "–"))"
        return ReportPage.lineChart(series: series, title: "\(model): valid \(metric) per epoch" + note, width: 760, height: 360)
    }

    /// The chart as a standalone SVG file.
    static func svgFile(_ svg: String) -> String { "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + svg + "\n" }

    /// `<runs>/report.html`: results.md, then per model its chart (inline) with links to the SVG
    /// file and to every run's own report.html.
    static func html(_ runs: [ReproduceRun], request: ReproduceRequest) throws -> String {
        let title = "\(request.datasetName): Ada-Ranker vs Base (\(request.protocolName) protocol)"
        var body = "<h1>\(ReportPage.escape(title))</h1>\n<p><a href=\"results.md\">results.md</a> · <a href=\"results.json\">results.json</a></p>\n"
        let markdown = (try? String(contentsOf: URL(fileURLWithPath: request.runsFolder).appendingPathComponent("results.md"), encoding: .utf8)) ?? ""
        body += "<pre>\(ReportPage.escape(markdown))</pre>\n"
        for model in ReproduceOutputs.models(of: runs) {
            body += "<h2>\(ReportPage.escape(model.rawValue))</h2>\n" + (try svg(model: model, runs: runs)) + "\n"
            body += "<p><a href=\"\(fileName(model: model))\">\(fileName(model: model))</a>; runs: "
            body += runs.filter { $0.model == model }.map { run in
                let name = run.report.folder.lastPathComponent
                return "<a href=\"\(ReportPage.escape(name))/report.html\">\(ReportPage.escape(name))</a>"
            }.joined(separator: ", ") + "</p>\n"
        }
        return """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>\(ReportPage.escape(title))</title>
        <style>body { font-family: sans-serif; margin: 2em; color: #222; } pre { font-size: 12px; }</style>
        </head><body>
        \(body)</body></html>

        """
    }
}
