import Foundation
import Tensor
import TestSupport
import XCTest
@testable import Trainer

final class CheckpointTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws { folder = try makeTemporaryDirectory(self, prefix: "trainer-ckpt") }

    private func sample() -> Checkpoint {
        let info = CheckpointInfo(model: .gru4Rec, trainType: .base, epoch: 3, validMetric: "group_auc",
                                  bestScore: 0.75, bestEpoch: 3,
                                  progress: FitProgress(completedEpochs: 3, stopping: EarlyStopping(patience: 10)),
                                  config: ["learning_rate": .double(0.001), "dilations": .list([.int(1), .int(4)])],
                                  data: nil, weightsChecksum: "", optimizerChecksum: nil, created: "now")
        return Checkpoint(weights: ["mlp_layers.1.weight": Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6]),
                                    "item_embedding.weight": Tensor(shape: [1, 2], scalars: [-1, 0.5])],
                          optimizerState: ["mlp_layers.1.weight.exp_avg": Tensor(shape: [2, 3], scalars: [0, 0, 1, 0, 0, 0])],
                          info: info)
    }

    func testRoundTrip() throws {
        let url = folder.appendingPathComponent("best.safetensors")
        try sample().write(to: url)
        let read = try Checkpoint.read(from: url)
        XCTAssertEqual(read.weights, sample().weights)
        XCTAssertEqual(read.optimizerState, sample().optimizerState)
        XCTAssertEqual(read.info?.model, .gru4Rec)
        XCTAssertEqual(read.info?.progress?.completedEpochs, 3)
        XCTAssertEqual(read.info?.config["dilations"], .list([.int(1), .int(4)]))
        let sidecarText = try String(contentsOf: Checkpoint.sidecarURL(for: url), encoding: .utf8)
        XCTAssertTrue(sidecarText.contains("\"train_type\" : \"Base\""), sidecarText)
    }

    func testDamagedOrMismatchedFilesAreRejected() throws {
        let url = folder.appendingPathComponent("best.safetensors")
        try sample().write(to: url)
        var bytes = try Data(contentsOf: url)
        bytes[bytes.count - 1] ^= 0xFF
        try bytes.write(to: url)
        XCTAssertThrowsError(try Checkpoint.read(from: url)) { XCTAssertTrue("\($0)".contains("checksum"), "\($0)") }

        try sample().write(to: url)
        try Data("{}".utf8).write(to: Checkpoint.optimizerURL(for: url))
        XCTAssertThrowsError(try Checkpoint.read(from: url)) { XCTAssertTrue("\($0)".contains("optimizer"), "\($0)") }
    }

    func testSidecarKeepsReferenceNamesAndRefusesUnknownOnes() throws {
        let url = folder.appendingPathComponent("best.safetensors")
        var ada = sample()
        ada.info?.trainType = .adaRanker
        try ada.write(to: url)
        let sidecar = Checkpoint.sidecarURL(for: url)
        let text = try String(contentsOf: sidecar, encoding: .utf8)
        XCTAssertTrue(text.contains("\"model\" : \"GRU4Rec\"") && text.contains("\"train_type\" : \"Ada-Ranker\""), text)
        XCTAssertEqual(try Checkpoint.read(from: url).info?.trainType, .adaRanker)

        for (field, good, bad, expected) in [("model", "GRU4Rec", "GRU5Rec", "SASRec"), ("train_type", "Ada-Ranker", "AdaRanker", "Base")] {
            try text.replacingOccurrences(of: "\"\(field)\" : \"\(good)\"", with: "\"\(field)\" : \"\(bad)\"")
                .write(to: sidecar, atomically: false, encoding: .utf8)
            XCTAssertThrowsError(try Checkpoint.read(from: url)) { error in
                let message = "\(error)"
                for part in [sidecar.path, "'\(field)'", "'\(bad)'", expected] {
                    XCTAssertTrue(message.contains(part), "\(message) lacks \(part)")
                }
            }
        }
    }

    func testBareSafetensorsWithoutSidecar() throws {
        let url = folder.appendingPathComponent("reference.safetensors")
        try SafeTensors.write(["user_embedding.weight": .float(Tensor(shape: [2, 2], scalars: [1, 2, 3, 4]))], to: url.path)
        let read = try Checkpoint.read(from: url)
        XCTAssertNil(read.info)
        XCTAssertEqual(read.weights["user_embedding.weight"]?.shape, [2, 2])
    }

    func testMissingAndTruncatedFiles() throws {
        XCTAssertThrowsError(try Checkpoint.read(from: folder.appendingPathComponent("none.safetensors"))) { error in
            XCTAssertTrue("\(error)".contains("none.safetensors") && "\(error)".contains("no such file"), "\(error)")
        }
        let url = folder.appendingPathComponent("cut.safetensors")
        let full = SafeTensors.encode(["w": .float(Tensor(shape: [4], scalars: [1, 2, 3, 4]))])
        try full.prefix(full.count - 3).write(to: url)
        XCTAssertThrowsError(try Checkpoint.read(from: url)) { XCTAssertTrue("\($0)".contains("cut.safetensors"), "\($0)") }
        let ids = folder.appendingPathComponent("ids.safetensors")
        try SafeTensors.write(["w": .index(IndexTensor([1, 2]))], to: ids.path)
        XCTAssertThrowsError(try Checkpoint.read(from: ids)) { XCTAssertTrue("\($0)".contains("integers"), "\($0)") }
    }
}
