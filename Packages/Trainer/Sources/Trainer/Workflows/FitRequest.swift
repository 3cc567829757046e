import Foundation
import SeqModels

/// What to train: the inputs of `train fit` and `train finetune`.
public struct FitRequest: Sendable {
    /// How the model is trained.
    public enum Mode: String, CaseIterable, Sendable {
        /// A Base ranker (`train_type: Base`).
        case base
        /// An Ada-Ranker trained end to end (`train_type: Ada-Ranker`).
        case ada
        /// An Ada-Ranker initialised from a Base checkpoint (`freeze` 0 or 1).
        case finetune

        /// The reference's `train_type` of the mode.
        public var trainType: TrainType { self == .base ? .base : .adaRanker }
    }

    /// One of the seven models (`.gru4Rec`, …).
    public var model: ModelName
    public var mode: Mode
    /// A folder made by `train prepare`, or one holding the reference's split TSVs.
    public var dataFolder: String
    /// The run folder (created; must not already hold a run unless `resume`).
    public var outputFolder: String
    /// Selects `Configs/dataset/<dataset>.yaml`; default: the `name` in the data folder's
    /// `stats.json`, else the data folder's name (`datasetName`).
    public var dataset: String?
    /// The comparison protocol, selecting `Configs/protocol/<name>.yaml` after the dataset file:
    /// `fair` (Base and Ada-Ranker with the same settings) or `paper` (the paper's settings); nil
    /// leaves it to the configuration (`protocol` key), which defaults to `fair`.
    public var protocolName: String?
    /// `--key=value` configuration overrides.
    public var overrides: [String]
    /// Fine-tuning: the Base checkpoint to start from.
    public var checkpoint: String?
    /// Fine-tuning: train only the adaptation layers (`freeze = 1`).
    public var freeze: Bool?
    /// Continue the interrupted run in `outputFolder` from its last finished epoch.
    public var resume: Bool
    /// The `Configs` folder.
    public var configDirectory: URL
    /// Also print the log on standard error.
    public var console: Bool
    /// The processes that train this model together: `.single`, or `try ProcessGroup.world()` in
    /// a program started by `mpirun` (Trainer README § Training on several machines).
    public var processGroup: ProcessGroup = .single

    public init(model: ModelName, mode: Mode, dataFolder: String, outputFolder: String, dataset: String? = nil,
                protocolName: String? = nil, overrides: [String] = [], checkpoint: String? = nil, freeze: Bool? = nil, resume: Bool = false,
                configDirectory: URL, console: Bool = true) {
        self.model = model
        self.mode = mode
        self.dataFolder = dataFolder
        self.outputFolder = outputFolder
        self.dataset = dataset
        self.protocolName = protocolName
        self.overrides = overrides
        self.checkpoint = checkpoint
        self.freeze = freeze
        self.resume = resume
        self.configDirectory = configDirectory
        self.console = console
    }

    /// The dataset name: `dataset`, else the `name` prepare wrote into the data folder's
    /// `stats.json`, else the data folder's last path component (`DatasetSelection`).
    public var datasetName: String {
        DatasetSelection(requested: dataset, dataFolder: dataFolder).name
    }
}

/// What a finished run reports.
public struct FitReport: Sendable {
    public var folder: URL
    public var model: ModelName
    public var trainType: TrainType
    public var dataset: String
    /// The comparison protocol the run was trained under (`fair`, `paper`, …).
    public var protocolName: String
    /// Test metrics of the best checkpoint, in report order.
    public var test: [(name: String, value: Double)]
    public var bestValidScore: Double?
    public var bestEpoch: Int?
    public var epochsTrained: Int
    public var seconds: Double

    /// A test metric by name.
    public subscript(test name: String) -> Double? { test.first { $0.name == name }?.value }
}
