import AdaLayers
import Autograd
import DataPipeline
import Foundation
import Logging
import Metrics
import SeqModels
import Tensor

/// `train fit` and `train finetune` as a library call: assemble the configuration, build the
/// model, train it as Trainer README § Training procedure describes and write the run folder
/// (see `RunFolder`).
public enum FitWorkflow {
    /// Configuration keys that may change between an interrupted run and its `--resume` without
    /// changing what the run computes.
    /// (`protocol` is checked on its own, with a message naming the `--protocol` to resume with;
    /// runs written before protocols existed have none.)
    static let keysFreeOnResume: Set<String> = ["epochs", "show_progress", "state", "eval_batch_size", "protocol"]

    public static func run(_ request: FitRequest) throws -> FitReport {
        let started = Date()
        let group = request.processGroup
        let data = try DataLoading.load(request.dataFolder)
        let config = try assembleConfiguration(request, data: data)
        let settings = try TrainingSettings(config)
        let trainType = try checkRequest(request, config: config, settings: settings, data: data)
        let (folder, lock, request, logger) = try openRunFolderAndLog(request, trainType: trainType, config: config,
                                                                      settings: settings)
        defer { lock?.release() }
        let model = try ModelFactory.makeModel(config, freezeBase: request.mode == .finetune && settings.freeze)
        let fingerprint = DataFingerprint(stats: data.stats)
        var start = group.isRoot
            ? try initialiseWeights(model, request: request, config: config, settings: settings, data: data,
                                    folder: folder, fingerprint: fingerprint, logger: logger)
            : StartingPoint()
        logTrainableParameters(model, logger: logger)

        let optimizer = try OptimizerFactory.make(settings, parameters: model.namedParameters(),
                                                  adaptationParameters: model.adaptationParameterNames)
        if let state = start.lastCheckpoint?.optimizerState { try optimizer.loadStateDict(state) }
        if group.isDistributed { try shareStartingPoint(&start, model: model, optimizer: optimizer, group: group, logger: logger) }

        let session = makeSession(request, trainType: trainType, model: model, optimizer: optimizer, data: data,
                                  config: config, settings: settings, folder: folder, fingerprint: fingerprint,
                                  startEpoch: start.resume?.progress.completedEpochs ?? 0, logger: logger)
        let title = "\(request.model) \(trainType) on \(request.datasetName)"
        let reportSettings = config.values.sorted { $0.key < $1.key }.map { ($0.key, $0.value.description) }
        let validMetric = settings.validMetric
        let loop = FitLoop(schedule: settings.schedule) { records in
            guard group.isRoot else { return }
            try folder.writeMetrics(records)
            try folder.writeReport(title: title, records: records, validMetric: validMetric, settings: reportSettings)
        }
        let outcome = try loop.run(session, resume: start.resume)
        if group.isRoot { try folder.writeResults(outcome.test.values) }
        let seconds = Date().timeIntervalSince(started)
        logOutcome(outcome, validMetric: validMetric, seconds: seconds, logger: logger)
        return FitReport(folder: folder.url, model: request.model, trainType: trainType, dataset: request.datasetName,
                         protocolName: try config.string("protocol"), test: outcome.test.values, bestValidScore: outcome.bestScore, bestEpoch: outcome.bestEpoch,
                         epochsTrained: outcome.epochsTrained, seconds: seconds)
    }

    /// On the root (the only process of a plain run): opens and locks the run folder
    /// (`openRunFolder`), starts its log and writes the configuration. The other processes of a
    /// distributed run write nothing and log nowhere. Returns the request as it will run.
    private static func openRunFolderAndLog(_ request: FitRequest, trainType: TrainType, config: Configuration,
                                            settings: TrainingSettings) throws
        -> (RunFolder, FolderLock?, FitRequest, Logger) {
        guard request.processGroup.isRoot else {
            let logger = try RunLogSink(fileURL: nil, console: false).logger(level: settings.logLevel.loggerLevel)
            return (RunFolder(url: URL(fileURLWithPath: request.outputFolder)), nil, request, logger)
        }
        let (folder, lock, opened) = try openRunFolder(request)
        let sink = try RunLogSink(fileURL: folder.logFile, console: request.console)
        let logger = sink.logger(level: settings.logLevel.loggerLevel)
        if opened.restarted {
            logger.warning("\(folder.url.path) holds a run stopped before its first finished epoch; starting it again from the beginning")
        }
        try logStartAndWriteConfiguration(opened.request, trainType: trainType, config: config, settings: settings,
                                          folder: folder, logger: logger)
        return (folder, lock, opened.request, logger)
    }

