import AdaLayers
import Autograd
import DataPipeline
import Foundation
import Logging
import Metrics
import SeqModels
import Tensor

/// A `TrainingSession` over a real model, optimiser and prepared dataset.
///
/// Epoch `k` shuffles the training rows with the seed `RunSeeds(seed).seed(.shuffle, epoch: k)`
/// and re-seeds the model's dropout / neural-process stream with `.modelNoise` for epoch `k`, so
/// every epoch's random draws depend only on (seed, k): a resumed run repeats exactly what an
/// uninterrupted one does.
final class RankerSession: TrainingSession {
    public let model: any RankingModel
    public let optimizer: any Optimizer
    public let data: PreparedDataset
    public let settings: TrainingSettings
    public let folder: RunFolder
    /// Fills in the sidecar of each checkpoint (config, data fingerprint, …).
    public let describe: (_ epoch: Int, _ progress: FitProgress) -> CheckpointInfo
    public let logger: Logger
    /// The processes training this model together (`.single` unless started by `mpirun`).
    public let group: ProcessGroup
    private let seeds: RunSeeds
    private let parameters: [(String, Parameter)]
    /// Averages gradients over the processes of a distributed run (nil for one process).
    private var gradientExchange: GradientExchange?
    /// The epoch whose weights the model currently holds (0 = before training).
    public private(set) var currentEpoch: Int

    public init(model: any RankingModel, optimizer: any Optimizer, data: PreparedDataset,
                settings: TrainingSettings, folder: RunFolder, startEpoch: Int = 0, group: ProcessGroup = .single,
                logger: Logger, describe: @escaping (Int, FitProgress) -> CheckpointInfo) {
        self.model = model
        self.optimizer = optimizer
        self.data = data
        self.settings = settings
        self.folder = folder
        self.logger = logger
        self.describe = describe
        seeds = RunSeeds(base: settings.seed)
        parameters = model.namedParameters()
        currentEpoch = startEpoch
        self.group = group
        gradientExchange = group.isDistributed
            ? GradientExchange(group: group, parameters: parameters, tables: .fromEnvironment()) : nil
    }

    public func trainEpoch(_ epoch: Int) throws -> Double {
        guard data.train.rowCount > 0 else { throw TrainerError.emptySplit(Split.Name.train.rawValue) }
        let start = Date()
        model.random.generator = seeds.generator(.modelNoise, epoch: epoch, rank: group.rank)
        let order = BatchIterator(split: data.train, batchSize: settings.batchSize, maxSeqLen: settings.maxSeqLen,
                                  order: .shuffled(seed: seeds.seed(.shuffle, epoch: epoch))).rowOrder
        let bar = ProgressBar(title: "epoch \(epoch) train", total: data.train.rowCount, unit: "rows",
                              enabled: settings.showProgress && group.isRoot ? nil : false)
        model.train()
        var lossSum = 0.0
        var batchCount = 0
        for batchStart in stride(from: 0, to: order.count, by: settings.batchSize) {
            batchCount += 1
            let rows = order[batchStart ..< min(batchStart + settings.batchSize, order.count)]
            let value = try trainStep(on: rows)
            guard value.isFinite else {
                bar.finish()
                throw TrainerError.nonFiniteLoss(epoch: epoch, batch: batchCount, value: value,
                                                 anomaly: AnomalyDetection.firstAnomaly?.description)
            }
            if let maxNorm = settings.clipGradNorm { clipGradientNorm(parameters.map(\.1), maxNorm: maxNorm) }
            optimizer.step()
            optimizer.zeroGrad()
            lossSum += Double(value)
            bar.advance(by: rows.count)
        }
        bar.finish()
        try group.checkReplicasAgree(parameters, epoch: epoch)
        if let exchange = gradientExchange, batchCount > 0 {
            let milliseconds = String(format: "%.2f", 1000 * exchange.seconds / Double(batchCount))
            logger.info("epoch \(epoch) gradient exchange (\(exchange.tables.rawValue) tables): \(exchange.payloadBytes / batchCount) bytes sent and \(milliseconds) ms per step by this process")
        }
        gradientExchange?.payloadBytes = 0
        gradientExchange?.seconds = 0
        currentEpoch = epoch
        let seconds = Date().timeIntervalSince(start)
        let meanLoss = batchCount > 0 ? lossSum / Double(batchCount) : .nan
        logger.info("epoch \(epoch) training [time: \(String(format: "%.2f", seconds))s, \(Int(Double(data.train.rowCount) / max(seconds, 1e-9))) rows/s, train loss: \(String(format: "%.4f", meanLoss))]")
        return meanLoss
    }

