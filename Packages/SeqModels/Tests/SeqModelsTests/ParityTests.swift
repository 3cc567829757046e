import TestSupport
import Autograd
import Foundation
import SeqModels
import Tensor
import XCTest

/// The acceptance test: every Base fixture's scores, loss and gradients match the reference
/// within 1e-4 absolute or 1e-3 relative (AdaLayers README § Reference fixtures).
final class ParityTests: XCTestCase {
    func testMF() throws { try checkFixture("MF-Base") }
    func testGRU4Rec() throws { try checkFixture("GRU4Rec-Base") }
    func testSASRec() throws { try checkFixture("SASRec-Base") }
    func testNARM() throws { try checkFixture("NARM-Base") }
    func testNextItNet() throws { try checkFixture("NextItNet-Base") }
    func testSRGNN() throws { try checkFixture("SRGNN-Base") }
    func testSHAN() throws { try checkFixture("SHAN-Base") }

    private func checkFixture(_ name: String) throws {
        let fixture = try ParityFixture(directory: TestFixtures.parity(name))
        let config = try ModelConfig(fixture.configValues)
        let ranker = try Ranker(config: config)
        let report = try fixture.check(ranker)
        print("parity " + report.description)
        XCTAssertGreaterThan(report.comparedTensors, 2, "no gradients compared for \(name)")
        XCTAssertTrue(report.passed, report.description)
    }
}

/// The checker itself notices wrong values, missing tensors and unexpected gradients.
final class ParityCheckerTests: XCTestCase {
    func testDetectsAWrongGradientAndScore() throws {
        var fixture = try ParityFixture(directory: TestFixtures.parity("GRU4Rec-Base"))
        fixture.expected["grad.dense.weight"]!.scalars[3] += 1e-2
        fixture.expected["scores"]!.scalars[0] *= 1.01
        let report = try fixture.check(try Ranker(config: ModelConfig(fixture.configValues)))
        XCTAssertFalse(report.passed)
        XCTAssertEqual(report.failures.count, 2, report.description)
        XCTAssertTrue(report.description.contains("grad.dense.weight: 1 of 512 entries outside tolerance"), report.description)
        XCTAssertTrue(report.description.contains("scores: 1 of 80"), report.description)
    }

    func testDetectsAGradientTheReferenceDoesNotHave() throws {
        var fixture = try ParityFixture(directory: TestFixtures.parity("MF-Base"))
        fixture.expected["grad.user_embedding.weight"] = nil
        let report = try fixture.check(try Ranker(config: ModelConfig(fixture.configValues)))
        XCTAssertTrue(report.description.contains("grad.user_embedding.weight: the model produced a non-zero gradient"), report.description)
    }

    func testWrongModelFailsToLoad() throws {
        let fixture = try ParityFixture(directory: TestFixtures.parity("NARM-Base"))
        var config = try ModelConfig(fixture.configValues)
        config.model = .gru4Rec
        XCTAssertThrowsError(try fixture.check(try Ranker(config: config))) { error in
            XCTAssertTrue("\(error)".contains("model.safetensors"), "\(error)")
        }
    }
}
