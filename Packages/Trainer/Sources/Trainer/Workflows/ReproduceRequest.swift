import DataPipeline
import Foundation
import SeqModels

/// What `train reproduce` runs: prepare (or reuse) one dataset, then for each model and seed the
/// chosen run kinds (Base, Ada-Ranker end to end, fine-tuning with freeze 0 and 1).
public struct ReproduceRequest: Sendable {
    /// One kind of run of the comparison.
    public enum Variant: String, CaseIterable, Sendable {
        case base, ada, freeze0, freeze1

        /// The run folder's label: `<Model>-<label>-seed<s>`.
        public var folderLabel: String {
            switch self {
            case .base: return "Base"
            case .ada: return "Ada-Ranker"
            case .freeze0: return "finetune-freeze0"
            case .freeze1: return "finetune-freeze1"
            }
        }

        /// The label in results.md and the figures.
        public var tableLabel: String {
            switch self {
            case .base: return "Base"
            case .ada: return "Ada-Ranker"
            case .freeze0: return "Ada-Ranker fine-tuned, freeze=0"
            case .freeze1: return "Ada-Ranker fine-tuned, freeze=1"
            }
        }

        var mode: FitRequest.Mode {
            switch self {
            case .base: return .base
            case .ada: return .ada
            case .freeze0, .freeze1: return .finetune
            }
        }

        /// Parses `base,ada,freeze0,freeze1` (also the folder labels, case-insensitively); empty means all.
        public static func parseList(_ text: String) throws -> [Variant] {
            let names = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            if names.isEmpty || names == ["all"] { return allCases }
            let chosen = try names.map { name -> Variant in
                guard let variant = allCases.first(where: { $0.rawValue == name.lowercased() || $0.folderLabel.lowercased() == name.lowercased() }) else {
                    throw TrainerError.invalidSetting("unknown variant '\(name)'; expected base, ada, freeze0, freeze1 or all")
                }
                return variant
            }
            return allCases.filter { chosen.contains($0) }
        }
    }

    /// Where the interactions come from (a file or folder, or the synthetic generator).
    public var source: PrepareRequest.Source
    /// Selects `Configs/dataset/<datasetName>.yaml`; ML10M has the paper's numbers.
    public var datasetName: String
    /// The prepared data (reused when it already holds data with the same sampling rule and seed).
    public var dataFolder: String
    /// One folder per run, results.md, results.json, curves-<Model>.svg and report.html.
    public var runsFolder: String
    public var sampling: SamplingMode
    /// `fair` or `paper`.
    public var protocolName: String
    public var models: [ModelName]
    /// The seeds in order; the first also seeds the data preparation and word2vec.
    public var seeds: [UInt64]
    /// How many of `seeds` (the first n) a model runs. Nil: every model runs every seed. Given:
    /// the listed models run their n (at most all of `seeds`), the others the first seed only.
    public var seedsPerModel: [ModelName: Int]?
    /// The run kinds to train. Fine-tuning needs the Base run of its seed, which is then trained
    /// (or reused) and reported too.
    public var variants: [Variant]
    /// `--key=value` overrides for every run (not `--seed=`: seeds come from `seeds`).
    public var overrides: [String]
    /// Worker threads of the preparation's negative sampling (word2vec runs on one, so a seed gives the same data).
    public var threads: Int
    /// Print the run-time estimate and stop.
    public var estimateOnly: Bool
    /// Also print the runs' logs on standard error.
    public var console: Bool
    public var configDirectory: URL
    /// Receives the workflow's own progress lines.
    public var log: (@Sendable (String) -> Void)?

    public init(source: PrepareRequest.Source, datasetName: String, dataFolder: String, runsFolder: String,
                sampling: SamplingMode = .reference, protocolName: String = ConfigLoader.defaultProtocol,
                models: [ModelName] = [.gru4Rec], seeds: [UInt64] = [2020], seedsPerModel: [ModelName: Int]? = nil,
                variants: [Variant] = Variant.allCases, overrides: [String] = [], threads: Int = 2,
                estimateOnly: Bool = false, console: Bool = true, configDirectory: URL,
                log: (@Sendable (String) -> Void)? = nil) {
        self.source = source
        self.datasetName = datasetName
        self.dataFolder = dataFolder
        self.runsFolder = runsFolder
        self.sampling = sampling
        self.protocolName = protocolName
        self.models = models
        self.seeds = seeds
        self.seedsPerModel = seedsPerModel
        self.variants = variants
        self.overrides = overrides
        self.threads = threads
        self.estimateOnly = estimateOnly
        self.console = console
        self.configDirectory = configDirectory
        self.log = log
    }

