import DataPipeline
import Metrics
import XCTest
@testable import Trainer

final class EarlyStoppingTests: XCTestCase {
    func testStopsAfterMoreThanPatienceEvaluationsWithoutStrictImprovement() {
        var stopping = EarlyStopping(patience: 2)
        XCTAssertEqual(stopping.record(score: 0.5, epoch: 0), .init(improved: true, shouldStop: false))
        XCTAssertEqual(stopping.record(score: 0.6, epoch: 1), .init(improved: true, shouldStop: false))
        XCTAssertEqual(stopping.record(score: 0.6, epoch: 2), .init(improved: false, shouldStop: false), "a tie is no improvement")
        XCTAssertEqual(stopping.record(score: 0.55, epoch: 3), .init(improved: false, shouldStop: false))
        XCTAssertEqual(stopping.record(score: 0.59, epoch: 4), .init(improved: false, shouldStop: true))
        XCTAssertEqual(stopping.bestScore, 0.6)
        XCTAssertEqual(stopping.bestEpoch, 1)
    }

    func testImprovementResetsTheCountAndNaNNeverImproves() {
        var stopping = EarlyStopping(patience: 1)
        _ = stopping.record(score: .nan, epoch: 0)
        XCTAssertNil(stopping.bestScore)
        XCTAssertEqual(stopping.record(score: 0.1, epoch: 1).improved, true)
        XCTAssertEqual(stopping.record(score: 0.05, epoch: 2).shouldStop, false)
        XCTAssertEqual(stopping.record(score: 0.2, epoch: 3).improved, true)
        XCTAssertEqual(stopping.staleEvaluations, 0)
        XCTAssertEqual(stopping.record(score: 0.2, epoch: 4).shouldStop, false)
        XCTAssertEqual(stopping.record(score: 0.2, epoch: 5).shouldStop, true)
    }

    func testPatienceZeroStopsAtTheFirstNonImprovement() {
        var stopping = EarlyStopping(patience: 0)
        _ = stopping.record(score: 0.3, epoch: 0)
        XCTAssertTrue(stopping.record(score: 0.3, epoch: 1).shouldStop)
    }
}

/// A session whose valid scores follow a script; it remembers which "weights" (the epoch trained
/// last) were saved as best and evaluates test with whatever was restored.
final class ScriptedSession: TrainingSession {
    let validScores: [Double]
    var currentEpoch = 0
    var bestWeights: Int?
    var restoredWeights: Int?
    var trainedEpochs: [Int] = []
    var savedLast: [FitProgress] = []

    init(validScores: [Double]) { self.validScores = validScores }

    func trainEpoch(_ epoch: Int) throws -> Double {
        trainedEpochs.append(epoch)
        currentEpoch = epoch
        return 1.0 / Double(epoch)
    }

    func evaluate(_ split: Split.Name) throws -> RankingMetrics {
        var metrics = RankingMetrics()
        // A one-row metric whose group_auc equals the scripted score: with n − 1 = 1000 negatives,
        // g negatives above the positive give group_auc (1000 − g) / 1000.
        let score = split == .valid ? validScores[currentEpoch] : Double(restoredWeights ?? -1) / 1000
        metrics.addRow(candidateCount: 1001, higher: 1000 - Int((score * 1000).rounded()), equal: 0)
        return metrics
    }

    func saveBest(progress: FitProgress) throws { bestWeights = currentEpoch }
    func saveLast(progress: FitProgress) throws { savedLast.append(progress) }
    func restoreBest() throws { restoredWeights = bestWeights }
}

final class FitLoopTests: XCTestCase {
    func testBestCheckpointAndEarlyStoppingOnAScriptedScoreSequence() throws {
        // epoch:            0    1    2    3    4    5    6    7    8    9
        let scores = [0.50, 0.60, 0.70, 0.65, 0.70, 0.69, 0.68, 0.90, 0.91, 0.92]
        let session = ScriptedSession(validScores: scores)
        var writes = 0
        let loop = FitLoop(schedule: FitSchedule(epochs: 9, stoppingStep: 3)) { _ in writes += 1 }
        let outcome = try loop.run(session)
        // Best is epoch 2 (0.70; the tie at epoch 4 does not replace it); epochs 3, 4, 5, 6 do not
        // improve, and the 4th of them (> stopping_step = 3) stops the run before epoch 7.
        XCTAssertEqual(session.trainedEpochs, [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(outcome.bestEpoch, 2)
        XCTAssertEqual(outcome.bestScore!, 0.70, accuracy: 1e-12)
        XCTAssertEqual(session.restoredWeights, 2, "test runs on the best checkpoint")
        XCTAssertEqual(outcome.test.groupAUC, 0.002, accuracy: 1e-12)
        XCTAssertEqual(outcome.records.map(\.split), [Split.Name](repeating: .valid, count: 7) + [.test])
        XCTAssertEqual(outcome.records.map(\.epoch), [0, 1, 2, 3, 4, 5, 6, 2])
        XCTAssertNil(outcome.records[0].trainLoss, "the evaluation before training has no loss")
        XCTAssertEqual(outcome.records[3].trainLoss!, 1.0 / 3, accuracy: 1e-12)
        XCTAssertEqual(writes, 8)
        XCTAssertEqual(session.savedLast.map(\.completedEpochs), [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(session.savedLast.last?.stopped, true)
    }

    func testBeforeTrainingCanBeTheBest() throws {
        let session = ScriptedSession(validScores: [0.8, 0.7, 0.6])
        let outcome = try FitLoop(schedule: FitSchedule(epochs: 2, stoppingStep: 10)).run(session)
        XCTAssertEqual(session.trainedEpochs, [1, 2], "runs to the epoch limit")
        XCTAssertEqual(outcome.bestEpoch, 0)
        XCTAssertEqual(session.restoredWeights, 0)
    }

    func testResumeContinuesFromTheSavedProgress() throws {
        let scores = [0.50, 0.60, 0.70, 0.65, 0.70, 0.69, 0.68, 0.90, 0.91, 0.92]
        let full = ScriptedSession(validScores: scores)
        let uninterrupted = try FitLoop(schedule: FitSchedule(epochs: 9, stoppingStep: 3)).run(full)

        let first = ScriptedSession(validScores: scores)
        var partialRecords: [EvaluationRecord] = []
        _ = try FitLoop(schedule: FitSchedule(epochs: 3, stoppingStep: 3)) { partialRecords = $0 }.run(first)
        let saved = first.savedLast.last!
        let resumed = ScriptedSession(validScores: scores)
        resumed.currentEpoch = 3
        resumed.bestWeights = first.bestWeights
        let outcome = try FitLoop(schedule: FitSchedule(epochs: 9, stoppingStep: 3))
            .run(resumed, resume: (saved, partialRecords.filter { $0.split == .valid }))
        XCTAssertEqual(resumed.trainedEpochs, [4, 5, 6])
        XCTAssertEqual(outcome.records, uninterrupted.records)
        XCTAssertEqual(outcome.bestEpoch, uninterrupted.bestEpoch)
    }
}
