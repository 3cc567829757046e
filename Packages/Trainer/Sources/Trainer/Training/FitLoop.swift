import DataPipeline
import Metrics

/// What the fit loop drives: one model with its optimiser and data. `RankerSession` is the real
/// one; tests script their own to check the loop's decisions.
protocol TrainingSession: AnyObject {
    /// Trains epoch `epoch` (1-based) and returns its mean training loss.
    /// - Throws: `TrainerError.nonFiniteLoss` naming the epoch and batch when the loss is NaN.
    func trainEpoch(_ epoch: Int) throws -> Double
    /// The metrics of the current weights on `split` (evaluation mode, no gradients).
    func evaluate(_ split: Split.Name) throws -> RankingMetrics
    /// Saves the current weights (and optimiser state) as the best checkpoint.
    func saveBest(progress: FitProgress) throws
    /// Saves the state after a finished epoch, for `--resume`.
    func saveLast(progress: FitProgress) throws
    /// Loads the best checkpoint's weights back into the model.
    func restoreBest() throws
}

/// How far a run has come: everything besides weights and optimiser state that `--resume` needs
/// to continue exactly where an interrupted run stopped.
struct FitProgress: Codable, Equatable, Sendable {
    /// Epochs fully trained (and evaluated, when due).
    public var completedEpochs: Int
    public var stopping: EarlyStopping
    /// Whether early stopping ended the run.
    public var stopped: Bool

    public init(completedEpochs: Int = 0, stopping: EarlyStopping, stopped: Bool = false) {
        self.completedEpochs = completedEpochs
        self.stopping = stopping
        self.stopped = stopped
    }
}

/// The settings of the loop (from the configuration).
struct FitSchedule: Sendable, Equatable {
    /// `epochs`: the maximum number of training epochs.
    public var epochs: Int
    /// `eval_step`: evaluate on valid after every this many epochs (and after the last one).
    public var evalStep: Int
    /// `stopping_step`: patience of early stopping.
    public var stoppingStep: Int
    /// `valid_metric`: the metric that selects the best checkpoint (`group_auc`).
    public var validMetric: String

    public init(epochs: Int, evalStep: Int = 1, stoppingStep: Int, validMetric: String = "group_auc") {
        self.epochs = epochs
        self.evalStep = evalStep
        self.stoppingStep = stoppingStep
        self.validMetric = validMetric
    }
}

/// The outcome of `FitLoop.run`.
struct FitOutcome: Sendable {
    /// Every evaluation in order (valid ones, then the final test).
    public var records: [EvaluationRecord]
    /// The best valid score and the epoch it was reached at (0 = before training).
    public var bestScore: Double?
    public var bestEpoch: Int?
    /// Epochs trained in total (including those before a resume).
    public var epochsTrained: Int
    /// The test metrics of the best checkpoint.
    public var test: RankingMetrics
}

/// The training procedure (Trainer README § Training procedure):
///
/// 1. evaluate on valid before training (epoch 0);
/// 2. for each epoch: train, evaluate on valid, save the best checkpoint when the valid metric
///    strictly improves, save the resumable state, and stop once more than `stopping_step`
///    evaluations in a row did not improve;
/// 3. reload the best checkpoint and evaluate it on test.
struct FitLoop {
    public let schedule: FitSchedule
    /// Called after every evaluation with all records so far (to write `metrics.jsonl`, the report, the log).
    public var onRecord: ([EvaluationRecord]) throws -> Void

    public init(schedule: FitSchedule, onRecord: @escaping ([EvaluationRecord]) throws -> Void = { _ in }) {
        self.schedule = schedule
        self.onRecord = onRecord
    }

    /// Runs the loop, or continues it from `resume` (the progress and records of an interrupted run;
    /// the session must already hold that run's last weights and optimiser state).
    public func run(_ session: TrainingSession,
                    resume: (progress: FitProgress, records: [EvaluationRecord])? = nil) throws -> FitOutcome {
        var progress = resume?.progress ?? FitProgress(stopping: EarlyStopping(patience: schedule.stoppingStep))
        var records = resume?.records ?? []

        func validate(after epoch: Int, trainLoss: Double?) throws -> EarlyStopping.Decision {
            let metrics = try session.evaluate(.valid)
            records.append(EvaluationRecord(epoch: epoch, split: .valid,
                                            metrics: metrics.values, trainLoss: trainLoss))
            let score = metrics[schedule.validMetric] ?? .nan
            let decision = progress.stopping.record(score: score, epoch: epoch)
            if decision.improved { try session.saveBest(progress: progress) }
            try onRecord(records)
            return decision
        }

        if resume == nil {
            _ = try validate(after: 0, trainLoss: nil)
        }
        var epoch = progress.completedEpochs
        while !progress.stopped && epoch < schedule.epochs {
            epoch += 1
            let loss = try session.trainEpoch(epoch)
            if epoch % schedule.evalStep == 0 || epoch == schedule.epochs {
                let decision = try validate(after: epoch, trainLoss: loss)
                progress.stopped = decision.shouldStop
            }
            progress.completedEpochs = epoch
            try session.saveLast(progress: progress)
        }

        try session.restoreBest()
        let test = try session.evaluate(.test)
        records.append(EvaluationRecord(epoch: progress.stopping.bestEpoch ?? 0, split: .test,
                                        metrics: test.values))
        try onRecord(records)
        return FitOutcome(records: records, bestScore: progress.stopping.bestScore, bestEpoch: progress.stopping.bestEpoch,
                          epochsTrained: progress.completedEpochs, test: test)
    }
}
