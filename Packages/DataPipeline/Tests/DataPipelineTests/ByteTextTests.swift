import XCTest
@testable import DataPipeline

final class ByteTextTests: XCTestCase {
    /// Runs `body` on the spans of every line of `text`.
    private func lines(_ text: String) -> [String] {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBufferPointer { buffer in
            var scanner = LineScanner(buffer)
            var result: [String] = []
            while let line = scanner.nextLine() { result.append(line.text()) }
            return result
        }
    }

    private func withSpan<T>(_ text: String, _ body: (ByteSpan) -> T) -> T {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBufferPointer { body(ByteSpan(buffer: $0, start: 0, end: $0.count)) }
    }

    func testLinesHandleCRLFBOMAndMissingFinalNewline() {
        XCTAssertEqual(lines("a\nb\r\nc"), ["a", "b", "c"])
        XCTAssertEqual(lines("\u{FEFF}x\n"), ["x"])
        XCTAssertEqual(lines("a\n\nb\n"), ["a", "", "b"])
        XCTAssertEqual(lines(""), [])
    }

    func testParseInt() {
        XCTAssertEqual(withSpan("123") { $0.parseInt() }, 123)
        XCTAssertEqual(withSpan(" -42 ") { $0.parseInt() }, -42)
        XCTAssertNil(withSpan("12a") { $0.parseInt() })
        XCTAssertNil(withSpan("") { $0.parseInt() })
        XCTAssertNil(withSpan("-") { $0.parseInt() })
        XCTAssertNil(withSpan("99999999999999999999") { $0.parseInt() }, "overflow is not a number")
        XCTAssertNil(withSpan("1.5") { $0.parseInt() })
    }

    func testParseTimestampAcceptsZeroFractionOnly() {
        XCTAssertEqual(withSpan("881250949") { $0.parseTimestamp() }, 881_250_949)
        XCTAssertEqual(withSpan("881250949.000") { $0.parseTimestamp() }, 881_250_949)
        XCTAssertNil(withSpan("881250949.5") { $0.parseTimestamp() })
        XCTAssertNil(withSpan("soon") { $0.parseTimestamp() })
    }

    func testParseIntList() {
        var values: [Int] = []
        XCTAssertTrue(withSpan("[5, 15]") { $0.parseIntList(into: &values) })
        XCTAssertEqual(values, [5, 15])
        XCTAssertTrue(withSpan("[]") { $0.parseIntList(into: &values) })
        XCTAssertEqual(values, [])
        XCTAssertTrue(withSpan("7") { $0.parseIntList(into: &values) })
        XCTAssertEqual(values, [7])
        XCTAssertFalse(withSpan("[5, x]") { $0.parseIntList(into: &values) })
        XCTAssertFalse(withSpan("[5, 15") { $0.parseIntList(into: &values) })
        XCTAssertFalse(withSpan("[5,,6]") { $0.parseIntList(into: &values) })
    }

    func testSplitting() {
        var fields: [ByteSpan] = []
        let parts: [String] = withSpan("1::Toy Story::A|B") { span in
            span.splitOnDoubleColon(into: &fields)
            return fields.map { $0.text() }
        }
        XCTAssertEqual(parts, ["1", "Toy Story", "A|B"])
        let tabs: [String] = withSpan("a\t\tb") { span in
            span.split(separator: 0x09, into: &fields)
            return fields.map { $0.text() }
        }
        XCTAssertEqual(tabs, ["a", "", "b"])
        let blanks: [String] = withSpan("  Animation Children's  Comedy") { span in
            span.splitOnBlanks(into: &fields)
            return fields.map { $0.text() }
        }
        XCTAssertEqual(blanks, ["Animation", "Children's", "Comedy"])
    }
}
