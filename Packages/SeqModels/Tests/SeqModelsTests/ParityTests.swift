import TestSupport
import Autograd
import Foundation
import SeqModels
import Tensor
import XCTest

/// The acceptance test: every Base fixture's scores, loss and gradients match the reference
/// within 1e-4 absolute or 1e-3 relative (AdaLayers README § Reference fixtures). The fixtures are
/// read directly here; the full checker (Base and Ada-Ranker, its own failure tests) is AdaLayers'
/// `ReferenceParity`.
final class ParityTests: XCTestCase {
    func testMF() throws { try checkFixture("MF-Base") }
    func testGRU4Rec() throws { try checkFixture("GRU4Rec-Base") }
    func testSASRec() throws { try checkFixture("SASRec-Base") }
    func testNARM() throws { try checkFixture("NARM-Base") }
    func testNextItNet() throws { try checkFixture("NextItNet-Base") }
    func testSRGNN() throws { try checkFixture("SRGNN-Base") }
    func testSHAN() throws { try checkFixture("SHAN-Base") }

    private func floats(_ directory: URL, _ file: String) throws -> [String: Tensor] {
        let contents = try SafeTensorsFile(contentsOf: directory.appendingPathComponent(file).path)
        var result: [String: Tensor] = [:]
        for name in contents.names { result[name] = try contents.tensor(name) }
        return result
    }

    private func checkFixture(_ name: String) throws {
        let directory = try TestFixtures.parity(name)
        let ranker = try Ranker(config: ModelConfig(contentsOf: directory.appendingPathComponent("config.json")))
        try ranker.loadCheckedStateDict(try floats(directory, "model.safetensors"), strict: true)
        let batch = try RankingBatch(safetensors: SafeTensorsFile(contentsOf: directory.appendingPathComponent("batch.safetensors").path))
        let expected = try floats(directory, "expected.safetensors")

        ranker.eval()
        ranker.zeroGrad()
        let probabilities = ranker.scoreCandidates(batch)
        let loss = ranker.loss(batch)
        XCTAssertEqual(loss.value.scalars, Variable.binaryCrossEntropy(probabilities, targets: rankingLabels(shape: probabilities.shape)).value.scalars)
        loss.backward()

        var failures: [String] = []
        func compare(_ key: String, _ actual: Tensor) {
            guard let reference = expected[key] else { return failures.append("\(key): missing from expected.safetensors") }
            guard actual.count == reference.count else { return failures.append("\(key): shape \(actual.shape), expected \(reference.shape)") }
            let outside = zip(actual.scalars, reference.scalars).filter { a, e in
                let difference = abs(a - e)
                return !(difference <= 1e-4 || difference <= 1e-3 * abs(e))    // NaN never matches
            }.count
            if outside > 0 { failures.append("\(key): \(outside) of \(actual.count) entries outside tolerance") }
        }
        compare("scores", probabilities.value)
        compare("loss", loss.value)
        var gradients = 0
        for (parameterName, parameter) in ranker.namedParameters() {
            let key = "grad." + parameterName
            if expected[key] != nil {
                compare(key, parameter.grad ?? .zeros(parameter.shape))
                gradients += 1
            } else if let grad = parameter.grad, grad.scalars.contains(where: { $0 != 0 }) {
                failures.append("\(key): a non-zero gradient the reference does not have")
            }
        }
        let known = Set(ranker.namedParameters().map { "grad." + $0.0 })
        for key in expected.keys.sorted() where key.hasPrefix("grad.") && !known.contains(key) {
            failures.append("\(key): expected by the fixture but the model has no such parameter")
        }
        XCTAssertGreaterThan(gradients, 0, "no gradients compared for \(name)")
        XCTAssertEqual(failures, [], name)
    }
}
