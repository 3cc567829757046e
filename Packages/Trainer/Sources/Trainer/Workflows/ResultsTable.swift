/// A Markdown table of runs side by side (the output of `train demo` and `train reproduce`).
struct ResultsTable {
    /// One row: a model, its mode, the test metrics and optional extra columns.
    struct Row {
        var model: String
        var mode: String
        var metrics: [(name: String, value: Double)]
        /// Extra cells after the metrics (e.g. the paper's number), by column title.
        var extra: [String: String]
        var seconds: Double?
        var epochs: Int?

        init(model: String, mode: String, metrics: [(name: String, value: Double)], extra: [String: String] = [:],
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
    var metricNames: [String]
    /// Titles of the extra columns, in order.
    var extraColumns: [String]
    var rows: [Row] = []

    init(metricNames: [String], extraColumns: [String] = []) {
        self.metricNames = metricNames
        self.extraColumns = extraColumns
    }

    /// The table in GitHub Markdown; metrics with 4 decimals.
    var markdown: String {
        var header = ["model", "mode"] + metricNames + extraColumns
        let timed = rows.contains { $0.seconds != nil }
        if timed { header += ["epochs", "time"] }
        return markdownTable(header: header, rows: rows.map { row in
            var cells = [row.model, row.mode]
            cells += metricNames.map { name in
                row.metrics.first { $0.name == name }.map { String(format: "%.4f", $0.value) } ?? "–"
            }
            cells += extraColumns.map { row.extra[$0] ?? "" }
            if timed {
                cells.append(row.epochs.map(String.init) ?? "")
                cells.append(row.seconds.map { String(format: "%.0f s", $0) } ?? "")
            }
            return cells
        })
    }
}

/// A Markdown table of runs repeated with several seeds: one row per model and mode, each metric
/// as `mean ± std` over the seeds (the sample standard deviation; just the value for one seed).
struct SeedSummaryTable {
    struct Row {
        var model: String
        var mode: String
        /// One value per seed, by metric name.
        var metrics: [String: [Double]]
        /// Epochs trained, one per seed.
        var epochs: [Int]
        /// Extra cells after the metrics, by column title.
        var extra: [String: String]

        init(model: String, mode: String, metrics: [String: [Double]], epochs: [Int], extra: [String: String] = [:]) {
            self.model = model
            self.mode = mode
            self.metrics = metrics
            self.epochs = epochs
            self.extra = extra
        }

        /// The number of seeds (runs) summarised.
        var seeds: Int { epochs.count }
    }

    var metricNames: [String]
    var extraColumns: [String]
    var rows: [Row] = []

    init(metricNames: [String], extraColumns: [String] = []) {
        self.metricNames = metricNames
        self.extraColumns = extraColumns
    }

    /// The mean and the sample standard deviation (nil for fewer than two values).
    static func meanAndStd(_ values: [Double]) -> (mean: Double, std: Double?) {
        guard !values.isEmpty else { return (.nan, nil) }
        let mean = values.reduce(0, +) / Double(values.count)
        guard values.count > 1 else { return (mean, nil) }
        let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count - 1)
        return (mean, variance.squareRoot())
    }

    /// `0.8123 ± 0.0042`, or `0.8123` for one value, `–` for none.
    static func format(_ values: [Double]) -> String {
        guard !values.isEmpty else { return "–" }
        let (mean, std) = meanAndStd(values)
        return std.map { String(format: "%.4f ± %.4f", mean, $0) } ?? String(format: "%.4f", mean)
    }

    /// The table in GitHub Markdown.
    var markdown: String {
        let header = ["model", "mode", "seeds"] + metricNames + ["mean epochs"] + extraColumns
        return markdownTable(header: header, rows: rows.map { row in
            var cells = [row.model, row.mode, "\(row.seeds)"]
            cells += metricNames.map { Self.format(row.metrics[$0] ?? []) }
            let meanEpochs = row.epochs.isEmpty ? Double.nan : Double(row.epochs.reduce(0, +)) / Double(row.epochs.count)
            cells.append(meanEpochs.isNaN ? "–" : String(format: "%.1f", meanEpochs))
            cells += extraColumns.map { row.extra[$0] ?? "" }
            return cells
        })
    }
}

/// A GitHub Markdown table: the header row, the separator row, then one row per cell list.
private func markdownTable(header: [String], rows: [[String]]) -> String {
    let lines = ["| " + header.joined(separator: " | ") + " |",
                 "|" + header.map { _ in "---" }.joined(separator: "|") + "|"]
        + rows.map { "| " + $0.joined(separator: " | ") + " |" }
    return lines.joined(separator: "\n") + "\n"
}