    /// The seeds `model` runs.
    public func seeds(for model: ModelName) -> [UInt64] {
        guard let perModel = seedsPerModel else { return seeds }
        return Array(seeds.prefix(perModel[model] ?? 1))
    }

    /// The run kinds actually trained: `variants`, plus Base when a fine-tuning needs it.
    public var runVariants: [Variant] {
        let needsBase = variants.contains(.freeze0) || variants.contains(.freeze1)
        return Variant.allCases.filter { variants.contains($0) || ($0 == .base && needsBase) }
    }

    /// `all` → the seven models; `GRU4Rec,SASRec` → `[.gru4Rec, .sasRec]` (reference spellings).
    /// - Throws: `TrainerError.invalidSetting` naming an unknown model and the accepted names.
    public static func parseModels(_ text: String) throws -> [ModelName] {
        if text.trimmingCharacters(in: .whitespaces) == "all" { return ModelName.allCases }
        return try text.split(separator: ",").map { try model(named: $0.trimmingCharacters(in: .whitespaces), option: "--models") }
    }

    /// `GRU4Rec=3,SASRec=3` → `[.gru4Rec: 3, .sasRec: 3]`.
    /// - Throws: `TrainerError.invalidSetting` for an entry that is not `Model=n` with n ≥ 1 or names an unknown model.
    public static func parseSeedsPerModel(_ text: String) throws -> [ModelName: Int] {
        var result: [ModelName: Int] = [:]
        for entry in text.split(separator: ",") {
            let parts = entry.split(separator: "=").map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, let count = Int(parts[1]), count >= 1 else {
                throw TrainerError.invalidSetting("--seeds-per-model entry '\(entry)' is not Model=n with n ≥ 1 (e.g. GRU4Rec=3)")
            }
            result[try model(named: parts[0], option: "--seeds-per-model")] = count
        }
        return result
    }

    /// The model spelled `name` (exactly), or an error naming `option`, the value and the accepted names.
    private static func model(named name: String, option: String) throws -> ModelName {
        guard let model = ModelName(rawValue: name) else {
            throw TrainerError.invalidSetting("\(option) names an unknown model '\(name)'; expected \(ModelName.allNames.joined(separator: ", ")) or all")
        }
        return model
    }

    /// `2020,2021,2022` → `[2020, 2021, 2022]`.
    public static func parseSeeds(_ text: String) throws -> [UInt64] {
        let seeds = try text.split(separator: ",").map { part -> UInt64 in
            guard let seed = UInt64(part.trimmingCharacters(in: .whitespaces)) else {
                throw TrainerError.invalidSetting("--seeds: '\(part)' is not a non-negative integer")
            }
            return seed
        }
        guard !seeds.isEmpty else { throw TrainerError.invalidSetting("--seeds is empty") }
        guard Set(seeds).count == seeds.count else { throw TrainerError.invalidSetting("--seeds lists a seed twice") }
        return seeds
    }

    /// Checks the models, seeds and overrides before anything runs.
    func validate() throws {
        guard !models.isEmpty else { throw TrainerError.invalidSetting("no models given") }
        guard !seeds.isEmpty else { throw TrainerError.invalidSetting("no seeds given") }
        guard !variants.isEmpty else { throw TrainerError.invalidSetting("no variants given") }
        for (model, count) in seedsPerModel ?? [:] {
            if count > seeds.count {
                log?("reproduce: \(model)=\(count) in --seeds-per-model, but --seeds lists \(seeds.count); \(model) runs all \(seeds.count)")
            }
        }
        if overrides.contains(where: { $0.hasPrefix("--seed=") }) {
            throw TrainerError.invalidSetting("give the training seeds with --seeds, not --seed=")
        }
    }
}

/// One run of a reproduction.
struct ReproduceRun: Sendable {
    public var model: ModelName
    public var variant: ReproduceRequest.Variant
    public var seed: UInt64
    public var report: FitReport
    /// Taken from an earlier, finished run in its folder (not trained now).
    public var reused: Bool
}

/// What `ReproduceWorkflow.run` did and wrote.
public struct ReproduceReport: Sendable {
    /// Every run, by model, seed and variant (empty after `estimateOnly`).
    var runs: [ReproduceRun]
    /// The contents of results.md (empty after `estimateOnly`).
    public var markdown: String
    /// The estimate line printed before training.
    public var estimate: String
    /// results.md, results.json, report.html and the curves-<Model>.svg files.
    public var files: [URL]
}
