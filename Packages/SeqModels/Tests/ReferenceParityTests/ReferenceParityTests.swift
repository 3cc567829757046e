import Foundation
@testable import ReferenceParity
import SeqModels
import Tensor
import TestSupport
import XCTest

/// The checker itself (README § Reference fixtures), on Base fixtures: it rejects fixtures that do
/// not match or cannot be read, accepts differences within the tolerance, and needs a model builder
/// for Ada-Ranker fixtures. (AdaLayers' tests check Ada-Ranker fixtures the same way.)
final class ReferenceParityTests: XCTestCase {
    /// A change below the tolerance still passes (the check is not exact equality).
    func testPerturbationWithinToleranceStillPasses() throws {
        var fixture = try ReferenceFixture(directory: TestFixtures.parity("GRU4Rec-Base"))
        fixture.expected["scores"]!.scalars[0] += 5e-5
        XCTAssertTrue(try ParityCheck.check(Ranker(config: fixture.config), against: fixture).passed)
    }

    /// A NaN anywhere — here one expected gradient entry — fails the fixture.
    func testNaNFails() throws {
        var fixture = try ReferenceFixture(directory: TestFixtures.parity("GRU4Rec-Base"))
        fixture.expected["grad.dense.weight"]!.scalars[3] = .nan
        let result = try ParityCheck.check(Ranker(config: fixture.config), against: fixture)
        XCTAssertFalse(result.passed)
        XCTAssertTrue(result.gradients.maxAbsoluteError.isNaN)
        XCTAssertTrue(result.failures.first?.hasPrefix("grad.dense.weight: 1 of 512 entries outside tolerance") == true, "\(result.failures)")
    }

    /// A folder lacking a file is reported by `run`, and `runAll` reports it as an error outcome
    /// while still checking the other folders.
    func testMissingFileIsReported() throws {
        let parent = try makeTemporaryDirectory(self)
        _ = try TestFixtures.copyParity("MF-Base", into: parent)
        let broken = try TestFixtures.copyParity("MF-Base", into: parent, as: "MF-Broken")
        try FileManager.default.removeItem(at: broken.appendingPathComponent("batch.safetensors"))

        XCTAssertThrowsError(try ParityCheck.run(fixtureDirectory: broken)) { error in
            XCTAssertEqual(error as? ParityError, .missingFiles(directory: broken.path, files: ["batch.safetensors"]))
        }
        let outcomes = try ParityCheck.runAll(directory: parent)
        XCTAssertEqual(outcomes.map(\.fixture), ["MF-Base", "MF-Broken"])
        XCTAssertTrue(outcomes[0].passed)
        XCTAssertFalse(outcomes[1].passed)
        XCTAssertTrue(outcomes[1].summaryLine().contains("ERROR"), outcomes[1].summaryLine())
        XCTAssertTrue(outcomes[1].summaryLine().contains("batch.safetensors"), outcomes[1].summaryLine())
    }

    /// A gradient the reference does not have (its `grad.` entry removed) is a failure naming it.
    func testGradientTheReferenceDoesNotHaveFails() throws {
        let copy = try TestFixtures.copyParity("MF-Base", into: makeTemporaryDirectory(self))
        let path = copy.appendingPathComponent("expected.safetensors").path
        var entries = try SafeTensorsFile(contentsOf: path).entries
        XCTAssertNotNil(entries.removeValue(forKey: "grad.user_embedding.weight"))
        try SafeTensors.write(entries, to: path)
        let result = try ParityCheck.run(fixtureDirectory: copy)
        XCTAssertFalse(result.passed)
        XCTAssertTrue(result.failures.contains { $0.hasPrefix("grad.user_embedding.weight: the model has a non-zero gradient") },
                      "\(result.failures)")
    }

    /// A reference gradient naming no parameter of the model is a failure naming it.
    func testGradientTheModelDoesNotHaveFails() throws {
        var fixture = try ReferenceFixture(directory: TestFixtures.parity("SASRec-Base"))
        fixture.expected["grad.mem_w1.array"] = Tensor(repeating: 0, shape: [2, 2])
        let result = try ParityCheck.check(Ranker(config: fixture.config), against: fixture)
        XCTAssertFalse(result.passed)
        XCTAssertEqual(result.failures, ["grad.mem_w1.array: expected by the fixture, but the model has no such parameter"])
    }

    /// The model comes from the builder given: one other than the fixture's (a GRU4Rec model for
    /// NARM parameters) fails to load, naming `model.safetensors`.
    func testWrongModelFailsToLoad() throws {
        let gru4Rec: ParityCheck.ModelBuilder = { config in
            var other = config
            other.model = .gru4Rec
            return try Ranker(config: other)
        }
        XCTAssertThrowsError(try ParityCheck.run(fixtureDirectory: TestFixtures.parity("NARM-Base"), makeModel: gru4Rec)) { error in
            XCTAssertTrue("\(error)".contains("model.safetensors"), "\(error)")
        }
    }

    /// Without a builder, an Ada-Ranker fixture is an error that says what to pass; `runAll` reports
    /// those folders as errors and still checks the Base ones.
    func testAdaRankerFixtureNeedsAModelBuilder() throws {
        XCTAssertThrowsError(try ParityCheck.run(fixtureDirectory: TestFixtures.parity("GRU4Rec-Ada-Ranker"))) { error in
            XCTAssertEqual(error as? ParityError, .noModelBuilder(trainType: .adaRanker))
            XCTAssertTrue("\(error)".contains("makeModel"), "\(error)")
        }
        let outcomes = try ParityCheck.runAll(directory: TestFixtures.parityDirectory())
        XCTAssertEqual(outcomes.count, 14)
        for outcome in outcomes {
            XCTAssertEqual(outcome.passed, outcome.fixture.hasSuffix("-Base"), outcome.summaryLine())
        }
        let adaLine = outcomes.first { $0.fixture == "SHAN-Ada-Ranker" }?.summaryLine() ?? ""
        XCTAssertTrue(adaLine.contains("ERROR") && adaLine.contains("needs a model builder"), adaLine)
    }

    /// A directory without fixtures is an error, not an empty success.
    func testEmptyDirectoryIsAnError() throws {
        let empty = try makeTemporaryDirectory(self)
        XCTAssertThrowsError(try ParityCheck.runAll(directory: empty))
        XCTAssertThrowsError(try ParityCheck.runAll(directory: empty.appendingPathComponent("absent")))
    }

    /// A fixture folder given directly is checked on its own.
    func testSingleFixtureDirectory() throws {
        let outcomes = try ParityCheck.runAll(directory: TestFixtures.parity("SHAN-Base"))
        XCTAssertEqual(outcomes.map(\.fixture), ["SHAN-Base"])
        XCTAssertTrue(outcomes[0].passed)
    }
}
