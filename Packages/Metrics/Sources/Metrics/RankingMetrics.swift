#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The ranking metrics of `Metrics README § Definitions` for candidate lists whose column 0 holds the positive.
///
/// Per row with n candidates, let g be the number of negatives scoring strictly higher than the
/// positive and e the number scoring exactly equal. Then
/// - `group_auc = (n − 1 − g − e/2) / (n − 1)`
/// - rank `r = 1 + g + e` (ties count against the positive)
/// - `ndcg = 1 / log2(r + 1)`, `ndcg@k = ndcg · [r ≤ k]`, `hit@k = [r ≤ k]`, `mrr = 1 / r`
/// and every reported value is the mean over all rows (not a mean of batch means).
///
/// Non-finite scores (NaN, ±infinity) are invalid and always count against the positive: a
/// non-finite positive ranks last (g = n − 1), a non-finite negative counts as scoring higher.
/// So a row with a NaN can never look good; `invalidRowCount` counts such rows so that callers
/// can refuse them (the trainer stops with an error, `train metrics` rejects such files).
///
/// One pass per row, no sorting: O(n) per row.
public struct RankingMetrics: Equatable, Sendable {
    /// The cut-offs reported for `ndcg@k` and `hit@k`.
    public static let cutoffs = [1, 3, 10]

    /// The metric names in report order (`group_auc`, `ndcg`, `ndcg@1`, …, `mrr`).
    public static let names: [String] =
        ["group_auc", "ndcg"] + cutoffs.map { "ndcg@\($0)" } + cutoffs.map { "hit@\($0)" } + ["mrr"]

    /// Number of rows accumulated so far.
    public private(set) var rowCount = 0
    /// Rows that held at least one non-finite score (see the type's documentation).
    public private(set) var invalidRowCount = 0
    private var sumAUC = 0.0, sumNDCG = 0.0, sumMRR = 0.0
    private var sumNDCGAt = [Double](repeating: 0, count: RankingMetrics.cutoffs.count)
    private var sumHitAt = [Double](repeating: 0, count: RankingMetrics.cutoffs.count)

    public init() {}

    /// Metrics of `rows` score rows (each with the positive first).
    public init<Row: Collection>(rows: [Row]) where Row.Element: BinaryFloatingPoint {
        for row in rows { add(row: row) }
    }

    /// Adds one row of candidate scores, positive first. A row needs at least two candidates.
    public mutating func add<Row: Collection>(row: Row) where Row.Element: BinaryFloatingPoint {
        precondition(row.count >= 2, "a score row needs the positive and at least one negative, got \(row.count) values")
        addRanked(positive: row.first!, negatives: row.dropFirst())
    }

    /// Adds the rows stored contiguously in `scores` (row-major `[rows, candidateCount]`), the
    /// positive in column 0 of each row.
    public mutating func add(scores: [Float], candidateCount n: Int) {
        addRows(scores, candidateCount: n)
    }

    /// `add(scores:candidateCount:)` for a caller that holds the scores in a buffer (no copy).
    public mutating func add(scores: UnsafeBufferPointer<Float>, candidateCount n: Int) {
        addRows(scores, candidateCount: n)
    }

    private mutating func addRows<Scores: RandomAccessCollection>(_ scores: Scores, candidateCount n: Int)
        where Scores.Element == Float, Scores.Index == Int {
        precondition(n >= 2 && scores.count % n == 0,
                     "\(scores.count) scores do not form rows of \(n) candidates")
        for start in stride(from: 0, to: scores.count, by: n) {
            addRanked(positive: scores[start], negatives: scores[(start + 1)..<(start + n)])
        }
    }

    /// Counts the negatives above and equal to `positive` under the tie and non-finite rules of
    /// the type's documentation, and adds the row.
    private mutating func addRanked<Negatives: Sequence>(positive: Negatives.Element, negatives: Negatives)
        where Negatives.Element: BinaryFloatingPoint {
        var higher = 0, equal = 0, count = 0, invalid = !positive.isFinite
        for score in negatives {
            count += 1
            if !score.isFinite { invalid = true; higher += 1 }
            else if score > positive { higher += 1 } else if score == positive { equal += 1 }
        }
        if !positive.isFinite { (higher, equal) = (count, 0) }
        addRow(candidateCount: count + 1, higher: higher, equal: equal, invalid: invalid)
    }

    /// Adds one row given its counts of negatives above (`higher`) and equal to (`equal`) the
    /// positive; `invalid` marks a row that held a non-finite score (counted in `invalidRowCount`).
    public mutating func addRow(candidateCount n: Int, higher: Int, equal: Int, invalid: Bool = false) {
        if invalid { invalidRowCount += 1 }
        let negatives = Double(n - 1)
        sumAUC += (negatives - Double(higher) - Double(equal) / 2) / negatives
        let rank = 1 + higher + equal
        let ndcg = 1 / log2(Double(rank) + 1)
        sumNDCG += ndcg
        sumMRR += 1 / Double(rank)
        for (i, k) in RankingMetrics.cutoffs.enumerated() where rank <= k {
            sumNDCGAt[i] += ndcg
            sumHitAt[i] += 1
        }
        rowCount += 1
    }

    /// Merges the rows accumulated by another instance (e.g. from another thread or batch).
    public mutating func merge(_ other: RankingMetrics) {
        rowCount += other.rowCount
        invalidRowCount += other.invalidRowCount
        sumAUC += other.sumAUC
        sumNDCG += other.sumNDCG
        sumMRR += other.sumMRR
        for i in sumNDCGAt.indices {
            sumNDCGAt[i] += other.sumNDCGAt[i]
            sumHitAt[i] += other.sumHitAt[i]
        }
    }

    /// Mean group AUC over all rows.
    public var groupAUC: Double { mean(sumAUC) }
    /// Mean NDCG (no cut-off) over all rows.
    public var ndcg: Double { mean(sumNDCG) }
    /// Mean reciprocal rank over all rows.
    public var mrr: Double { mean(sumMRR) }
    /// Mean NDCG@k for `k` in `cutoffs`.
    public func ndcg(at k: Int) -> Double { mean(sumNDCGAt[cutoffIndex(k)]) }
    /// Fraction of rows whose positive ranks within the top `k`, for `k` in `cutoffs`.
    public func hit(at k: Int) -> Double { mean(sumHitAt[cutoffIndex(k)]) }

    /// Every metric by name, in the order of `names`.
    public var values: [(name: String, value: Double)] {
        [("group_auc", groupAUC), ("ndcg", ndcg)]
            + RankingMetrics.cutoffs.map { ("ndcg@\($0)", ndcg(at: $0)) }
            + RankingMetrics.cutoffs.map { ("hit@\($0)", hit(at: $0)) }
            + [("mrr", mrr)]
    }

    /// The value of a metric by its name (`"group_auc"`, `"ndcg@10"`, …), `nil` for unknown names.
    public subscript(name: String) -> Double? { values.first { $0.name == name }?.value }

    private func mean(_ sum: Double) -> Double { rowCount == 0 ? .nan : sum / Double(rowCount) }

    private func cutoffIndex(_ k: Int) -> Int {
        guard let index = RankingMetrics.cutoffs.firstIndex(of: k) else {
            preconditionFailure("metrics are kept at k ∈ \(RankingMetrics.cutoffs), not \(k)")
        }
        return index
    }

    public static func == (a: RankingMetrics, b: RankingMetrics) -> Bool {
        a.rowCount == b.rowCount && a.values.map(\.value) == b.values.map(\.value)
    }
}
