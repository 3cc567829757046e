/// Errors of a training, evaluation or inference run; each description is one line saying what
/// went wrong and where.
public enum TrainerError: Error, CustomStringConvertible, Equatable {
    /// The training loss became NaN or infinite; `anomaly` names the op that first produced a
    /// non-finite value when `AnomalyDetection` was on.
    case nonFiniteLoss(epoch: Int, batch: Int, value: Float, anomaly: String? = nil)
    /// A checkpoint file is missing or cannot be read.
    case checkpointUnreadable(path: String, reason: String)
    /// A checkpoint does not fit the model built for it.
    case checkpointMismatch(path: String, reason: String)
    /// A checkpoint was written for other data than the data given.
    case dataMismatch(path: String, reason: String)
    /// A run folder's files are not what this program writes.
    case corruptRunFile(path: String, line: Int, reason: String)
    /// `--resume` was asked but there is nothing to resume.
    case nothingToResume(folder: String)
    /// The requested combination of settings cannot work.
    case invalidSetting(String)
    /// The model scored some rows of a split with NaN or infinity (e.g. NaN weights).
    case nonFiniteScores(split: String, rows: Int, of: Int)
    /// A split to evaluate has no rows, so it has no metrics.
    case emptySplit(String)

    public var description: String {
        switch self {
        case .nonFiniteLoss(let epoch, let batch, let value, let anomaly):
            let start = "training loss is \(value) at epoch \(epoch), batch \(batch)"
            if let anomaly { return "\(start); \(anomaly)" }
            return "\(start); lower the learning rate or check the data (ADARANKER_DETECT_ANOMALY=1 names the op that first produced a non-finite value)"
        case .checkpointUnreadable(let path, let reason):
            return "cannot read checkpoint \(path): \(reason)"
        case .checkpointMismatch(let path, let reason):
            return "checkpoint \(path) does not fit the model: \(reason)"
        case .dataMismatch(let path, let reason):
            return "checkpoint \(path) was trained on other data: \(reason)"
        case .corruptRunFile(let path, let line, let reason):
            return "\(path):\(line): \(reason)"
        case .nothingToResume(let folder):
            return "--resume: \(folder) holds no resumable state (last.json); start without --resume"
        case .invalidSetting(let message):
            return message
        case .nonFiniteScores(let split, let rows, let total):
            return "the model gives NaN or infinite scores on \(rows) of \(total) \(split) rows; its weights are not usable (check the checkpoint, or lower the learning rate)"
        case .emptySplit(let split):
            return "the \(split) split has no rows, so it cannot be evaluated; prepare the data again or check the split files"
        }
    }
}
