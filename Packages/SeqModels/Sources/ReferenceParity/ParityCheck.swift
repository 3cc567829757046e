import Autograd
import Foundation
import SeqModels
import Tensor

/// Checks models against reference fixtures (SeqModels README § Reference fixtures): for a folder
/// holding `config.json`, `model.safetensors`, `batch.safetensors` and `expected.safetensors`, build
/// the model that `config.json` describes (any of the seven encoders, any sizes), load the reference
/// parameters strictly, run the batch in evaluation mode with gradients, back-propagate the mean BCE
/// and compare scores, loss and every `grad.<name>`.
///
/// The checker builds Base rankers itself; a package with other models passes its builder, e.g.
/// AdaLayers' factory for the Ada-Ranker fixtures:
///
/// ```swift
/// let folder = URL(fileURLWithPath: "Tests/Fixtures/parity")
/// for outcome in try ParityCheck.runAll(directory: folder, makeModel: { try makeRankingModel(config: $0) }) {
///     print(outcome.summaryLine())
/// }
/// ```
public enum ParityCheck {
    /// Per-entry tolerance (`ParityTolerance`: 1e-4 absolute or 1e-3 relative by default).
    public typealias Tolerance = ParityTolerance

    /// Builds the model a fixture's `config.json` describes (parameters are then replaced by the
    /// fixture's).
    public typealias ModelBuilder = (ModelConfig) throws -> any RankingModel

    /// The files every fixture folder holds.
    static let fixtureFiles = ["config.json", "model.safetensors", "batch.safetensors", "expected.safetensors"]

    /// The builder used when none is given: a Base `Ranker`; an Ada-Ranker configuration is
    /// refused with `ParityError.noModelBuilder`, as this package has no Ada-Ranker.
    @usableFromInline
    static func makeBaseRanker(config: ModelConfig) throws -> any RankingModel {
        guard config.trainType == .base else { throw ParityError.noModelBuilder(trainType: config.trainType) }
        return try Ranker(config: config)
    }

    /// Checks one fixture folder with the model `makeModel` builds from its `config.json`.
    ///
    /// Gradients: each `grad.<name>` must match the parameter's gradient (a parameter that got none
    /// counts as all zeros); a parameter without a `grad.` entry must get no gradient or an all-zero
    /// one; a `grad.` entry naming no parameter of the model is a failure.
    /// - Throws: `ParityError.missingFiles`, `ParityError.noModelBuilder` (an Ada-Ranker fixture with
    ///   the default builder), or the error of the unreadable file, invalid configuration or
    ///   non-matching state dict (each names its file).
    public static func run(fixtureDirectory: URL, tolerance: ParityTolerance = ParityTolerance(),
                           makeModel: ModelBuilder = makeBaseRanker) throws -> ParityResult {
        let missing = fixtureFiles.filter {
            !FileManager.default.fileExists(atPath: fixtureDirectory.appendingPathComponent($0).path)
        }
        guard missing.isEmpty else { throw ParityError.missingFiles(directory: fixtureDirectory.path, files: missing) }

        let fixture = try ReferenceFixture(directory: fixtureDirectory)
        let model: any RankingModel
        do {
            model = try makeModel(fixture.config)
        } catch let error as ModelConfigError {
            throw ModelConfigError.unreadable(path: fixture.path("config.json"), reason: error.description)
        }
        return try check(model, against: fixture, tolerance: tolerance)
    }

    /// Loads `fixture`'s reference parameters into `model` (strictly: every name and shape must
    /// match) and compares its scores, loss and gradients with the fixture's.
    /// - Throws: `StateDictFileError` naming `model.safetensors` and the first mismatching parameter;
    ///   `ParityError.missingExpectation` when `expected.safetensors` lacks `scores` or `loss`.
    static func check(_ model: any RankingModel, against fixture: ReferenceFixture,
                             tolerance: ParityTolerance = ParityTolerance()) throws -> ParityResult {
        try model.loadCheckedStateDict(fixture.parameters, strict: true, source: fixture.path("model.safetensors"))
        return try compare(model, with: fixture, tolerance: tolerance)
    }

