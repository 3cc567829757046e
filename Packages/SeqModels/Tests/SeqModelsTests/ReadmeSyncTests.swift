import Foundation
import TestSupport
import XCTest

/// The README's Swift example is the one `ReadmeExampleTests.swift` compiles and runs.
final class ReadmeSyncTests: XCTestCase {
    func testReadmeExampleIsTheTestedOne() throws {
        let tests = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        let readme = tests.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("README.md")
        XCTAssertFalse(try ReadmeExample.exampleLines(readme: readme).isEmpty, "README.md has no ```swift example")
        let missing = try ReadmeExample.missingLines(readme: readme,
                                                     testSource: tests.appendingPathComponent("ReadmeExampleTests.swift"))
        XCTAssertEqual(missing, [], "README example lines not in ReadmeExampleTests.swift")
    }
}
