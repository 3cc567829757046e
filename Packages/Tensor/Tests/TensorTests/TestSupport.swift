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
