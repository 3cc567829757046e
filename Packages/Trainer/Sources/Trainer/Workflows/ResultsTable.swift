/// A Markdown table of runs side by side (the output of `train demo` and `train reproduce`).
public struct ResultsTable {
    /// One row: a model, its mode, the test metrics and optional extra columns.
    public struct Row {
        public var model: String
        public var mode: String
        public var metrics: [(name: String, value: Double)]
        /// Extra cells after the metrics (e.g. the paper's number), by column title.
        public var extra: [String: String]
        public var seconds: Double?
        public var epochs: Int?

        public init(model: String, mode: String, metrics: [(name: String, value: Double)], extra: [String: String] = [:],
                    seconds: Double? = nil, epochs: Int? = nil) {
            self.model = model
            self.mode = mode
            self.metrics = metrics
            self.extra = extra
            self.seconds = seconds
            self.epochs = epochs
        }
    }

    /// The metric columns, in order.
    public var metricNames: [String]
    /// Titles of the extra columns, in order.
    public var extraColumns: [String]
    public var rows: [Row] = []

    public init(metricNames: [String], extraColumns: [String] = []) {
        self.metricNames = metricNames
        self.extraColumns = extraColumns
    }

    /// The table in GitHub Markdown; metrics with 4 decimals.
    public var markdown: String {
        var header = ["model", "mode"] + metricNames + extraColumns
        let timed = rows.contains { $0.seconds != nil }
        if timed { header += ["epochs", "time"] }
        var lines = ["| " + header.joined(separator: " | ") + " |",
                     "|" + header.map { _ in "---" }.joined(separator: "|") + "|"]
        for row in rows {
            var cells = [row.model, row.mode]
            cells += metricNames.map { name in
                row.metrics.first { $0.name == name }.map { String(format: "%.4f", $0.value) } ?? "–"
            }
            cells += extraColumns.map { row.extra[$0] ?? "" }
            if timed {
                cells.append(row.epochs.map(String.init) ?? "")
                cells.append(row.seconds.map { String(format: "%.0f s", $0) } ?? "")
            }
            lines.append("| " + cells.joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
