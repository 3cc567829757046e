import Metrics

/// Metrics as `results.tsv` holds them: one `metric<TAB>value` line per metric, each ending in a
/// newline.
func resultsText(_ metrics: [(name: String, value: Double)]) -> String {
    metrics.map { "\($0.name)\t\($0.value)\n" }.joined()
}

extension RankingMetrics {
    /// `results.tsv`'s lines for these metrics, in report order (group_auc, ndcg, ndcg@1/3/10,
    /// hit@1/3/10, mrr).
    public var resultsText: String { Trainer.resultsText(values) }
}
