import DataPipeline
import Foundation
import SeqModels

/// A run-time estimate for a planned run, from a short timing of real training steps on this machine.
struct RuntimeEstimate: Sendable {
    /// Training rows per second measured over a few steps (after one warm-up step).
    public var trainRowsPerSecond: Double
    /// Seconds per epoch: training plus evaluating valid (evaluation is taken as 3× faster per row).
    public var secondsPerEpoch: Double
    /// The `epochs` limit of the configuration.
    public var epochLimit: Int
    /// The earliest possible stop: `stopping_step + 1` epochs without improvement after the first.
    public var minimumEpochs: Int

    /// Times `steps` training steps of the run `request` describes, without writing anything.
    public static func measure(_ request: FitRequest, steps: Int = 3) throws -> RuntimeEstimate {
        let data = try DataLoading.load(request.dataFolder)
        let config = try FitWorkflow.assembleConfiguration(request, data: data)
        let settings = try TrainingSettings(config)
        let model = try ModelFactory.makeModel(config)
        let optimizer = try OptimizerFactory.make(settings, parameters: model.namedParameters())
        var batches = BatchIterator(split: data.train, batchSize: settings.batchSize, maxSeqLen: settings.maxSeqLen,
                                    order: .shuffled(seed: settings.seed))
        model.train()
        var rows = 0
        var seconds = 0.0
        for step in 0...steps {
            guard let batch = batches.next() else { break }
            let start = Date()
            let loss = model.trainingLoss(RankingBatch(batch))
            loss.backward()
            optimizer.step()
            optimizer.zeroGrad()
            if step > 0 {
                seconds += Date().timeIntervalSince(start)
                rows += batch.size
            }
        }
        let rate = rows > 0 ? Double(rows) / max(seconds, 1e-9) : .nan
        let perEpoch = Double(data.train.rowCount) / rate + Double(data.valid.rowCount) / (3 * rate)
        return RuntimeEstimate(trainRowsPerSecond: rate, secondsPerEpoch: perEpoch, epochLimit: settings.epochs,
                               minimumEpochs: min(settings.epochs, settings.stoppingStep + 2))
    }

    /// `1 h 05 min`, `12 min`, `40 s`.
    public static func format(seconds: Double) -> String {
        guard seconds.isFinite else { return "?" }
        if seconds < 90 { return String(format: "%.0f s", seconds) }
        let minutes = Int((seconds / 60).rounded())
        return minutes < 60 ? "\(minutes) min" : String(format: "%d h %02d min", minutes / 60, minutes % 60)
    }

    /// One line for the console.
    public var summary: String {
        String(format: "%.0f train rows/s, about %@ per epoch: at least %@ (%d epochs), at most %@ (%d epochs)",
               trainRowsPerSecond, Self.format(seconds: secondsPerEpoch),
               Self.format(seconds: secondsPerEpoch * Double(minimumEpochs)), minimumEpochs,
               Self.format(seconds: secondsPerEpoch * Double(epochLimit)), epochLimit)
    }
}
