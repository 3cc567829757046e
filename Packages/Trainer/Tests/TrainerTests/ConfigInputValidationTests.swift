import Foundation
import SeqModels
import TestSupport
import XCTest
@testable import Trainer

/// Hostile or mistaken configuration input (issue 15, point 12): every case ends in one message
/// naming the key, where it was set and what was expected — never a Swift error dump.
final class ConfigInputValidationTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws {
        folder = try makeTemporaryDirectory(self, prefix: "trainer-config-input")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("model"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("dataset"), withIntermediateDirectories: true)
        try write("overall.yaml", "seed: 2020\nlearning_rate: 0.01\nbatch_size: 8\nepochs: 2\nstopping_step: 1\nlearner: adam\n")
        try write("model/GRU4Rec.yaml", "hidden_size: 16\n")
    }


    private func write(_ name: String, _ text: String) throws {
        try text.write(to: folder.appendingPathComponent(name), atomically: false, encoding: .utf8)
    }

    private func load(dataset: String? = nil, _ overrides: [String] = []) throws -> Configuration {
        try ConfigLoader(directory: folder).load(model: "GRU4Rec", dataset: dataset,
                                                 modeValues: ["train_type": .string("Base")], overrides: overrides)
    }

    private func assertRefused(_ overrides: [String], mentions words: [String], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try load(overrides), file: file, line: line) { error in
            XCTAssertTrue(error is ConfigError, "\(type(of: error)): \(error)", file: file, line: line)
            let text = "\(error)"
            for word in words { XCTAssertTrue(text.contains(word), "'\(word)' missing in: \(text)", file: file, line: line) }
        }
    }

    func testNonFiniteNumbersAreRefusedNamingTheKeyAndTheRange() {
        for text in ["inf", "+inf", "-inf", "nan", "NaN", ".inf", ".nan", "1e400", "Infinity"] {
            assertRefused(["--learning_rate=\(text)"], mentions: ["'learning_rate'", "command line", "a finite number ≥ 0"])
        }
        assertRefused(["--clip_grad_norm=inf"], mentions: ["'clip_grad_norm'", "a finite number ≥ 0 or ~ (off)"])
        assertRefused(["--clip_grad_norm=.nan"], mentions: ["'clip_grad_norm'"])
        assertRefused(["--dropout_prob=nan"], mentions: ["'dropout_prob'", "in [0, 1)"])
        assertRefused(["--kl_weight=.inf"], mentions: ["'kl_weight'", "finite"])
    }

    func testNonFiniteValueOfAnUnknownKeyStillSavesTheConfiguration() throws {
        let config = try load(["--my_note=.inf", "--other=.nan"])
        let data = try config.jsonData()
        let text = String(decoding: data, as: UTF8.self)
        XCTAssertTrue(text.contains("\"my_note\" : \".inf\""), text)
        XCTAssertTrue(text.contains("\"other\" : \".nan\""), text)
        XCTAssertNoThrow(try Configuration.fromJSON(data, source: "config.json"))
    }

    /// Found by `FuzzConfigYAML`: YAML 1.1 base-60 integers (`1:30`) that overflow trapped inside Yams.
    func testColonValuesStayTextInsteadOfOverflowingBase60Numbers() throws {
        XCTAssertEqual(ConfigValue(commandLineText: "999999999999999999:0"), .string("999999999999999999:0"))
        XCTAssertEqual(ConfigValue(commandLineText: "1:0:0:0:0:0:0:0:0:0:0:0:0"), .string("1:0:0:0:0:0:0:0:0:0:0:0:0"))
        assertRefused(["--epochs=999999999999999999:0"], mentions: ["'epochs'", "an integer ≥ 0", "'999999999999999999:0'"])
        try write("dataset/colon.yaml", "epochs: 1:0:0:0:0:0:0:0:0:0:0:0:0\n")
        XCTAssertThrowsError(try load(dataset: "colon")) { XCTAssertTrue("\($0)".contains("dataset/colon.yaml:1"), "\($0)") }
    }

    func testDuplicateKeyInAFileNamesFileLineAndKey() throws {
        try write("dataset/twice.yaml", "MAX_SEQ_LEN: 50\nbatch_size: 4\nMAX_SEQ_LEN: 200\n")
        XCTAssertThrowsError(try load(dataset: "twice")) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("dataset/twice.yaml:3"), text)
            XCTAssertTrue(text.contains("'MAX_SEQ_LEN'") && text.contains("line 1"), text)
        }
    }

    func testDuplicateKeyThroughAnAliasOrInsideASectionIsRefused() throws {
        try write("dataset/alias.yaml", "learner: adam\noptimizer: sgd\n")
        XCTAssertThrowsError(try load(dataset: "alias")) { error in
            XCTAssertTrue("\(error)".contains("dataset/alias.yaml:2") && "\(error)".contains("'learner'"), "\(error)")
        }
        try write("dataset/section.yaml", "Ada-Ranker:\n  batch_size: 4\n  batch_size: 8\n")
        XCTAssertThrowsError(try load(dataset: "section")) { error in
            XCTAssertTrue("\(error)".contains("dataset/section.yaml:3") && "\(error)".contains("'batch_size'"), "\(error)")
        }
    }

    func testKeysRepeatedAcrossFilesStillOverride() throws {
        try write("dataset/fine.yaml", "learning_rate: 0.5\n")
        XCTAssertEqual(try load(dataset: "fine").double("learning_rate"), 0.5)
    }
}
