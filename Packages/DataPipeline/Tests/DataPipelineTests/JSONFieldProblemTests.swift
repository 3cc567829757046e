import DataPipeline
import Foundation
import XCTest

/// `JSONFieldProblem`: every kind of `JSONDecoder` failure names the field in the document's
/// spelling, what was expected and, where the decoder says so, what was found.
final class JSONFieldProblemTests: XCTestCase {
    private struct Request: Decodable {
        var history: [Int]
        var userId: Int?
        var inner: Inner?
    }

    private struct Inner: Decodable {
        var meanLength: Double
        var name: String
    }

    /// The problem `JSONDecoder` (with `keyDecoding`) reports for `json`.
    private func problem(_ json: String, keyDecoding: JSONDecoder.KeyDecodingStrategy = .convertFromSnakeCase) throws -> JSONFieldProblem {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = keyDecoding
        do {
            _ = try decoder.decode(Request.self, from: Data(json.utf8))
        } catch let error as DecodingError {
            return JSONFieldProblem(error, keyDecoding: keyDecoding)
        }
        throw DecodedWithoutError()
    }

    private struct DecodedWithoutError: Error {}

    func testWrongTypesNameTheFieldTheExpectedAndTheFoundKind() throws {
        XCTAssertEqual("\(try problem(#"{"history": [1, "x"]}"#))", "field 'history[1]': expected an integer, found a string")
        XCTAssertEqual("\(try problem(#"{"history": "abc"}"#))", "field 'history': expected an array, found a string")
        XCTAssertEqual("\(try problem(#"{"history": [], "user_id": true}"#))", "field 'user_id': expected an integer, found true or false")
        XCTAssertEqual("\(try problem(#"{"history": [], "inner": 3}"#))", "field 'inner': expected a JSON object, found a number")
        XCTAssertEqual("\(try problem(#"{"history": [], "inner": {"mean_length": 1, "name": 2}}"#))",
                       "field 'inner.name': expected a string, found a number")
        let whole = try problem("[1]")
        XCTAssertEqual(whole.field, "")
        XCTAssertEqual("\(whole)", "expected a JSON object, found an array")
    }

    func testNullAndMissingFieldsAreNamedInTheDocumentsSpelling() throws {
        XCTAssertEqual("\(try problem(#"{"history": null}"#))", "field 'history': expected an array, found null")
        XCTAssertEqual("\(try problem(#"{"history": [], "inner": {"name": "a"}}"#))", "field 'inner.mean_length': missing")
        let asDecoded = try problem(#"{"history": [], "inner": {"name": "a"}}"#, keyDecoding: .useDefaultKeys)
        XCTAssertEqual("\(asDecoded)", "field 'inner.meanLength': missing", "without the conversion, keys are shown as decoded")
    }

    func testTheFirstNonIntegerNumberIsFoundOutsideDecimalFields() throws {
        let json = try JSONSerialization.jsonObject(with: Data(#"{"b": {"mean": 2.5, "rows": [3, 1e20]}, "a": 1}"#.utf8))
        XCTAssertEqual(JSONFieldProblem.firstNonInteger(in: json, decimalFields: ["mean"])?.description,
                       "field 'b.rows[1]': expected an integer, found 1e+20")
        XCTAssertEqual(JSONFieldProblem.firstNonInteger(in: json)?.description, "field 'b.mean': expected an integer, found 2.5")
        let integers = try JSONSerialization.jsonObject(with: Data(#"{"a": [1, -2, 9007199254740992], "b": true}"#.utf8))
        XCTAssertNil(JSONFieldProblem.firstNonInteger(in: integers))
    }
}
