/// Validation-based early stopping and best-score tracking (reference rule, Trainer README
/// § Training procedure).
///
/// Each evaluation either strictly improves on the best score so far (it becomes the best and the
/// count of stale evaluations resets to 0) or does not (the count grows by 1). Training stops when
/// the count exceeds `patience` (`stopping_step`), i.e. after `patience + 1` evaluations in a row
/// without improvement. A NaN score never improves.
struct EarlyStopping: Codable, Equatable, Sendable {
    /// The `stopping_step` setting.
    public let patience: Int
    /// The best score so far (`nil` before the first evaluation).
    public private(set) var bestScore: Double?
    /// The epoch whose evaluation gave `bestScore` (0 = before training).
    public private(set) var bestEpoch: Int?
    /// Evaluations since the last improvement.
    public private(set) var staleEvaluations = 0

    public init(patience: Int) { self.patience = patience }

    /// What one evaluation means for the run.
    struct Decision: Equatable, Sendable {
        /// The score is a new best: save the checkpoint.
        public var improved: Bool
        /// Stop training now.
        public var shouldStop: Bool
    }

    /// Records the score of the evaluation after `epoch` and says whether it is a new best and
    /// whether training should stop.
    public mutating func record(score: Double, epoch: Int) -> Decision {
        if score > (bestScore ?? -.infinity) {
            bestScore = score
            bestEpoch = epoch
            staleEvaluations = 0
            return Decision(improved: true, shouldStop: false)
        }
        staleEvaluations += 1
        return Decision(improved: false, shouldStop: staleEvaluations > patience)
    }
}
