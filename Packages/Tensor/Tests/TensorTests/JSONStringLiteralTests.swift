import Foundation
import XCTest
import Tensor

/// `jsonStringLiteral`, shared by safetensors headers and the ranking server's replies.
final class JSONStringLiteralTests: XCTestCase {
    func testEscapesQuotesBackslashesAndControlCharacters() {
        XCTAssertEqual(jsonStringLiteral(""), "\"\"")
        XCTAssertEqual(jsonStringLiteral("a\"b\\c/d"), "\"a\\\"b\\\\c/d\"")
        XCTAssertEqual(jsonStringLiteral("1\n2\r3\t4\u{1}5\u{1f}"), "\"1\\n2\\r3\\t4\\u00015\\u001f\"")
        XCTAssertEqual(jsonStringLiteral("é ü 漢 🙂"), "\"é ü 漢 🙂\"")
    }

    /// Whatever the text, Foundation's JSON reader gives it back unchanged.
    func testRoundTripsThroughJSONSerialization() throws {
        let texts = ["plain", "quote \" and \\ backslash", String((0..<32).map { Character(Unicode.Scalar($0)!) }), "🙂\u{7f}"]
        for text in texts {
            let decoded = try JSONSerialization.jsonObject(with: Data(jsonStringLiteral(text).utf8), options: .fragmentsAllowed)
            XCTAssertEqual(decoded as? String, text)
        }
    }
}
