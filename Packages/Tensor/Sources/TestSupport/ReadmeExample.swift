import Foundation
import XCTest

/// Keeps a package README's Swift example and the test that compiles it in step.
///
/// Every package's README example is copied into a `ReadmeExampleTests.swift`, which compiles and
/// runs it. `missingLines` finds the example lines that the test no longer contains, in order, so a
/// README edit that is not mirrored in the test (or the other way round) fails a test. Comments and
/// whitespace are ignored, and a string literal in the README (a file path, say) matches any
/// expression in the test, so the test may write to a temporary folder instead.
public enum ReadmeExample {
    /// The README's ```swift blocks joined, one entry per non-empty line.
    public static func exampleLines(readme: URL) throws -> [String] {
        let text = try String(contentsOf: readme, encoding: .utf8)
        var lines: [String] = [], inside = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("```") { inside = !inside && trimmed == "```swift"; continue }
            if inside, !normalised(String(line)).isEmpty { lines.append(String(line)) }
        }
        return lines
    }

    /// Asserts that the README of the package whose test file is `testFile` has a Swift example and
    /// that every line of it stands, in order, in `ReadmeExampleTests.swift` beside `testFile`
    /// (`<package>/Tests/<target>/`, the README two folders up).
    public static func assertTested(besides testFile: StaticString = #filePath, line: UInt = #line) throws {
        let tests = URL(fileURLWithPath: "\(testFile)").deletingLastPathComponent()
        let readme = tests.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("README.md")
        XCTAssertFalse(try exampleLines(readme: readme).isEmpty, "README.md has no ```swift example",
                       file: testFile, line: line)
        let missing = try missingLines(readme: readme, testSource: tests.appendingPathComponent("ReadmeExampleTests.swift"))
        XCTAssertEqual(missing, [], "README example lines not in ReadmeExampleTests.swift", file: testFile, line: line)
    }

    /// The example lines of `readme` without a matching line, in order, in `testSource`.
    public static func missingLines(readme: URL, testSource: URL) throws -> [String] {
        let source = try String(contentsOf: testSource, encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false).map { normalised(String($0)) }
        var position = 0, missing: [String] = []
        for line in try exampleLines(readme: readme) {
            let pattern = try NSRegularExpression(pattern: "^" + wildcardPattern(normalised(line)) + "$")
            let found = source[position...].firstIndex { candidate in
                pattern.firstMatch(in: candidate, range: NSRange(candidate.startIndex..., in: candidate)) != nil
            }
            if let found { position = found + 1 } else { missing.append(line.trimmingCharacters(in: .whitespaces)) }
        }
        return missing
    }

    /// `line` without its trailing `//` comment and with runs of whitespace as one space.
    static func normalised(_ line: String) -> String {
        var result = "", inString = false, previous: Character = " "
        for character in line {
            if character == "\"" { inString.toggle() }
            if !inString, character == "/", previous == "/" { result.removeLast(); break }
            result.append(character)
            previous = character
        }
        return result.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// A regular expression for `line` in which each string literal matches any expression.
    static func wildcardPattern(_ line: String) -> String {
        var pattern = "", literal = "", inString = false
        for character in line {
            if character == "\"" {
                if inString { pattern += ".+?"; literal = "" }
                inString.toggle()
                continue
            }
            if inString { literal.append(character) } else {
                pattern += NSRegularExpression.escapedPattern(for: String(character))
            }
        }
        return pattern
    }
}