    /// Gives every process of a distributed run the root's starting point: its weights and
    /// optimiser state (fresh, from a Base checkpoint or from `--resume`) and, when resuming, the
    /// progress to continue from. The other processes read no file of the run folder, so a run
    /// may be resumed with another number of processes (only the slicing of each batch changes).
    private static func shareStartingPoint(_ start: inout StartingPoint, model: any RankingModel, optimizer: any Optimizer,
                                           group: ProcessGroup, logger: Logger) throws {
        let progress = try start.resume.map { try JSONEncoder().encode($0.progress) } ?? Data()
        let shared = try group.shareRootState(model: model, optimizer: optimizer, extra: progress)
        if !group.isRoot, !shared.isEmpty {
            start.resume = (try JSONDecoder().decode(FitProgress.self, from: shared), [])
        }
        logger.info("distributed run: \(group.size) processes; each trains its share of every batch and the gradients are averaged")
    }

    /// Where training starts: the progress and valid records of an interrupted run (on `--resume`)
    /// and the checkpoint it was resumed from.
    private struct StartingPoint {
        var resume: (progress: FitProgress, records: [EvaluationRecord])?
        var lastCheckpoint: Checkpoint?
    }

    /// Checks the request against the configuration and the data; returns the `train_type`.
    private static func checkRequest(_ request: FitRequest, config: Configuration, settings: TrainingSettings,
                                     data: PreparedDataset) throws -> TrainType {
        let trainType = try config.trainType()
        guard trainType == request.mode.trainType else {
            throw TrainerError.invalidSetting("--train_type=\(trainType) contradicts --mode \(request.mode.rawValue); drop the override")
        }
        guard settings.negativeCount == data.stats.negItemsNum else {
            throw TrainerError.invalidSetting("neg_items_num = \(settings.negativeCount) but the data in \(request.dataFolder) has \(data.stats.negItemsNum) negatives per row")
        }
        if request.mode == .finetune && request.checkpoint == nil && !request.resume {
            throw TrainerError.invalidSetting("finetune needs --checkpoint, the Base model to start from")
        }
        try MemoryEstimate(config: config, settings: settings).check()
        return trainType
    }

    /// Creates and locks the run folder (`RunFolder.lockForWriting`). A folder holding a finished
    /// run or a checkpoint after a finished epoch is refused unless resuming. A run stopped before
    /// its first finished epoch has nothing worth keeping: it starts again from the beginning, with
    /// or without `--resume`. Returns the request with `resume` set to what will happen.
    private static func openRunFolder(_ request: FitRequest) throws
        -> (RunFolder, FolderLock, (request: FitRequest, restarted: Bool)) {
        let folder = RunFolder(url: URL(fileURLWithPath: request.outputFolder))
        let lock = try folder.lockForWriting()
        let resumable = folder.hasResumableState
        let finished = (try? folder.readMetrics())?.last?.split == .test
        if !request.resume && (resumable || finished) {
            throw TrainerError.invalidSetting("\(folder.url.path) already holds a run (\(finished ? "finished" : "with a checkpoint after a finished epoch")); pass --resume to continue it or choose another --output")
        }
        var request = request
        let restarted = !resumable && folder.hasStartedRun && !finished
        if request.resume && !resumable {
            guard restarted else { throw TrainerError.nothingToResume(folder: folder.url.path) }
            request.resume = false
            if request.mode == .finetune && request.checkpoint == nil {
                throw TrainerError.invalidSetting("\(folder.url.path) holds no finished epoch to resume; finetune needs --checkpoint, the Base model to start from")
            }
        }
        if restarted { folder.discardUnfinishedRun() }
        return (folder, lock, (request, restarted))
    }