    /// Forward and backward pass over this process's share of one global batch (`rows` of the
    /// training split, in batch order); with several processes the gradients are then averaged
    /// over all of them (`GradientExchange`). Returns the loss of the whole batch.
    private func trainStep(on rows: ArraySlice<Int>) throws -> Float {
        let share = group.share(of: rows.count)
        var loss: Float = 0
        if !share.isEmpty {
            let mine = Array(rows[(rows.startIndex + share.lowerBound) ..< (rows.startIndex + share.upperBound)])
            let batch = BatchIterator.makeBatch(split: data.train, rows: mine, maxSeqLen: settings.maxSeqLen)
            let objective = model.trainingLoss(RankingBatch(batch))
            loss = objective.value.item
            objective.backward()
        }
        guard var exchange = gradientExchange else { return loss }
        loss = try exchange.averageGradients(localRows: share.count, globalRows: rows.count, localLoss: loss)
        gradientExchange = exchange
        return loss
    }

    public func evaluate(_ split: Split.Name) throws -> RankingMetrics {
        let start = Date()
        let evaluator = Evaluator(model: model, batchSize: settings.evalBatchSize, maxSeqLen: settings.maxSeqLen,
                                  showProgress: settings.showProgress && group.isRoot, group: group)
        let rows = data.split(split)
        let metrics = try evaluator.metrics(of: rows, name: split.rawValue, title: "epoch \(currentEpoch) \(split.rawValue)")
        let seconds = Date().timeIntervalSince(start)
        let values = metrics.values.map { "\($0.name): \(String(format: "%.4f", $0.value))" }.joined(separator: "  ")
        logger.info("epoch \(currentEpoch) \(split.rawValue) [time: \(String(format: "%.2f", seconds))s] \(values)")
        return metrics
    }

    public func saveBest(progress: FitProgress) throws {
        guard group.isRoot else { return }
        try checkpoint(progress: progress, withOptimizer: true).write(to: folder.bestCheckpoint)
        logger.info("saved the best checkpoint (epoch \(currentEpoch)) to \(folder.bestCheckpoint.path)")
    }

    public func saveLast(progress: FitProgress) throws {
        guard group.isRoot else { return }
        try checkpoint(progress: progress, withOptimizer: true).write(to: folder.lastCheckpoint)
    }

    public func restoreBest() throws {
        var epochText = ""
        if group.isRoot {
            let best = try Checkpoint.read(from: folder.bestCheckpoint)
            try ModelFactory.loadWeights(best.weights, into: model, path: folder.bestCheckpoint.path)
            epochText = String(best.info?.epoch ?? currentEpoch)
        }
        // The other processes take the weights from the root: the checkpoint is only on its disk.
        let shared = try group.shareRootState(model: model, optimizer: optimizer, extra: Data(epochText.utf8))
        currentEpoch = Int(String(decoding: shared, as: UTF8.self)) ?? currentEpoch
        logger.info("loaded the best checkpoint (epoch \(currentEpoch)) for test")
    }

    private func checkpoint(progress: FitProgress, withOptimizer: Bool) -> Checkpoint {
        Checkpoint(weights: model.stateDict(), optimizerState: withOptimizer ? optimizer.stateDict() : nil,
                   info: describe(currentEpoch, progress))
    }
}
