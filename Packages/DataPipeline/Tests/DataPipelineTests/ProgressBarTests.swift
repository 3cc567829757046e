import XCTest
@testable import DataPipeline

final class ProgressBarTests: XCTestCase {
    func testRenderedLineShowsFractionCountsRateAndETA() {
        let bar = ProgressBar(title: "sampling", total: 2_000_000, unit: "rows", enabled: false)
        bar.update(completed: 500_000)
        let line = bar.renderedLine()
        XCTAssertTrue(line.hasPrefix("sampling  [######------------------]"), line)
        XCTAssertTrue(line.contains(" 25%"), line)
        XCTAssertTrue(line.contains("500k/2.00M rows"), line)
        XCTAssertTrue(line.contains("rows/s"), line)
        XCTAssertTrue(line.contains("ETA "), line)
        bar.advance(by: 1_500_000)
        XCTAssertTrue(bar.renderedLine().contains("100%"), bar.renderedLine())
        bar.finish()
    }

    func testUnknownTotalAndFormatting() {
        let bar = ProgressBar(title: "reading", total: nil, unit: "lines", enabled: false)
        bar.advance(by: 1_234)
        XCTAssertTrue(bar.renderedLine().hasPrefix("reading  1.2k lines"), bar.renderedLine())
        XCTAssertEqual(ProgressBar.compact(12), "12")
        XCTAssertEqual(ProgressBar.compact(2_500_000_000), "2.50G")
        XCTAssertEqual(ProgressBar.clock(75), "1:15")
        XCTAssertEqual(ProgressBar.clock(3_725), "1:02:05")
    }

    func testDisabledUnlessStandardErrorIsATerminal() {
        XCTAssertEqual(ProgressBar(title: "x", total: 1).isEnabled, ProgressBar.standardErrorIsTerminal)
        XCTAssertFalse(ProgressBar(title: "x", total: 1, enabled: false).isEnabled)
    }
}