    /// Logs what is being run and with which settings, and writes the configuration file.
    private static func logStartAndWriteConfiguration(_ request: FitRequest, trainType: TrainType, config: Configuration,
                                                      settings: TrainingSettings, folder: RunFolder,
                                                      logger: Logger) throws {
        logger.info("\(request.resume ? "resuming" : "starting") \(request.model) \(trainType) (\(request.mode.rawValue)) on \(request.datasetName) from \(request.dataFolder)")
        logger.info("\(DatasetSelection(requested: request.dataset, dataFolder: request.dataFolder).summary(configDirectory: request.configDirectory))")
        for warning in config.unknownKeyWarnings {
            logger.warning("\(warning)")
            // A mistyped key is a mistake in the command: shown even when the log stays off the console.
            if !request.console { ConsoleOutput.writeLine("WARNING  \(warning)") }
        }
        let summary = try settingsSummary(config, settings)
        logger.info("settings: \(summary) (all in \(folder.configFile.path))")
        logger.info("matrix products: OpenBLAS \(blasKernelName()) kernels, \(blasThreads()) thread(s)")
        logger.debug("configuration:\n\(config.summary)")
        try AtomicFile.write(try config.jsonData(), to: folder.configFile)
    }

    /// Loads the model's starting weights: the last checkpoint on `--resume`, the Base checkpoint
    /// for a finetune, or else the pre-trained item vectors when the settings ask for them.
    private static func initialiseWeights(_ model: any RankingModel, request: FitRequest, config: Configuration,
                                          settings: TrainingSettings, data: PreparedDataset, folder: RunFolder,
                                          fingerprint: DataFingerprint, logger: Logger) throws -> StartingPoint {
        var start = StartingPoint()
        if request.resume {
            let last = try loadResumableState(folder: folder, config: config, fingerprint: fingerprint)
            try ModelFactory.loadWeights(last.checkpoint.weights, into: model, path: folder.lastCheckpoint.path)
            start.lastCheckpoint = last.checkpoint
            start.resume = (last.progress, try folder.readMetrics().filter { $0.split == .valid && $0.epoch <= last.progress.completedEpochs })
            logger.info("resumed after epoch \(last.progress.completedEpochs) (best valid \(settings.validMetric) \(last.progress.stopping.bestScore.map { String(format: "%.4f", $0) } ?? "–") at epoch \(last.progress.stopping.bestEpoch ?? 0))")
        } else if request.mode == .finetune, let path = request.checkpoint {
            try loadBaseCheckpoint(path: path, into: model, config: config, fingerprint: fingerprint, logger: logger)
        } else if settings.usePretrainedItemEmbeddings {
            let source = try ModelFactory.loadPretrainedItemEmbeddings(into: model, folder: request.dataFolder,
                                                                       itemNum: data.itemNum, dimension: try config.int("embedding_size"))
            logger.info("item table initialised from \(source)")
        }
        return start
    }

    /// Logs how many parameters (and which tensors) are trained.
    private static func logTrainableParameters(_ model: any RankingModel, logger: Logger) {
        let trainable = model.namedParameters().filter { $0.1.requiresGrad }
        logger.info("trainable parameters: \(trainable.reduce(0) { $0 + $1.1.value.count }) in \(trainable.count) of \(model.namedParameters().count) tensors")
        logger.debug("trainable: \(trainable.map(\.0).joined(separator: ", "))")
    }

    /// The training session, whose checkpoints record the run's model, configuration and data.
    private static func makeSession(_ request: FitRequest, trainType: TrainType, model: any RankingModel,
                                    optimizer: any Optimizer, data: PreparedDataset, config: Configuration,
                                    settings: TrainingSettings, folder: RunFolder, fingerprint: DataFingerprint,
                                    startEpoch: Int, logger: Logger) -> RankerSession {
        let configValues = config.values
        let validMetric = settings.validMetric
        return RankerSession(
            model: model, optimizer: optimizer, data: data, settings: settings, folder: folder,
            startEpoch: startEpoch, group: request.processGroup,
            logger: logger) { epoch, progress in
                CheckpointInfo(model: request.model, trainType: trainType, epoch: epoch, validMetric: validMetric,
                               bestScore: progress.stopping.bestScore, bestEpoch: progress.stopping.bestEpoch,
                               progress: progress, config: configValues, data: fingerprint,
                               weightsChecksum: "", optimizerChecksum: nil,
                               created: ISO8601DateFormatter().string(from: Date()))
            }
    }

