import Foundation
import XCTest
@testable import DataPipeline

/// A prepared folder whose files contradict each other or that a newer build wrote is refused
/// with one message naming the files, the field and both numbers (issue 15, point 12).
final class PreparedFolderValidationTests: XCTestCase {
    /// Prepares 4 users × 15 interactions over 40 items into a fresh folder (19 negatives per row).
    private func preparedFolder(name: String? = nil) throws -> String {
        let folder = try makeTemporaryFolder(self)
        var rows: [(Int, Int, Int64)] = []
        for user in 1...4 {
            for step in 0..<15 { rows.append((user, (user * 7 + step * 3) % 40 + 1, Int64(step))) }
        }
        let categories = Dictionary(uniqueKeysWithValues: (1...40).map { ($0, [$0 % 3 + 1]) })
        var options = testOptions()
        options.outputFolder = folder
        options.writeSplitTSV = false
        options.threads = 1
        options.datasetName = name
        _ = try PreparePipeline.run(rawDataset(rows, categories: categories), options: options)
        return folder
    }

    private func statsPath(_ folder: String) -> String { folder + "/stats.json" }

    /// Rewrites one field of `stats.json` (`path` like `["valid", "rows"]`) as the JSON text `value`.
    private func editStats(_ folder: String, _ path: [String], _ value: String) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: statsPath(folder)))
        var object = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        let marker = "@@VALUE@@"
        if path.count == 1 {
            object[path[0]] = marker
        } else {
            var inner = object[path[0]] as! [String: Any]
            inner[path[1]] = marker
            object[path[0]] = inner
        }
        let text = String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
            .replacingOccurrences(of: "\"\(marker)\"", with: value)
        try writeFile(folder, "stats.json", text)
    }

    func testDecimalWhereAnIntegerIsExpectedNamesTheField() throws {
        let folder = try preparedFolder()
        try editStats(folder, ["item_num"], "1683.5")
        assertPipelineError(.malformedLine, mentions: [statsPath(folder), "field 'item_num'", "expected an integer", "1683.5"]) {
            try PreparedDataset.load(from: folder)
        }
        try editStats(folder, ["item_num"], "1e30")
        assertPipelineError(.malformedLine, mentions: ["field 'item_num'", "expected an integer"]) { try PreparedDataset.load(from: folder) }
        try editStats(folder, ["item_num"], "41")
        try editStats(folder, ["train", "rows"], "2.5")
        assertPipelineError(.malformedLine, mentions: ["field 'train.rows'", "expected an integer"]) { try PreparedDataset.load(from: folder) }
    }

    func testWrongTypesAndMissingFieldsNameTheField() throws {
        let folder = try preparedFolder()
        try editStats(folder, ["cate_num"], "\"six\"")
        assertPipelineError(.malformedLine, mentions: ["field 'cate_num'", "expected an integer"]) { try PreparedDataset.load(from: folder) }
        try editStats(folder, ["cate_num"], "null")
        assertPipelineError(.malformedLine, mentions: ["field 'cate_num'", "found null"]) { try PreparedDataset.load(from: folder) }
        try writeFile(folder, "stats.json", "{\"format_version\": 1, \"users\": 3")
        assertPipelineError(.malformedLine, mentions: [statsPath(folder), "not valid JSON"]) { try PreparedDataset.load(from: folder) }
    }

    func testUnknownFormatVersionIsRefused() throws {
        let folder = try preparedFolder()
        try editStats(folder, ["format_version"], "99")
        assertPipelineError(.unsupportedFormat, mentions: [statsPath(folder), "format_version", "99", "version 1"]) {
            try PreparedDataset.load(from: folder)
        }
    }

    func testRowCountsThatDisagreeWithTheSplitsAreRefused() throws {
        let folder = try preparedFolder()
        let rows = try PreparedDataset.load(from: folder).valid.rowCount
        try editStats(folder, ["valid", "rows"], "\(rows + 1)")
        assertPipelineError(.inconsistentData, mentions: [statsPath(folder), "valid.rows", "\(rows + 1)", "valid.split", "holds \(rows) rows"]) {
            try PreparedDataset.load(from: folder)
        }
    }

    func testNegativesPerRowMustAgreeAcrossBinarySplits() throws {
        let folder = try preparedFolder()
        let valid = try PreparedDataset.load(from: folder).valid
        var fewer = valid
        fewer.negativesPerRow = 3
        fewer.negatives = (0..<valid.rowCount).flatMap { Array(valid.negatives(ofRow: $0).prefix(3)) }
        let output = try OutputFolder(path: folder)
        let writer = try output.makeWriter("valid.split")
        try BinarySplitFormat.write(fewer, to: writer)
        try writer.close()
        try output.commit()
        assertPipelineError(.inconsistentData, mentions: [folder + "/valid.split", "3 negatives per row", folder + "/train.split", "has 19"]) {
            try PreparedDataset.load(from: folder)
        }
        try editStats(folder, ["neg_items_num"], "3")
        assertPipelineError(.inconsistentData, mentions: [statsPath(folder), "neg_items_num", "train.split has 19"]) {
            try PreparedDataset.load(from: folder)
        }
    }

    func testNegativesPerRowMustAgreeAcrossReferenceTSVs() throws {
        let folder = try makeTemporaryFolder(self)
        let header = "user_id\titem_id\tcate_id\titem_seq\titem_seq_len\tneg_items\n"
        try writeFile(folder, "train.tsv", header + "2\t36\t[19]\t[32, 33]\t2\t[40, 41]\n")
        try writeFile(folder, "valid.tsv", header + "2\t37\t[19]\t[32, 33, 36]\t3\t[90, 42, 43]\n")
        try writeFile(folder, "test.tsv", header + "2\t38\t[4]\t[32, 33, 36, 37]\t4\t[43, 44]\n")
        assertPipelineError(.inconsistentData, mentions: [folder + "/valid.tsv", "3 negatives per row", folder + "/train.tsv", "has 2"]) {
            try PreparedDataset.load(from: folder)
        }
    }

    func testStatsCarryTheDatasetName() throws {
        XCTAssertEqual(try PreparedDataset.load(from: try preparedFolder(name: "ML10M")).stats.name, "ML10M")
        let unnamed = try preparedFolder()
        XCTAssertNil(try PreparedDataset.load(from: unnamed).stats.name)
        let text = try String(contentsOfFile: statsPath(unnamed), encoding: .utf8)
        XCTAssertFalse(text.contains("\"name\""), "no name key when none was given:\n\(text)")
    }
}
