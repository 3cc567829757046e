import Foundation
import TestSupport
import XCTest
@testable import Metrics

final class RankingMetricsTests: XCTestCase {
    /// The reference's metric values for 64 rows of 20 scores (`Tests/Fixtures/metrics.json`).
    func testMatchesReferenceFixture() throws {
        let url = try TestFixtures.file("metrics.json")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        let rows = json["scores"] as! [[Double]]
        let expected = json["expected"] as! [String: Double]
        let metrics = RankingMetrics(rows: rows)
        XCTAssertEqual(metrics.rowCount, 64)
        XCTAssertEqual(Set(expected.keys), Set(RankingMetrics.names))
        for (name, value) in metrics.values {
            XCTAssertEqual(value, expected[name]!, accuracy: 1e-9, name)
        }
    }

    func testPositiveOnTopAndBottom() {
        let top = RankingMetrics(rows: [[0.9, 0.1, 0.2, 0.3]])
        XCTAssertEqual(top.groupAUC, 1)
        XCTAssertEqual(top.ndcg, 1)
        XCTAssertEqual(top.mrr, 1)
        XCTAssertEqual(top.hit(at: 1), 1)
        let bottom = RankingMetrics(rows: [[0.0, 0.1, 0.2, 0.3]])
        XCTAssertEqual(bottom.groupAUC, 0)
        XCTAssertEqual(bottom.mrr, 0.25)
        XCTAssertEqual(bottom.ndcg, 1 / log2(5.0), accuracy: 1e-12)
        XCTAssertEqual(bottom.hit(at: 3), 0)
        XCTAssertEqual(bottom.ndcg(at: 3), 0)
        XCTAssertEqual(bottom.hit(at: 10), 1)
    }

    /// Ties count against the positive for the rank and as one half for AUC.
    func testTiesCountAgainstThePositive() {
        // positive 0.5; one higher (0.7), two equal, one lower → g = 1, e = 2, n = 5.
        let m = RankingMetrics(rows: [[0.5, 0.7, 0.5, 0.5, 0.1]])
        XCTAssertEqual(m.groupAUC, (4 - 1 - 1.0) / 4, accuracy: 1e-12)
        XCTAssertEqual(m.mrr, 1.0 / 4, accuracy: 1e-12)  // r = 1 + 1 + 2
        XCTAssertEqual(m.ndcg, 1 / log2(5.0), accuracy: 1e-12)
        XCTAssertEqual(m.hit(at: 3), 0)
        XCTAssertEqual(m.hit(at: 10), 1)
        // All candidates equal: AUC one half, rank n.
        let flat = RankingMetrics(rows: [[1.0, 1.0, 1.0]])
        XCTAssertEqual(flat.groupAUC, 0.5)
        XCTAssertEqual(flat.mrr, 1.0 / 3, accuracy: 1e-12)
        XCTAssertEqual(flat.hit(at: 1), 0)
    }

    /// Means are over all rows, whatever the batch boundaries.
    func testMergeEqualsOnePass() {
        let rows: [[Double]] = [[0.9, 0.1, 0.95], [0.2, 0.3, 0.1], [0.4, 0.4, 0.0], [0.7, 0.1, 0.2]]
        var first = RankingMetrics(rows: Array(rows.prefix(1)))
        first.merge(RankingMetrics(rows: Array(rows.dropFirst())))
        let whole = RankingMetrics(rows: rows)
        for (a, b) in zip(first.values, whole.values) { XCTAssertEqual(a.value, b.value, accuracy: 1e-15, a.name) }
    }

    func testFlatBufferMatchesRows() {
        let rows: [[Float]] = [[0.9, 0.1, 0.95, 0.3], [0.2, 0.3, 0.1, 0.2]]
        var flat = RankingMetrics()
        let scalars = rows.flatMap { $0 }
        scalars.withUnsafeBufferPointer { flat.add(scores: $0, candidateCount: 4) }
        XCTAssertEqual(flat, RankingMetrics(rows: rows))
        var array = RankingMetrics()
        array.add(scores: scalars, candidateCount: 4)
        XCTAssertEqual(array, flat)
        XCTAssertEqual(flat["hit@1"], 0)
        XCTAssertNil(flat["recall"])
    }

    func testScoreTableParsingAndErrors() throws {
        let rows = try ScoreTable.parse("0.9\t0.1\t0.2\n\n0.3,0.4,0.5\n")
        XCTAssertEqual(rows, [[0.9, 0.1, 0.2], [0.3, 0.4, 0.5]])
        XCTAssertThrowsError(try ScoreTable.parse("0.9\t0.1\n0.3\tabc\n", source: "s.tsv")) { error in
            XCTAssertEqual("\(error)", "s.tsv:2: expected a number, found 'abc'")
        }
        XCTAssertThrowsError(try ScoreTable.parse("0.9\n", source: "s.tsv")) { error in
            XCTAssertTrue("\(error)".hasPrefix("s.tsv:1:"))
        }
    }

    /// CRLF line ends (a file written on Windows) parse like LF ones.
    func testScoreTableAcceptsCRLF() throws {
        XCTAssertEqual(try ScoreTable.parse("0.2\t0.1\r\n0.3,0.4\r\n"), [[0.2, 0.1], [0.3, 0.4]])
    }

    /// Reading a folder, a missing file or an empty file fails with a message naming the path.
    func testScoreFileErrorsNameThePath() throws {
        let folder = try makeTemporaryDirectory(self, prefix: "metrics")
        XCTAssertThrowsError(try ScoreTable.read(path: folder.path)) { error in
            XCTAssertEqual("\(error)", "\(folder.path):0: is a folder; expected a file of score rows")
        }
        XCTAssertThrowsError(try ScoreTable.read(path: folder.path + "/missing.tsv")) { error in
            XCTAssertTrue("\(error)".hasSuffix("missing.tsv:0: no such file"), "\(error)")
        }
        XCTAssertThrowsError(try ScoreTable.read(path: "/dev/null")) { error in
            XCTAssertTrue("\(error)".hasPrefix("/dev/null:0: no score rows"), "\(error)")
        }
        let file = folder.appendingPathComponent("scores.tsv")
        try "0.9 0.1 0.1\r\n".write(to: file, atomically: false, encoding: .utf8)
        XCTAssertEqual(try ScoreTable.read(path: file.path), [[0.9, 0.1, 0.1]])
    }
}
