import DataPipeline
import Foundation
import TestSupport
import Trainer
import XCTest

/// GRU4Rec Base on MovieLens-100K with the reference's hyper-parameters (lr 0.001, batch 1024,
/// D = 64, dropout 0.4, word2vec-initialised items), L = 50 and leak-free sampling. The reference
/// PyTorch code reaches valid group_auc 0.73 after 20 epochs on such data; this run must pass 0.70.
/// It trains exactly 20 epochs: the evaluation before training (word2vec-initialised items, random
/// head) often scores about 0.63 and the first epochs dip below it while the head learns the base
/// rate, so early stopping with the default patience could end the run before it recovers.
/// Needs `ADARANKER_ML100K` (skipped without it, failed under CI=true); meant for release builds.
final class EndToEndML100KTests: XCTestCase {
    func testGRU4RecBaseReachesValidGroupAUCAbove070() throws {
        let input = try EndToEnd.ml100kFolder()
        let root = try makeTemporaryDirectory(self, prefix: "adaranker-e2e-ml100k")
        let data = root.appendingPathComponent("ML100K").path
        let summary = try PrepareWorkflow.run(PrepareRequest(source: .path(input, format: .recbole), outputFolder: data,
                                                             sampling: .leakFree, showProgress: false))
        XCTAssertEqual(summary.stats.users, 943)
        let report = try FitWorkflow.run(FitRequest(
            model: .gru4Rec, mode: .base, dataFolder: data, outputFolder: root.appendingPathComponent("run").path,
            dataset: "ML100K",
            overrides: ["--MAX_SEQ_LEN=50", "--learning_rate=0.001", "--batch_size=1024", "--dropout_prob=0.4",
                        "--embedding_size=64", "--use_pre_item_emb=1", "--epochs=20", "--stopping_step=20",
                        "--show_progress=0"],
            configDirectory: RepositoryConfigs.directory, console: false))
        let best = try XCTUnwrap(report.bestValidScore)
        print("ML-100K GRU4Rec Base: best valid group_auc \(best) after epoch \(report.bestEpoch ?? 0) of \(report.epochsTrained), test group_auc \(report[test: "group_auc"] ?? .nan), \(Int(report.seconds)) s")
        XCTAssertGreaterThan(best, 0.70)
    }
}
