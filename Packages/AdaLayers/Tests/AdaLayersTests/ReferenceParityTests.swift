import TestSupport
@testable import AdaLayers
import Foundation
@testable import ReferenceParity
import SeqModels
import Tensor
import XCTest

/// The acceptance test (AdaLayers README § Reference fixtures): all 14 reference fixtures — 7 encoders × Base/Ada-Ranker — match
/// scores, loss and every gradient within 1e-4 absolute or 1e-3 relative; and the checker itself
/// rejects fixtures that do not match or cannot be read.
final class ReferenceParityTests: XCTestCase {
    static let encoders = ["MF", "GRU4Rec", "SASRec", "NARM", "NextItNet", "SRGNN", "SHAN"]

    func testMFBase() throws { try check("MF-Base") }
    func testMFAdaRanker() throws { try check("MF-Ada-Ranker") }
    func testGRU4RecBase() throws { try check("GRU4Rec-Base") }
    func testGRU4RecAdaRanker() throws { try check("GRU4Rec-Ada-Ranker") }
    func testSASRecBase() throws { try check("SASRec-Base") }
    func testSASRecAdaRanker() throws { try check("SASRec-Ada-Ranker") }
    func testNARMBase() throws { try check("NARM-Base") }
    func testNARMAdaRanker() throws { try check("NARM-Ada-Ranker") }
    func testNextItNetBase() throws { try check("NextItNet-Base") }
    func testNextItNetAdaRanker() throws { try check("NextItNet-Ada-Ranker") }
    func testSRGNNBase() throws { try check("SRGNN-Base") }
    func testSRGNNAdaRanker() throws { try check("SRGNN-Ada-Ranker") }
    func testSHANBase() throws { try check("SHAN-Base") }
    func testSHANAdaRanker() throws { try check("SHAN-Ada-Ranker") }

    private func check(_ name: String) throws {
        let result = try ParityCheck.run(fixtureDirectory: TestFixtures.parity(name))
        print("parity " + result.summaryLine())
        XCTAssertTrue(result.passed, result.summaryLine() + "\n" + result.failures.joined(separator: "\n"))
        XCTAssertEqual(result.scores.tensorCount, 1)
        XCTAssertEqual(result.loss.tensorCount, 1)
        XCTAssertGreaterThan(result.gradients.tensorCount, 3, "\(name): too few gradients compared")
    }

    /// `runAll` finds all 14 folders and every one passes.
    func testRunAllFindsEveryFixture() throws {
        let outcomes = try ParityCheck.runAll(directory: TestFixtures.parityDirectory())
        let expected = Self.encoders.flatMap { ["\($0)-Ada-Ranker", "\($0)-Base"] }.sorted()
        XCTAssertEqual(outcomes.map(\.fixture), expected)
        for outcome in outcomes { XCTAssertTrue(outcome.passed, outcome.summaryLine()) }
    }

    /// An Ada-Ranker fixture compares the adaptation layers' gradients, not only the base ones.
    func testAdaRankerFixtureComparesAdaptationGradients() throws {
        let directory = try TestFixtures.parity("GRU4Rec-Ada-Ranker")
        let expected = try SafeTensorsFile(contentsOf: directory.appendingPathComponent("expected.safetensors").path)
        for name in ["grad.mem_w1.array", "grad.mem_b2.index", "grad.film_affine_emb_scale.weight",
                     "grad.extract_distribution_layer.input_to_hidden.0.weight"] {
            XCTAssertNotNil(expected.entries[name], name)
        }
        XCTAssertTrue(try ParityCheck.run(fixtureDirectory: directory).passed)
    }

    /// One expected score moved by 1e-2 makes the fixture fail, naming `scores`.
    func testPerturbedExpectedScoreFails() throws {
        let copy = try TestFixtures.copyParity("SASRec-Ada-Ranker", into: makeTemporaryDirectory(self))
        try perturb(copy, tensor: "scores", index: 5, by: 1e-2)
        let result = try ParityCheck.run(fixtureDirectory: copy)
        XCTAssertFalse(result.passed)
        XCTAssertFalse(result.scores.passed)
        XCTAssertTrue(result.loss.passed)
        XCTAssertEqual(result.scores.maxAbsoluteError, 1e-2, accuracy: 1e-4)
        XCTAssertTrue(result.summaryLine().contains("FAIL"), result.summaryLine())
        XCTAssertTrue(result.failures.first?.hasPrefix("scores: 1 of 80 entries") == true, "\(result.failures)")
    }

