#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Metrics
import XCTest

/// The example of `Packages/Metrics/README.md`, verbatim, with the values its comments state.
/// If this test needs a change, the README needs the same change.
final class ReadmeExampleTests: XCTestCase {
    func testReadmeExample() throws {
        // --- README example (keep identical to the README) ---
        // One row per candidate list: the positive's score first, then the negatives' scores.
        let rows: [[Double]] = [
            [0.9, 0.1, 0.2, 0.3],  // the positive beats every negative: rank 1, AUC 1
            [0.5, 0.7, 0.5, 0.1],  // one negative above, one tied: rank 3, AUC (3 − 1 − 0.5) / 3 = 0.5
        ]
        let metrics = RankingMetrics(rows: rows)
        let auc = metrics.groupAUC        // (1 + 0.5) / 2 = 0.75
        let mrr = metrics.mrr             // (1 + 1/3) / 2
        let hitAt1 = metrics.hit(at: 1)   // 0.5
        let hitAt3 = metrics.hit(at: 3)   // 1
        let ndcgAt10 = metrics["ndcg@10"] // (1 + 1/log2(4)) / 2 = 0.75
        let report = metrics.values.map { "\($0.name)\t\($0.value)" }.joined(separator: "\n")

        // Streaming use: add contiguous Float scores batch by batch, merge partial results.
        var streamed = RankingMetrics()
        let batch: [Float] = [0.4, 0.4, 0.0]  // the positive ties one negative: rank 2, AUC 0.75
        streamed.add(scores: batch, candidateCount: 3)
        streamed.merge(metrics)           // now 3 rows; every mean is over all 3
        // --- end of README example ---

        XCTAssertEqual(metrics.rowCount, 2)
        XCTAssertEqual(auc, 0.75, accuracy: 1e-12)
        XCTAssertEqual(mrr, (1 + 1.0 / 3) / 2, accuracy: 1e-12)
        XCTAssertEqual(hitAt1, 0.5)
        XCTAssertEqual(hitAt3, 1)
        XCTAssertEqual(try XCTUnwrap(ndcgAt10), 0.75, accuracy: 1e-12)
        XCTAssertEqual(metrics.ndcg(at: 1), 0.5, accuracy: 1e-12)
        XCTAssertEqual(report.split(separator: "\n").map { String($0.split(separator: "\t")[0]) },
                       ["group_auc", "ndcg", "ndcg@1", "ndcg@3", "ndcg@10", "hit@1", "hit@3", "hit@10", "mrr"])

        // The tie row alone: rank 2 (the tie counts against the positive), AUC (2 − 0 − 0.5) / 2.
        var tie = RankingMetrics()
        tie.add(scores: batch, candidateCount: 3)
        XCTAssertEqual(tie.groupAUC, 0.75, accuracy: 1e-12)
        XCTAssertEqual(tie.mrr, 0.5, accuracy: 1e-12)
        XCTAssertEqual(tie.hit(at: 1), 0)
        XCTAssertEqual(tie.ndcg, 1 / log2(3.0), accuracy: 1e-12)

        // Merged: means over all three rows, not a mean of the two partial means.
        XCTAssertEqual(streamed.rowCount, 3)
        XCTAssertEqual(streamed.groupAUC, (1 + 0.5 + 0.75) / 3, accuracy: 1e-12)
        XCTAssertEqual(streamed.mrr, (1 + 1.0 / 3 + 0.5) / 3, accuracy: 1e-12)
        XCTAssertEqual(streamed.hit(at: 1), 1.0 / 3, accuracy: 1e-12)
    }

    /// The README's "Non-finite scores" section: a non-finite score always counts against the
    /// positive, so such a row can never look good, and score files refuse non-finite values.
    func testNonFiniteScoresAsDocumented() throws {
        // A NaN positive ranks last: g = n − 1.
        let nanPositive = RankingMetrics(rows: [[Double.nan, 0.1, 0.2, 0.3]])
        XCTAssertEqual(nanPositive.groupAUC, 0)
        XCTAssertEqual(nanPositive.mrr, 0.25)
        XCTAssertEqual(nanPositive.hit(at: 3), 0)
        XCTAssertEqual(nanPositive.invalidRowCount, 1)
        // A +inf positive too (a sigmoid output can never be infinite).
        let infinitePositive = RankingMetrics(rows: [[Double.infinity, 0.1, 0.2, 0.3]])
        XCTAssertEqual(infinitePositive.groupAUC, 0)
        // A NaN negative counts as scoring higher than the positive.
        let nanNegative = RankingMetrics(rows: [[0.5, Double.nan, 0.7, 0.1]])
        XCTAssertEqual(nanNegative.groupAUC, 1.0 / 3, accuracy: 1e-12)
        XCTAssertEqual(nanNegative.mrr, 1.0 / 3, accuracy: 1e-12)
        // Every score NaN (a model with NaN weights): the worst possible row, not a perfect one.
        var allNaN = RankingMetrics()
        let scores = [Float](repeating: .nan, count: 40)
        allNaN.add(scores: scores, candidateCount: 20)
        XCTAssertEqual(allNaN.groupAUC, 0)
        XCTAssertEqual(allNaN.hit(at: 10), 0)
        XCTAssertEqual(allNaN.invalidRowCount, 2)
        // Finite rows are not invalid.
        XCTAssertEqual(RankingMetrics(rows: [[0.5, 0.2, 0.7]]).invalidRowCount, 0)
        // Score files refuse NaN and infinities, naming the line.
        XCTAssertThrowsError(try ScoreTable.parse("0.3 0.1 0.2\nnan 0.1 0.2\n", source: "s.tsv")) { error in
            XCTAssertEqual("\(error)", "s.tsv:2: expected a finite score, found 'nan'")
        }
        XCTAssertThrowsError(try ScoreTable.parse("0.3 inf\n", source: "s.tsv"))
        // No rows: every value is NaN.
        XCTAssertTrue(RankingMetrics().values.allSatisfy { $0.value.isNaN })
    }
}
