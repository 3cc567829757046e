import Foundation
import XCTest
@testable import Tensor

/// Asserts equal shapes and elementwise `|actual − expected| ≤ tolerance`.
func assertClose(_ actual: Tensor, _ expected: Tensor, tolerance: Float = 1e-5,
                 _ message: String = "", file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(actual.shape, expected.shape, "shape \(message)", file: file, line: line)
    guard actual.shape == expected.shape else { return }
    let difference = actual.maxAbsDifference(expected)
    XCTAssert(difference <= tolerance,
              "max |difference| \(difference) > \(tolerance) \(message)\nactual   \(actual.scalars.prefix(16))\nexpected \(expected.scalars.prefix(16))",
              file: file, line: line)
}

/// Shorthand for a tensor literal.
func T(_ shape: [Int], _ scalars: [Float]) -> Tensor { Tensor(shape: shape, scalars: scalars) }

/// `0, 1, 2, …` in the given shape.
func iota(_ shape: [Int]) -> Tensor {
    Tensor(shape: shape, scalars: (0..<Tensor.elementCount(shape)).map(Float.init))
}

/// The shared fixtures folder: `$ADARANKER_FIXTURES`, else a `shared/fixtures` folder beside one of
/// this file's ancestors. Skips the test when absent, but fails under `CI=true`.
func fixturesDirectory(file: StaticString = #filePath) throws -> URL {
    let environment = ProcessInfo.processInfo.environment
    if let explicit = environment["ADARANKER_FIXTURES"] { return URL(fileURLWithPath: explicit) }
    var folder = URL(fileURLWithPath: "\(file)").deletingLastPathComponent()
    while folder.path != "/" {
        let candidate = folder.appendingPathComponent("shared/fixtures")
        if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("parity").path) { return candidate }
        folder.deleteLastPathComponent()
    }
    let hint = "set ADARANKER_FIXTURES to the shared fixtures folder"
    if environment["CI"] == "true" { throw MissingFixtures(description: "fixtures not found under CI: \(hint)") }
    throw XCTSkip(hint)
}

struct MissingFixtures: Error, CustomStringConvertible { let description: String }

/// A fresh empty temporary folder, removed after the test.
func temporaryDirectory(_ testCase: XCTestCase) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("tensor-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    testCase.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
    return url
}
