import AdaLayers
import Autograd
import Foundation
import SeqModels
import Tensor
import XCTest

/// Tiny models, batches and a finite-difference helper for the AdaLayers tests.
enum TestSupport {
    static let itemCount = 15
    static let userCount = 6

    /// A small Ada-Ranker configuration of `model`: D = 8 (4 for gradient checks), L = 6.
    static func config(_ model: ModelName, embeddingSize: Int = 8, maxSeqLen: Int = 6,
                       trainType: TrainType = .adaRanker) -> ModelConfig {
        var config = ModelConfig(model: model, trainType: trainType, embeddingSize: embeddingSize, innerSize: 16,
                                 blockNum: 1, maxSeqLen: maxSeqLen, itemNum: itemCount, userNum: userCount, seed: 11)
        if model == .gru4Rec || model == .narm { config.hiddenSize = 2 * embeddingSize }
        return config
    }

    /// `rows` left-padded histories of length `length` (row r has r % length + 1 real items) and
    /// `columns` random candidates, with SRGNN graphs.
    static func batch(rows: Int = 3, length: Int = 6, columns: Int = 5, seed: UInt64 = 3) -> RankingBatch {
        var rng = SeededGenerator(seed: seed)
        var sequence = [Int](repeating: 0, count: rows * length)
        var lengths: [Int] = []
        for row in 0..<rows {
            let real = row % length + 1
            lengths.append(real)
            for t in (length - real)..<length { sequence[row * length + t] = 1 + rng.nextInt(below: itemCount - 1) }
        }
        let itemSeq = IndexTensor(shape: [rows, length], indices: sequence)
        return RankingBatch(
            userIds: IndexTensor((0..<rows).map { _ in rng.nextInt(below: userCount) }),
            itemSeq: itemSeq,
            itemSeqLen: IndexTensor(lengths),
            candidates: IndexTensor(shape: [rows, columns],
                                    indices: (0..<(rows * columns)).map { _ in 1 + rng.nextInt(below: itemCount - 1) }),
            graph: SessionGraph(itemSeq: itemSeq))
    }

    /// Random values U(−1, 1).
    static func random(_ shape: [Int], seed: UInt64) -> Tensor {
        var rng = SeededGenerator(seed: seed)
        return Tensor.uniform(shape, low: -1, high: 1, using: &rng)
    }

    /// Largest absolute difference of two equally shaped tensors.
    static func maxDifference(_ a: Tensor, _ b: Tensor) -> Float {
        precondition(a.shape == b.shape, "shapes \(a.shape) and \(b.shape) differ")
        return zip(a.scalars, b.scalars).reduce(0) { max($0, abs($1.0 - $1.1)) }
    }

    /// Checks the back-propagated gradient of every entry of every variable in `inputs` against
    /// central differences of `objective` (step 1e-2, accumulated in Double):
    /// `|analytic − numeric| ≤ 2e-3 + 3e-2·|numeric|`. `objective` builds the graph from the inputs'
    /// current values and returns a one-element variable.
    static func checkGradients(of inputs: [(String, Variable)], objective: () -> Variable,
                               file: StaticString = #filePath, line: UInt = #line) {
        for (_, input) in inputs { input.grad = nil }
        objective().backward()
        let analytic = inputs.map { $0.1.grad }
        var checked = 0
        for ((name, input), gradient) in zip(inputs, analytic) {
            guard let gradient else {
                XCTFail("\(name) got no gradient", file: file, line: line)
                continue
            }
            for index in 0..<input.value.count {
                let original = input.value.scalars[index]
                let step: Float = 1e-2
                input.value.scalars[index] = original + step
                let up = Double(withoutGradients { objective() }.value.scalars[0])
                input.value.scalars[index] = original - step
                let down = Double(withoutGradients { objective() }.value.scalars[0])
                input.value.scalars[index] = original
                let numeric = (up - down) / Double(2 * step)
                let value = Double(gradient.scalars[index])
                XCTAssertLessThanOrEqual(abs(value - numeric), 2e-3 + 3e-2 * abs(numeric),
                                         "\(name)[\(index)]: analytic \(value), numeric \(numeric)", file: file, line: line)
                checked += 1
            }
        }
        XCTAssertGreaterThan(checked, 0, file: file, line: line)
    }
}
