import DataPipeline
import Foundation
import Metrics
import SeqModels
import Tensor

/// Which checkpoint to use on which data: the inputs of `train evaluate` and `train infer`.
public struct CheckpointRequest: Sendable {
    /// A checkpoint written by `train fit` (with its `.json` sidecar), or a bare safetensors state
    /// dict (e.g. exported from the reference PyTorch code), which then needs `model` and `mode`.
    public var checkpoint: String
    public var dataFolder: String
    public var split: Split.Name
    /// The model: required without a sidecar, must agree with the sidecar otherwise.
    public var model: ModelName?
    public var mode: FitRequest.Mode?
    public var dataset: String?
    public var overrides: [String]
    public var configDirectory: URL
    public var showProgress: Bool

    public init(checkpoint: String, dataFolder: String, split: Split.Name = .test, model: ModelName? = nil,
                mode: FitRequest.Mode? = nil, dataset: String? = nil, overrides: [String] = [],
                configDirectory: URL, showProgress: Bool = true) {
        self.checkpoint = checkpoint
        self.dataFolder = dataFolder
        self.split = split
        self.model = model
        self.mode = mode
        self.dataset = dataset
        self.overrides = overrides
        self.configDirectory = configDirectory
        self.showProgress = showProgress
    }
}

/// `train evaluate` and `train infer`: a checkpoint's model scored on a split.
public enum CheckpointWorkflow {
    /// A loaded model ready to score `data`.
    public struct Loaded {
        public var model: any RankingModel
        public var data: PreparedDataset
        var evaluator: Evaluator
        public var description: String
        /// Differences between the checkpoint's training data and `data` (for a warning).
        public var dataNotes: [String]
    }

    /// Builds the model the checkpoint describes and loads its weights.
    public static func load(_ request: CheckpointRequest) throws -> Loaded {
        let data = try DataLoading.load(request.dataFolder)
        let checkpoint = try Checkpoint.read(from: URL(fileURLWithPath: request.checkpoint), withOptimizer: false)
        var config: Configuration
        var notes: [String] = []
        let requestedModel = request.model
        if let info = checkpoint.info {
            if let model = requestedModel, model != info.model {
                throw TrainerError.checkpointMismatch(path: request.checkpoint, reason: "it holds a \(info.model) model, not \(model)")
            }
            if let mode = request.mode, mode.trainType != info.trainType {
                throw TrainerError.checkpointMismatch(path: request.checkpoint, reason: "it holds a \(info.trainType) model, not \(mode.trainType)")
            }
            config = Configuration(layers: [ConfigLayer(source: Checkpoint.sidecarURL(for: URL(fileURLWithPath: request.checkpoint)).path,
                                                        values: info.config.filter { !ConfigSchema.dataDerivedKeys.contains($0.key) })])
            config.append(try ConfigLoader.parseOverrides(request.overrides))
            try config.validate()
            if let trained = info.data {
                if let problem = trained.incompatibility(with: DataFingerprint(stats: data.stats)) {
                    throw TrainerError.dataMismatch(path: request.checkpoint, reason: problem)
                }
                notes = trained.differences(from: DataFingerprint(stats: data.stats))
            }
        } else {
            guard let model = requestedModel, let mode = request.mode, mode != .finetune else {
                throw TrainerError.invalidSetting("\(request.checkpoint) has no sidecar (.json); pass --model and --mode base|ada to say what it holds")
            }
            config = try ConfigLoader(directory: request.configDirectory)
                .load(model: model.rawValue, dataset: DatasetSelection(requested: request.dataset, dataFolder: request.dataFolder).name,
                      modeValues: ["train_type": .string(mode.trainType.rawValue), "use_pre_item_emb": .int(0)],
                      overrides: request.overrides)
        }
        for warning in Configuration(layers: [try ConfigLoader.parseOverrides(request.overrides)]).unknownKeyWarnings {
            ConsoleOutput.writeLine("WARNING  \(warning)")
        }
        try config.bindDataValues(["user_num": data.userNum, "item_num": data.itemNum, "cate_num": data.cateNum],
                                  source: DataLoading.statsDescription(request.dataFolder))
        let settings = try TrainingSettings(config)
        try MemoryEstimate(config: config, settings: settings).check()
        let model = try ModelFactory.makeModel(config)
        try ModelFactory.loadWeights(checkpoint.weights, into: model, path: request.checkpoint)
        let evaluator = Evaluator(model: model, batchSize: settings.evalBatchSize, maxSeqLen: settings.maxSeqLen, showProgress: request.showProgress)
        return Loaded(model: model, data: data, evaluator: evaluator,
                      description: "\(try config.modelName()) \(try config.trainType())", dataNotes: notes)
    }

    /// The ranking metrics (Metrics README § Definitions) of the checkpoint on the requested split;
    /// with `resultsFile`, also written there as `results.tsv` lines (`resultsText`).
    public static func evaluate(_ request: CheckpointRequest, resultsFile: URL? = nil) throws -> (metrics: RankingMetrics, loaded: Loaded) {
        let loaded = try load(request)
        let split = loaded.data.split(request.split)
        let metrics = try loaded.evaluator.metrics(of: split, name: request.split.rawValue,
                                                   title: "evaluate \(request.split.rawValue)")
        if let resultsFile { try AtomicFile.write(metrics.resultsText, to: resultsFile) }
        return (metrics, loaded)
    }

    /// Writes one line per row of the split: its candidates' scores separated by tabs, the
    /// positive's first (the input format of `train metrics`). Rows are in split order; each score
    /// is printed in the shortest form that reads back to the same `Float`, so `train metrics` on
    /// the file gives exactly the metrics of `evaluate`.
    /// - Returns: the number of rows written.
    @discardableResult
    public static func infer(_ request: CheckpointRequest, to output: URL) throws -> Int {
        let loaded = try load(request)
        let split = loaded.data.split(request.split)
        var text = ""
        text.reserveCapacity(split.rowCount * 21 * 10)
        loaded.evaluator.forEachScoredBatch(split, title: "infer \(request.split.rawValue)") { _, scores in
            let columns = scores.shape[1]
            scores.scalars.withUnsafeBufferPointer { values in
                for row in 0..<scores.shape[0] {
                    for column in 0..<columns {
                        if column > 0 { text += "\t" }
                        text += String(values[row * columns + column])
                    }
                    text += "\n"
                }
            }
        }
        try AtomicFile.write(text, to: output)
        return split.rowCount
    }
}
