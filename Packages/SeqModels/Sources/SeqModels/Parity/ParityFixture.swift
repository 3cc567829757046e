import Autograd
import Foundation
import Tensor

/// One reference fixture folder (AdaLayers README § Reference fixtures): `config.json`, `model.safetensors`, `batch.safetensors`,
/// `expected.safetensors` (`scores [B, C]`, `loss [1]`, `grad.<name>` per parameter with a gradient).
public struct ParityFixture {
    /// The folder, e.g. `…/fixtures/parity/GRU4Rec-Base`.
    public let directory: URL
    /// The raw `config.json` values (decode with `ModelConfig(_:)`, or the Ada-Ranker's own config).
    public let configValues: [String: Any]
    /// The reference parameters by name.
    public var parameters: [String: Tensor]
    /// The batch (candidates = `[item_id, neg_items…]`).
    public let batch: RankingBatch
    /// Expected tensors by name (`scores`, `loss`, `grad.<name>`).
    public var expected: [String: Tensor]

    /// Folder name, e.g. `GRU4Rec-Base`.
    public var name: String { directory.lastPathComponent }

    /// Reads the four files of `directory`.
    /// - Throws: `ModelConfigError.unreadable` or `SafeTensorsError` naming the offending file.
    public init(directory: URL) throws {
        self.directory = directory
        let configURL = directory.appendingPathComponent("config.json")
        do {
            guard let values = try JSONSerialization.jsonObject(with: Data(contentsOf: configURL)) as? [String: Any] else {
                throw ModelConfigError.unreadable(path: configURL.path, reason: "the top level is not a JSON object")
            }
            configValues = values
        } catch let error as ModelConfigError {
            throw error
        } catch {
            throw ModelConfigError.unreadable(path: configURL.path, reason: error.localizedDescription)
        }
        func floats(_ file: SafeTensorsFile) throws -> [String: Tensor] {
            var result: [String: Tensor] = [:]
            for name in file.names { result[name] = try file.tensor(name) }
            return result
        }
        parameters = try floats(SafeTensorsFile(contentsOf: directory.appendingPathComponent("model.safetensors").path))
        batch = try RankingBatch(safetensors: SafeTensorsFile(contentsOf: directory.appendingPathComponent("batch.safetensors").path))
        expected = try floats(SafeTensorsFile(contentsOf: directory.appendingPathComponent("expected.safetensors").path))
    }

    /// Loads the reference parameters into `model` (strictly), runs the batch in evaluation mode with
    /// gradients, back-propagates the loss and compares scores, loss and every expected gradient.
    /// Parameters without an expected gradient must get none (or an all-zero one).
    /// - Throws: the state-dict error when the parameters do not fit the model.
    public func check(_ model: some RankingModel, tolerance: ParityTolerance = .init()) throws -> ParityReport {
        try model.loadCheckedStateDict(parameters, strict: true, source: directory.appendingPathComponent("model.safetensors").path)
        model.eval()
        model.zeroGrad()
        let probabilities = model.scoreCandidates(batch)
        let loss = Variable.binaryCrossEntropy(probabilities, targets: rankingLabels(shape: probabilities.shape))
        loss.backward()

        var report = ParityReport(fixture: name, tolerance: tolerance)
        report.compare("scores", actual: probabilities.value, expected: expected["scores"])
        report.compare("loss", actual: loss.value.reshaped([1]), expected: expected["loss"].map { $0.reshaped([1]) })
        for (parameterName, parameter) in model.namedParameters() {
            let key = "grad." + parameterName
            if let reference = expected[key] {
                report.compare(key, actual: parameter.grad ?? Tensor.zeros(parameter.shape), expected: reference)
            } else if let grad = parameter.grad, grad.scalars.contains(where: { $0 != 0 }) {
                report.failures.append("\(key): the model produced a non-zero gradient the reference does not have")
            }
        }
        let known = Set(model.namedParameters().map { "grad." + $0.0 })
        for key in expected.keys.sorted() where key.hasPrefix("grad.") && !known.contains(key) {
            report.failures.append("\(key): expected by the fixture but the model has no such parameter")
        }
        model.zeroGrad()
        return report
    }
}

/// Entries match when `|actual − expected| ≤ absolute` or `≤ relative · |expected|`.
public struct ParityTolerance: Sendable {
    public var absolute: Float
    public var relative: Float
    public init(absolute: Float = 1e-4, relative: Float = 1e-3) {
        self.absolute = absolute
        self.relative = relative
    }
}

/// The outcome of a fixture check: worst errors and every failure.
public struct ParityReport: CustomStringConvertible {
    public let fixture: String
    public let tolerance: ParityTolerance
    /// Largest absolute difference over all compared entries, and the tensor holding it.
    public private(set) var worstAbsolute: (tensor: String, error: Float) = ("-", 0)
    /// Largest absolute difference of the scores, of the loss, and over all gradients (with the tensor).
    public private(set) var worstScore: Float = 0
    public private(set) var worstLoss: Float = 0
    public private(set) var worstGradient: (tensor: String, error: Float) = ("-", 0)
    /// Largest relative difference `|a − e| / |e|` among entries outside the absolute tolerance.
    public private(set) var worstRelative: (tensor: String, error: Float) = ("-", 0)
    /// Number of tensors compared.
    public private(set) var comparedTensors = 0
    /// One line per failed tensor.
    public var failures: [String] = []

    init(fixture: String, tolerance: ParityTolerance) {
        self.fixture = fixture
        self.tolerance = tolerance
    }

    public var passed: Bool { failures.isEmpty }

    public var description: String {
        let status = passed ? "ok  " : "FAIL"
        func show(_ x: Float) -> String { String(format: "%.2e", Double(x)) }
        var line = "\(status) \(fixture): \(comparedTensors) tensors; worst |Δ| scores \(show(worstScore)), "
            + "loss \(show(worstLoss)), gradients \(show(worstGradient.error)) (\(worstGradient.tensor)); "
            + "worst relative beyond the absolute tolerance \(show(worstRelative.error)) (\(worstRelative.tensor))"
        for failure in failures { line += "\n     \(failure)" }
        return line
    }

    mutating func compare(_ name: String, actual: Tensor, expected: Tensor?) {
        guard let expected else {
            failures.append("\(name): missing from expected.safetensors")
            return
        }
        guard actual.shape == expected.shape else {
            failures.append("\(name): shape \(actual.shape), expected \(expected.shape)")
            return
        }
        comparedTensors += 1
        var mismatches = 0
        var firstMismatch = ""
        for (index, (a, e)) in zip(actual.scalars, expected.scalars).enumerated() {
            let difference = abs(a - e)
            if !(difference <= worstAbsolute.error) || difference.isNaN { worstAbsolute = (name, difference) }
            if name == "scores" {
                worstScore = max(worstScore, difference.isNaN ? .infinity : difference)
            } else if name == "loss" {
                worstLoss = max(worstLoss, difference.isNaN ? .infinity : difference)
            } else if !(difference <= worstGradient.error) || difference.isNaN {
                worstGradient = (name, difference)
            }
            if difference <= tolerance.absolute { continue }
            let relative = difference / abs(e)
            if !(relative <= worstRelative.error) { worstRelative = (name, relative) }
            if !(relative <= tolerance.relative) {
                if mismatches == 0 { firstMismatch = "entry \(index): \(a) vs expected \(e)" }
                mismatches += 1
            }
        }
        if mismatches > 0 {
            failures.append("\(name): \(mismatches) of \(actual.count) entries outside tolerance, first \(firstMismatch)")
        }
    }
}