    /// A memory-unit gradient entry moved by 1e-3 (beyond both tolerances) fails under `grad.mem_w1.array`.
    func testPerturbedExpectedGradientFails() throws {
        let copy = try TestFixtures.copyParity("MF-Ada-Ranker", into: makeTemporaryDirectory(self))
        let file = try SafeTensorsFile(contentsOf: copy.appendingPathComponent("expected.safetensors").path)
        let gradient = try file.tensor("grad.mem_w1.array")
        let largest = gradient.scalars.indices.max { abs(gradient.scalars[$0]) < abs(gradient.scalars[$1]) }!
        try perturb(copy, tensor: "grad.mem_w1.array", index: largest, by: 1e-3)
        let result = try ParityCheck.run(fixtureDirectory: copy)
        XCTAssertFalse(result.passed)
        XCTAssertTrue(result.scores.passed)
        XCTAssertEqual(result.gradients.worstTensor, "grad.mem_w1.array")
        XCTAssertEqual(result.gradients.failures.count, 1)
        XCTAssertTrue(result.gradients.failures.first?.hasPrefix("grad.mem_w1.array: 1 of 5120") == true,
                      "\(result.gradients.failures)")
    }

    /// A change below the tolerance still passes (the check is not exact equality).
    func testPerturbationWithinToleranceStillPasses() throws {
        let copy = try TestFixtures.copyParity("GRU4Rec-Base", into: makeTemporaryDirectory(self))
        try perturb(copy, tensor: "scores", index: 0, by: 5e-5)
        XCTAssertTrue(try ParityCheck.run(fixtureDirectory: copy).passed)
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

    /// Parameters that do not fit the model built from `config.json` (here: a renamed one) are a
    /// load error naming the file and the parameter.
    func testStateDictMismatchIsReported() throws {
        let copy = try TestFixtures.copyParity("NARM-Ada-Ranker", into: makeTemporaryDirectory(self))
        let path = copy.appendingPathComponent("model.safetensors").path
        var entries = try SafeTensorsFile(contentsOf: path).entries
        entries["mem_w1.slots"] = entries.removeValue(forKey: "mem_w1.array")
        try SafeTensors.write(entries, to: path)
        XCTAssertThrowsError(try ParityCheck.run(fixtureDirectory: copy)) { error in
            let message = "\(error)"
            XCTAssertTrue(message.contains("model.safetensors") && message.contains("mem_w1.array"), message)
        }
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

    /// A model other than the fixture's (NARM parameters, a GRU4Rec model) fails to load, naming
    /// `model.safetensors`.
    func testWrongModelFailsToLoad() throws {
        let fixture = try ReferenceFixture(directory: TestFixtures.parity("NARM-Base"))
        var config = fixture.config
        config.model = .gru4Rec
        XCTAssertThrowsError(try ParityCheck.check(try makeRankingModel(config: config), against: fixture)) { error in
            XCTAssertTrue("\(error)".contains("model.safetensors"), "\(error)")
        }
    }

    /// A NaN anywhere — here one expected gradient entry — fails the fixture.
    func testNaNFails() throws {
        var fixture = try ReferenceFixture(directory: TestFixtures.parity("GRU4Rec-Base"))
        fixture.expected["grad.dense.weight"]!.scalars[3] = .nan
        let result = try ParityCheck.check(try makeRankingModel(config: fixture.config), against: fixture)
        XCTAssertFalse(result.passed)
        XCTAssertTrue(result.gradients.maxAbsoluteError.isNaN)
        XCTAssertTrue(result.failures.first?.hasPrefix("grad.dense.weight: 1 of 512 entries outside tolerance") == true, "\(result.failures)")
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

    /// Adds `delta` to entry `index` of `tensor` in the copy's `expected.safetensors`.
    private func perturb(_ fixture: URL, tensor: String, index: Int, by delta: Float) throws {
        let path = fixture.appendingPathComponent("expected.safetensors").path
        var entries = try SafeTensorsFile(contentsOf: path).entries
        guard case .float(var value)? = entries[tensor] else { return XCTFail("\(tensor) is not a float tensor") }
        value.scalars[index] += delta
        entries[tensor] = .float(value)
        try SafeTensors.write(entries, to: path)
    }
}
