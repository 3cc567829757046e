import Autograd
@testable import ReferenceParity
import SeqModels
import TestSupport
import XCTest

/// The acceptance test of the Base rankers: every Base fixture's scores, loss and gradients match the
/// reference within 1e-4 absolute or 1e-3 relative (README § Reference fixtures), checked by
/// `ReferenceParity` with its own Base-ranker builder. (AdaLayers checks the Ada-Ranker fixtures
/// with the same checker; `ReferenceParityTests` check what the checker rejects.)
final class ParityTests: XCTestCase {
    static let fixtures = ["MF-Base", "GRU4Rec-Base", "SASRec-Base", "NARM-Base", "NextItNet-Base", "SRGNN-Base", "SHAN-Base"]

    func testMF() throws { try check("MF-Base") }
    func testGRU4Rec() throws { try check("GRU4Rec-Base") }
    func testSASRec() throws { try check("SASRec-Base") }
    func testNARM() throws { try check("NARM-Base") }
    func testNextItNet() throws { try check("NextItNet-Base") }
    func testSRGNN() throws { try check("SRGNN-Base") }
    func testSHAN() throws { try check("SHAN-Base") }

    /// Scores, loss and every gradient within tolerance; no non-zero gradient the reference lacks and
    /// no reference gradient the model lacks (both are failures of the result); gradients compared.
    private func check(_ name: String) throws {
        let result = try ParityCheck.run(fixtureDirectory: TestFixtures.parity(name))
        print("parity " + result.summaryLine())
        XCTAssertTrue(result.passed, result.summaryLine() + "\n" + result.failures.joined(separator: "\n"))
        XCTAssertEqual(result.scores.tensorCount, 1)
        XCTAssertEqual(result.loss.tensorCount, 1)
        XCTAssertGreaterThan(result.gradients.tensorCount, 3, "\(name): too few gradients compared")
    }

    /// `RankingModel.loss` is the mean BCE of the scores, the loss the checker compares with the
    /// reference's `loss`.
    func testLossIsTheCheckedBinaryCrossEntropy() throws {
        for name in Self.fixtures {
            let fixture = try ReferenceFixture(directory: TestFixtures.parity(name))
            let ranker = try Ranker(config: fixture.config)
            try ranker.loadCheckedStateDict(fixture.parameters, strict: true)
            ranker.eval()
            let probabilities = ranker.scoreCandidates(fixture.batch)
            let bce = Variable.binaryCrossEntropy(probabilities, targets: rankingLabels(shape: probabilities.shape))
            XCTAssertEqual(ranker.loss(fixture.batch).value.scalars, bce.value.scalars, name)
        }
    }
}
