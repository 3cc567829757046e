import AdaLayers
import Foundation
import ReferenceParity
import SeqModels
import Tensor
import TestSupport
import XCTest

/// The acceptance test of the Ada-Ranker (SeqModels README § Reference fixtures): the seven
/// Ada-Ranker fixtures match scores, loss and every gradient within 1e-4 absolute or 1e-3 relative
/// when SeqModels' `ReferenceParity` builds its models with `makeRankingModel`, and all 14 do through
/// that one factory; a perturbed or mismatching Ada-Ranker fixture fails. (SeqModels checks the Base
/// fixtures on their own and what the checker rejects in general.)
final class ReferenceParityTests: XCTestCase {
    static let encoders = ["MF", "GRU4Rec", "SASRec", "NARM", "NextItNet", "SRGNN", "SHAN"]

    /// The checker's model builder: this package's factory (Base or Ada-Ranker per `train_type`).
    let makeModel: ParityCheck.ModelBuilder = { try makeRankingModel(config: $0) }

    func testMFAdaRanker() throws { try check("MF-Ada-Ranker") }
    func testGRU4RecAdaRanker() throws { try check("GRU4Rec-Ada-Ranker") }
    func testSASRecAdaRanker() throws { try check("SASRec-Ada-Ranker") }
    func testNARMAdaRanker() throws { try check("NARM-Ada-Ranker") }
    func testNextItNetAdaRanker() throws { try check("NextItNet-Ada-Ranker") }
    func testSRGNNAdaRanker() throws { try check("SRGNN-Ada-Ranker") }
    func testSHANAdaRanker() throws { try check("SHAN-Ada-Ranker") }

    private func check(_ name: String) throws {
        let result = try ParityCheck.run(fixtureDirectory: TestFixtures.parity(name), makeModel: makeModel)
        print("parity " + result.summaryLine())
        XCTAssertTrue(result.passed, result.summaryLine() + "\n" + result.failures.joined(separator: "\n"))
        XCTAssertEqual(result.scores.tensorCount, 1)
        XCTAssertEqual(result.loss.tensorCount, 1)
        XCTAssertGreaterThan(result.gradients.tensorCount, 3, "\(name): too few gradients compared")
    }

    /// `runAll` finds all 14 folders and every one passes with the models of `makeRankingModel`.
    func testRunAllFindsEveryFixture() throws {
        let outcomes = try ParityCheck.runAll(directory: TestFixtures.parityDirectory(), makeModel: makeModel)
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
        XCTAssertTrue(try ParityCheck.run(fixtureDirectory: directory, makeModel: makeModel).passed)
    }

    /// One expected score moved by 1e-2 makes the fixture fail, naming `scores`.
    func testPerturbedExpectedScoreFails() throws {
        let copy = try TestFixtures.copyParity("SASRec-Ada-Ranker", into: makeTemporaryDirectory(self))
        try perturb(copy, tensor: "scores", index: 5, by: 1e-2)
        let result = try ParityCheck.run(fixtureDirectory: copy, makeModel: makeModel)
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
        let result = try ParityCheck.run(fixtureDirectory: copy, makeModel: makeModel)
        XCTAssertFalse(result.passed)
        XCTAssertTrue(result.scores.passed)
        XCTAssertEqual(result.gradients.worstTensor, "grad.mem_w1.array")
        XCTAssertEqual(result.gradients.failures.count, 1)
        XCTAssertTrue(result.gradients.failures.first?.hasPrefix("grad.mem_w1.array: 1 of 5120") == true,
                      "\(result.gradients.failures)")
    }

    /// Parameters that do not fit the model built from `config.json` (here: a renamed one) are a
    /// load error naming the file and the parameter.
    func testStateDictMismatchIsReported() throws {
        let copy = try TestFixtures.copyParity("NARM-Ada-Ranker", into: makeTemporaryDirectory(self))
        let path = copy.appendingPathComponent("model.safetensors").path
        var entries = try SafeTensorsFile(contentsOf: path).entries
        entries["mem_w1.slots"] = entries.removeValue(forKey: "mem_w1.array")
        try SafeTensors.write(entries, to: path)
        XCTAssertThrowsError(try ParityCheck.run(fixtureDirectory: copy, makeModel: makeModel)) { error in
            let message = "\(error)"
            XCTAssertTrue(message.contains("model.safetensors") && message.contains("mem_w1.array"), message)
        }
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