    /// Checks every fixture folder in `directory` with the models `makeModel` builds (sub-folders holding at least one of the four
    /// files, in name order), or `directory` itself when it is a fixture folder. A folder that cannot
    /// be checked yields a failed outcome with the reason; the others still run.
    /// - Throws: `ParityError.noFixtures` when `directory` is missing or holds no fixture folder.
    public static func runAll(directory: URL, tolerance: ParityTolerance = ParityTolerance(),
                              makeModel: ModelBuilder = makeBaseRanker) throws -> [ParityOutcome] {
        try fixtureDirectories(in: directory).map { folder in
            ParityOutcome(fixture: folder.lastPathComponent,
                          result: Result { try run(fixtureDirectory: folder, tolerance: tolerance, makeModel: makeModel) })
        }
    }

    /// The fixture folders `runAll` checks.
    static func fixtureDirectories(in directory: URL) throws -> [URL] {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ParityError.noFixtures(directory: directory.path, reason: "it does not exist or is not a directory")
        }
        func isFixture(_ folder: URL) -> Bool {
            fixtureFiles.contains { manager.fileExists(atPath: folder.appendingPathComponent($0).path) }
        }
        if isFixture(directory) { return [directory] }
        let folders = try manager.contentsOfDirectory(at: directory, includingPropertiesForKeys: [.isDirectoryKey])
            .filter { (try? $0.resourceValues(forKeys: [.isDirectoryKey]).isDirectory) == true && isFixture($0) }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        guard !folders.isEmpty else {
            throw ParityError.noFixtures(directory: directory.path,
                                         reason: "no sub-folder holds \(fixtureFiles.joined(separator: ", "))")
        }
        return folders
    }

    /// Runs `fixture`'s batch through `model` (whose parameters are already loaded) and compares.
    static func compare(_ model: any RankingModel, with fixture: ReferenceFixture,
                        tolerance: ParityTolerance) throws -> ParityResult {
        guard let expectedScores = fixture.expected["scores"], let expectedLoss = fixture.expected["loss"] else {
            throw ParityError.missingExpectation(directory: fixture.directory.path,
                                                 names: ["scores", "loss"].filter { fixture.expected[$0] == nil })
        }
        model.eval()
        model.zeroGrad()
        defer { model.zeroGrad() }
        let probabilities = model.scoreCandidates(fixture.batch)
        let loss = Variable.binaryCrossEntropy(probabilities, targets: rankingLabels(shape: probabilities.shape))
        loss.backward()

        var result = ParityResult(fixture: fixture.name, tolerance: tolerance)
        result.scores.compare("scores", actual: probabilities.value, expected: expectedScores, tolerance: tolerance)
        result.loss.compare("loss", actual: loss.value, expected: expectedLoss, tolerance: tolerance)
        let parameters = model.namedParameters()
        for (name, parameter) in parameters {
            let key = "grad." + name
            if let reference = fixture.expected[key] {
                result.gradients.compare(key, actual: parameter.grad ?? .zeros(parameter.shape),
                                         expected: reference, tolerance: tolerance)
            } else if let grad = parameter.grad, grad.scalars.contains(where: { $0 != 0 }) {
                result.gradients.recordFailure("\(key): the model has a non-zero gradient the reference does not")
            }
        }
        let known = Set(parameters.map { "grad." + $0.0 })
        for key in fixture.expected.keys.sorted() where key.hasPrefix("grad.") && !known.contains(key) {
            result.gradients.recordFailure("\(key): expected by the fixture, but the model has no such parameter")
        }
        return result
    }
}

/// Why a fixture folder could not be checked.
enum ParityError: Error, CustomStringConvertible, Equatable {
    /// The folder lacks some of the four fixture files.
    case missingFiles(directory: String, files: [String])
    /// `expected.safetensors` lacks `scores` or `loss`.
    case missingExpectation(directory: String, names: [String])
    /// The directory to scan does not exist or holds no fixture.
    case noFixtures(directory: String, reason: String)
    /// The fixture's `train_type` needs a model the default builder cannot make.
    case noModelBuilder(trainType: TrainType)

    var description: String {
        switch self {
        case .missingFiles(let directory, let files):
            return "\(directory): missing \(files.joined(separator: ", "))"
        case .missingExpectation(let directory, let names):
            return "\(directory)/expected.safetensors: missing \(names.joined(separator: ", "))"
        case .noFixtures(let directory, let reason):
            return "no parity fixtures in \(directory): \(reason)"
        case .noModelBuilder(let trainType):
            return "a \(trainType.rawValue) fixture needs a model builder: ParityCheck builds Base rankers only; "
                + "pass makeModel: (AdaLayers' makeRankingModel(config:) builds both)"
        }
    }
}