    /// Logs the best valid score, the time taken and the test metrics.
    private static func logOutcome(_ outcome: FitOutcome, validMetric: String, seconds: Double, logger: Logger) {
        logger.info("best valid \(validMetric) \(outcome.bestScore.map { String(format: "%.4f", $0) } ?? "–") after epoch \(outcome.bestEpoch ?? 0); \(outcome.epochsTrained) epochs in \(String(format: "%.1f", seconds)) s")
        let testLine = outcome.test.values.map { "\($0.name): \(String(format: "%.4f", $0.value))" }.joined(separator: "  ")
        logger.info("test result: \(testLine)")
    }

    /// The one-line summary of the settings that decide a comparison, starting with the protocol,
    /// e.g. `protocol fair, learner adam, learning_rate 0.001, batch_size 1024, ada_init identity, …`.
    static func settingsSummary(_ config: Configuration, _ settings: TrainingSettings) throws -> String {
        var parts = ["protocol \(try config.string("protocol"))", "learner \(settings.optimizer.rawValue)",
                     "learning_rate \(settings.learningRate)", "batch_size \(settings.batchSize)"]
        if try config.trainType() == .adaRanker {
            parts.append("ada_init \(try AdaptationSettings(config).initialisation.rawValue)")
            if settings.adaptationLearningRateScale != 1 { parts.append("ada_lr_scale \(settings.adaptationLearningRateScale)") }
        }
        parts += ["epochs \(settings.epochs)", "stopping_step \(settings.stoppingStep)", "valid_metric \(settings.validMetric)",
                  "MAX_SEQ_LEN \(settings.maxSeqLen)", "seed \(settings.seed)"]
        return parts.joined(separator: ", ")
    }

    /// The report of a run that already finished in `folder` (its metrics.jsonl ends with the test
    /// evaluation), or nil. Lets long multi-run commands skip finished runs when restarted.
    /// - Throws: `TrainerError.invalidSetting` when the finished run's `config.json` names another
    ///   protocol than `protocolName` (a run whose `config.json` names none is accepted).
    public static func finishedReport(in folder: URL, model: ModelName, trainType: TrainType, dataset: String,
                                      protocolName: String = ConfigLoader.defaultProtocol) throws -> FitReport? {
        let run = RunFolder(url: folder)
        let records = try run.readMetrics()
        guard let test = records.last, test.split == .test else { return nil }
        if let data = try? Data(contentsOf: run.configFile),
           case .string(let used)? = try Configuration.fromJSON(data, source: run.configFile.path).values["protocol"],
           used != protocolName {
            throw TrainerError.invalidSetting("\(folder.path) holds a finished run of the \(used) protocol, not \(protocolName); choose another folder")
        }
        let valid = records.filter { $0.split == .valid }
        let best = valid.filter { $0.epoch == test.epoch }.last
        return FitReport(folder: folder, model: model, trainType: trainType, dataset: dataset, protocolName: protocolName,
                         test: test.metrics,
                         bestValidScore: best?[metric: "group_auc"], bestEpoch: test.epoch,
                         epochsTrained: valid.map(\.epoch).max() ?? 0, seconds: .nan)
    }

    /// Whether `folder` holds an interrupted run that `--resume` can continue.
    public static func isResumable(_ folder: URL) -> Bool {
        RunFolder(url: folder).hasResumableState
    }

    /// overall → model → dataset → protocol → the mode's settings → `--key=value`, then the table
    /// sizes from the data.
    static func assembleConfiguration(_ request: FitRequest, data: PreparedDataset) throws -> Configuration {
        var modeValues: [String: ConfigValue] = ["train_type": .string(request.mode.trainType.rawValue)]
        if let name = request.protocolName { modeValues["protocol"] = .string(name) }
        if request.mode == .finetune {
            // The item table comes from the Base checkpoint (as in the reference's fine-tuning script).
            modeValues["use_pre_item_emb"] = .int(0)
            if let freeze = request.freeze { modeValues["freeze"] = .int(freeze ? 1 : 0) }
        }
        var config = try ConfigLoader(directory: request.configDirectory)
            .load(model: request.model.rawValue, dataset: request.datasetName, modeValues: modeValues, overrides: request.overrides)
        try config.bindDataValues(["user_num": data.userNum, "item_num": data.itemNum, "cate_num": data.cateNum],
                                  source: DataLoading.statsDescription(request.dataFolder))
        return config
    }

