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
    private let seeds: RunSeeds
    private let parameters: [(String, Parameter)]
    /// The epoch whose weights the model currently holds (0 = before training).
    public private(set) var currentEpoch: Int

    public init(model: any RankingModel, optimizer: any Optimizer, data: PreparedDataset,
                settings: TrainingSettings, folder: RunFolder, startEpoch: Int = 0,
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
    }

    public func trainEpoch(_ epoch: Int) throws -> Double {
        guard data.train.rowCount > 0 else { throw TrainerError.emptySplit(Split.Name.train.rawValue) }
        let start = Date()
        model.random.generator = seeds.generator(.modelNoise, epoch: epoch)
        let batches = BatchIterator(split: data.train, batchSize: settings.batchSize, maxSeqLen: settings.maxSeqLen,
                                    order: .shuffled(seed: seeds.seed(.shuffle, epoch: epoch)))
        let bar = ProgressBar(title: "epoch \(epoch) train", total: data.train.rowCount, unit: "rows",
                              enabled: settings.showProgress ? nil : false)
        model.train()
        var lossSum = 0.0
        var batchCount = 0
        for batch in batches {
            batchCount += 1
            let loss = model.trainingLoss(RankingBatch(batch))
            let value = loss.value.item
            guard value.isFinite else {
                bar.finish()
                throw TrainerError.nonFiniteLoss(epoch: epoch, batch: batchCount, value: value)
            }
            loss.backward()
            if let maxNorm = settings.clipGradNorm { GradientClipping.clip(parameters.map(\.1), maxNorm: maxNorm) }
            optimizer.step()
            optimizer.zeroGrad()
            lossSum += Double(value)
            bar.advance(by: batch.size)
        }
        bar.finish()
        currentEpoch = epoch
        let seconds = Date().timeIntervalSince(start)
        let meanLoss = batchCount > 0 ? lossSum / Double(batchCount) : .nan
        logger.info("epoch \(epoch) training [time: \(String(format: "%.2f", seconds))s, \(Int(Double(data.train.rowCount) / max(seconds, 1e-9))) rows/s, train loss: \(String(format: "%.4f", meanLoss))]")
        return meanLoss
    }

    public func evaluate(_ split: Split.Name) throws -> RankingMetrics {
        let start = Date()
        let evaluator = Evaluator(model: model, batchSize: settings.evalBatchSize, maxSeqLen: settings.maxSeqLen,
                                  showProgress: settings.showProgress)
        let rows = data.split(split)
        let metrics = try evaluator.metrics(of: rows, name: split.rawValue, title: "epoch \(currentEpoch) \(split.rawValue)")
        let seconds = Date().timeIntervalSince(start)
        let values = metrics.values.map { "\($0.name): \(String(format: "%.4f", $0.value))" }.joined(separator: "  ")
        logger.info("epoch \(currentEpoch) \(split.rawValue) [time: \(String(format: "%.2f", seconds))s] \(values)")
        return metrics
    }

    public func saveBest(progress: FitProgress) throws {
        try checkpoint(progress: progress, withOptimizer: true).write(to: folder.bestCheckpoint)
        logger.info("saved the best checkpoint (epoch \(currentEpoch)) to \(folder.bestCheckpoint.path)")
    }

    public func saveLast(progress: FitProgress) throws {
        try checkpoint(progress: progress, withOptimizer: true).write(to: folder.lastCheckpoint)
    }

    public func restoreBest() throws {
        let best = try Checkpoint.read(from: folder.bestCheckpoint)
        try ModelFactory.loadWeights(best.weights, into: model, path: folder.bestCheckpoint.path)
        currentEpoch = best.info?.epoch ?? currentEpoch
        logger.info("loaded the best checkpoint (epoch \(currentEpoch)) for test")
    }

    private func checkpoint(progress: FitProgress, withOptimizer: Bool) -> Checkpoint {
        Checkpoint(weights: model.stateDict(), optimizerState: withOptimizer ? optimizer.stateDict() : nil,
                   info: describe(currentEpoch, progress))
    }
}

/// Scales all gradients down so that their global L2 norm is at most `maxNorm` (PyTorch's
/// `clip_grad_norm_`): `g ← g · maxNorm / (‖g‖ + 1e-6)` when `‖g‖ > maxNorm`.
enum GradientClipping {
    public static func clip(_ parameters: [Parameter], maxNorm: Float) {
        var squared = 0.0
        for parameter in parameters {
            guard let grad = parameter.grad else { continue }
            grad.scalars.withUnsafeBufferPointer { g in for x in g { squared += Double(x) * Double(x) } }
        }
        let norm = Float(squared.squareRoot())
        guard norm > maxNorm else { return }
        let scale = maxNorm / (norm + 1e-6)
        for parameter in parameters where parameter.grad != nil {
            parameter.grad!.scalars.withUnsafeMutableBufferPointer { g in for i in g.indices { g[i] *= scale } }
        }
    }
}
