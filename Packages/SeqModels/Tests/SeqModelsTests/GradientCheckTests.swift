import Autograd
import AutogradTestSupport
import Foundation
@testable import SeqModels
import SeqModelsTestSupport
import Tensor
import XCTest

/// Back-propagated gradients agree with central finite differences for every encoder at tiny sizes.
final class GradientCheckTests: XCTestCase {
    func testMF() throws { try checkGradients(.mf) }
    func testGRU4Rec() throws { try checkGradients(.gru4Rec) }
    func testSASRec() throws { try checkGradients(.sasRec) }
    func testNARM() throws { try checkGradients(.narm) }
    func testNextItNet() throws { try checkGradients(.nextItNet) }
    func testSRGNN() throws { try checkGradients(.srgnn) }
    func testSHAN() throws { try checkGradients(.shan) }

    /// Training mode: dropout masks are held fixed by re-seeding the model's random source before
    /// every forward pass, so the dropout paths (SASRec's fused attention dropout included) are checked too.
    func testTrainingModeWithFixedDropoutMasks() throws {
        for model in [ModelName.gru4Rec, .sasRec, .narm] { try checkGradients(model, training: true) }
    }

    /// For every parameter, three entries (the first, a middle and the last, or the largest gradient
    /// of the item table): `|analytic − numeric| ≤ 2e-4 + 3e-2·|numeric|`. The loss is the mean BCE
    /// over the scores, accumulated in Double; the step is 1e-2.
    private func checkGradients(_ model: ModelName, training: Bool = false) throws {
        var config = TinyRankers.config(model, embeddingSize: 4, maxSeqLen: 5)
        if model == .srgnn { config.seed = 4 }
        let ranker = try Ranker(config: config)
        if model == .srgnn {
            // The reference's N(0, 1) GNN weights saturate the gates at any size; scale them down so
            // finite differences see a smooth function.
            for parameter in ranker.encoder.parameters { parameter.value = parameter.value * 0.3 }
        }
        ranker.train(training)
        let batch = TinyRankers.batch(rows: 3, length: 5, columns: 4, seed: 21)
        func fixMasks() { ranker.random.generator = SeededGenerator(seed: 77) }
        ranker.zeroGrad()
        fixMasks()
        ranker.loss(batch).backward()

        func objective() -> Double {
            fixMasks()
            let scores = withoutGradients { ranker.scoreCandidates(batch).value }
            let columns = scores.shape[1]
            var total = 0.0
            for (index, p) in scores.scalars.enumerated() {
                let probability = Double(p)
                total -= index % columns == 0 ? Foundation.log(probability) : Foundation.log(1 - probability)
            }
            return total / Double(scores.count)
        }

        let tolerance = GradientTolerance(absolute: 2e-4, relative: 3e-2, scale: .numeric)
        var report = GradientCheckReport()
        for (position, (name, parameter)) in ranker.namedParameters().enumerated() {
            guard let grad = parameter.grad else {
                XCTAssertTrue(name.hasPrefix("user_embedding") && ![ModelName.mf, .shan].contains(model),
                              "\(model): \(name) got no gradient")
                continue
            }
            let count = parameter.value.count
            var entries = [0, count / 2, count - 1]
            if name.hasSuffix("embedding.weight") {
                entries = [grad.scalars.indices.max { abs(grad.scalars[$0]) < abs(grad.scalars[$1]) }!]
            }
            for index in Set(entries).sorted() {
                report.compare(parameter, index: index, analytic: Double(grad.scalars[index]), input: position,
                               name: name, step: 1e-2, tolerance: tolerance, probe: objective)
            }
        }
        report.assertPassed(minimumChecked: 9, context: "\(model) (training: \(training))")
    }
}