    /// Loads a Base checkpoint into a fresh Ada-Ranker, checking model name, train type and data.
    static func loadBaseCheckpoint(path: String, into model: any RankingModel, config: Configuration,
                                   fingerprint: DataFingerprint, logger: Logger) throws {
        let checkpoint = try Checkpoint.read(from: URL(fileURLWithPath: path), withOptimizer: false)
        if let info = checkpoint.info {
            let modelName = try config.modelName()
            guard info.model == modelName else {
                throw TrainerError.checkpointMismatch(path: path, reason: "it holds a \(info.model) model, not \(modelName)")
            }
            guard info.trainType == .base else {
                throw TrainerError.checkpointMismatch(path: path, reason: "fine-tuning starts from a Base checkpoint, this one is \(info.trainType)")
            }
            if let trained = info.data {
                if let problem = trained.incompatibility(with: fingerprint) { throw TrainerError.dataMismatch(path: path, reason: problem) }
                for note in trained.differences(from: fingerprint) { logger.warning("the Base checkpoint was trained on other data: \(note)") }
            }
        }
        try ModelFactory.loadBaseWeights(checkpoint.weights, into: model, path: path)
        logger.info("base parameters loaded from \(path)")
    }

    /// The last checkpoint of an interrupted run, checked against the current configuration and data.
    static func loadResumableState(folder: RunFolder, config: Configuration,
                                   fingerprint: DataFingerprint) throws -> (checkpoint: Checkpoint, progress: FitProgress) {
        let path = folder.lastCheckpoint.path
        guard FileManager.default.fileExists(atPath: path) else { throw TrainerError.nothingToResume(folder: folder.url.path) }
        let checkpoint = try Checkpoint.read(from: folder.lastCheckpoint)
        guard let info = checkpoint.info, let progress = info.progress, checkpoint.optimizerState != nil else {
            throw TrainerError.checkpointUnreadable(path: path, reason: "it lacks the sidecar with the run's progress or the optimiser state")
        }
        let now = config.values
        if case .string(let saved)? = info.config["protocol"], case .string(let current)? = now["protocol"], saved != current {
            throw TrainerError.invalidSetting("--resume: the interrupted run used the \(saved) protocol, this command the \(current) protocol; resume with --protocol \(saved)")
        }
        for key in Set(info.config.keys).union(now.keys).sorted() where !keysFreeOnResume.contains(key) {
            let saved = info.config[key], current = now[key]
            let same = saved.flatMap { a in current.map { a.isEquivalent(to: $0) } } ?? (saved == nil && current == nil)
            if !same {
                throw TrainerError.invalidSetting("--resume: config key '\(key)' was \(info.config[key]?.description ?? "unset") in the interrupted run and is \(now[key]?.description ?? "unset") now; resume with the same settings")
            }
        }
        if let trained = info.data, trained != fingerprint {
            throw TrainerError.dataMismatch(path: path, reason: trained.incompatibility(with: fingerprint)
                ?? trained.differences(from: fingerprint).joined(separator: "; "))
        }
        return (checkpoint, progress)
    }
}

/// Loading a prepared dataset folder with one-line errors.
enum DataLoading {
    public static func load(_ folder: String) throws -> PreparedDataset {
        do {
            return try PreparedDataset.load(from: folder)
        } catch let error as DataPipelineError {
            throw TrainerError.invalidSetting("\(error)")
        }
    }

    /// Names where the table sizes came from (for messages).
    static func statsDescription(_ folder: String) -> String {
        let stats = URL(fileURLWithPath: folder).appendingPathComponent("stats.json").path
        return FileManager.default.fileExists(atPath: stats) ? stats : "the split TSVs in \(folder)"
    }
}
