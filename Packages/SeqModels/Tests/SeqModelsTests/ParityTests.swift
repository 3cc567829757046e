import Autograd
import Foundation
import SeqModels
import Tensor
import XCTest

/// The acceptance test: every Base fixture's scores, loss and gradients match the reference
/// within 1e-4 absolute or 1e-3 relative (SPEC §7).
final class ParityTests: XCTestCase {
    func testMF() throws { try checkFixture("MF-Base") }
    func testGRU4Rec() throws { try checkFixture("GRU4Rec-Base") }
    func testSASRec() throws { try checkFixture("SASRec-Base") }
    func testNARM() throws { try checkFixture("NARM-Base") }
    func testNextItNet() throws { try checkFixture("NextItNet-Base") }
    func testSRGNN() throws { try checkFixture("SRGNN-Base") }
    func testSHAN() throws { try checkFixture("SHAN-Base") }

    private func checkFixture(_ name: String) throws {
        let fixture = try ParityFixture(directory: FixtureLocation.parityFixture(name))
        let config = try ModelConfig(fixture.configValues)
        let ranker = try Ranker(config: config)
        let report = try fixture.check(ranker)
        print("parity " + report.description)
        XCTAssertGreaterThan(report.comparedTensors, 2, "no gradients compared for \(name)")
        XCTAssertTrue(report.passed, report.description)
    }
}
