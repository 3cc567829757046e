import TestSupport
import XCTest

/// The README's Swift example is the one `ReadmeExampleTests.swift` compiles and runs.
final class ReadmeSyncTests: XCTestCase {
    func testReadmeExampleIsTheTestedOne() throws {
        try ReadmeExample.assertTested()
    }
}
