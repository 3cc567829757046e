import XCTest
@testable import DataPipeline

/// RecBole atomic files, the generic 4-field TSV and the reference's split TSVs.
final class TextFormatReaderTests: XCTestCase {
    func testRecBoleFilesWithTokenSequenceGenres() throws {
        let root = try makeTemporaryFolder(self)
        try writeFile(root, "toy.inter", "user_id:token\titem_id:token\trating:float\ttimestamp:float\n7\t1\t3\t881250949\n7\t2\t4\t881250950.0\n")
        try writeFile(root, "toy.item", "item_id:token\tmovie_title:token_seq\trelease_year:token\tclass:token_seq\n1\tToy Story\t1995\tAnimation Children's Comedy\n2\tHeat\t1995\tAction\n3\tNothing\t1990\t\n")
        let raw = try RecBoleReader.read(path: root)
        XCTAssertEqual(raw.interactions, [.init(user: 7, item: 1, timestamp: 881_250_949), .init(user: 7, item: 2, timestamp: 881_250_950)])
        // Action 1, Animation 2, Children's 3, Comedy 4.
        XCTAssertEqual(raw.itemCategories[1], [2, 3, 4])
        XCTAssertEqual(raw.itemCategories[2], [1])
        XCTAssertNil(raw.itemCategories[3])
        XCTAssertEqual(try RecBoleReader.read(path: root + "/toy.inter").interactions.count, 2)
        XCTAssertEqual(try InputReader.detect(root), .recbole)
    }

    func testRecBoleErrors() throws {
        let root = try makeTemporaryFolder(self)
        try writeFile(root, "toy.item", "item_id:token\tclass:token_seq\n1\tDrama\n")
        let inter = try writeFile(root, "toy.inter", "user_id:token\titem_id:token\trating:float\n1\t1\t3\n")
        assertPipelineError(.missingColumn, mentions: [inter + ":1:", "timestamp"]) { try RecBoleReader.read(path: root) }
        try writeFile(root, "toy.inter", "user_id:token\titem_id:token\ttimestamp:float\n1\t1\t5\nabc\t1\t5\n")
        assertPipelineError(.nonNumericField, mentions: [inter + ":3:", "user_id", "abc"]) { try RecBoleReader.read(path: root) }
        try writeFile(root, "toy.inter", "user_id:token\titem_id:token\ttimestamp:float\n1\t1\n")
        assertPipelineError(.malformedLine, mentions: [inter + ":2:", "3 tab-separated columns"]) { try RecBoleReader.read(path: root) }
        try writeFile(root, "toy.inter", "user_id:token\titem_id:token\ttimestamp:float\n")
        assertPipelineError(.emptyInput, mentions: [inter]) { try RecBoleReader.read(path: root) }
        let item = try writeFile(root, "toy.item", "item_id:token\ttitle:token_seq\n1\tX\n")
        assertPipelineError(.missingColumn, mentions: [item + ":1:", "class"]) { try RecBoleReader.read(path: root) }
    }

    func testFourFieldTSV() throws {
        let root = try makeTemporaryFolder(self)
        let path = try writeFile(root, "data.tsv", "user_id\titem_id\tcate_id\ttimestamp\n1\t122\t[5, 15]\t838985046\n139\t122\t[5, 15]\t974302621\n2\t7\t3\t5\n")
        let raw = try FourFieldTSVReader.read(path: path)
        XCTAssertEqual(raw.interactions.map(\.user), [1, 139, 2])
        XCTAssertEqual(raw.itemCategories[122], [5, 15])
        XCTAssertEqual(raw.itemCategories[7], [3])
        XCTAssertEqual(try InputReader.detect(path), .tsv)
    }

    func testFourFieldTSVErrors() throws {
        let root = try makeTemporaryFolder(self)
        let path = root + "/data.tsv"
        let header = "user_id\titem_id\tcate_id\ttimestamp\n"
        let cases: [(String, DataPipelineError.Kind, [String])] = [
            ("user_id\titem_id\ttimestamp\n1\t2\t3\n", .missingColumn, [":1:", "cate_id"]),
            (header + "1\t2\t[1]\t3\n1\t2\n", .malformedLine, [":3:", "4 tab-separated columns"]),
            (header + "1\tx\t[1]\t3\n", .nonNumericField, [":2:", "item_id"]),
            (header + "1\t2\t[1, a]\t3\n", .malformedLine, [":2:", "cate_id", "[5, 15]"]),
            (header + "1\t2\t[1]\t3\n4\t2\t[2]\t5\n", .inconsistentData, [":3:", "item 2", "line 2"]),
            (header, .emptyInput, []),
            ("", .emptyInput, []),
        ]
        for (text, kind, mentions) in cases {
            try writeFile(root, "data.tsv", text)
            assertPipelineError(kind, mentions: [path] + mentions.map { $0.hasPrefix(":") ? path + $0 : $0 }) {
                try FourFieldTSVReader.read(path: path)
            }
        }
    }

    func testReferenceSplitTSVWithSharedHistories() throws {
        let root = try makeTemporaryFolder(self)
        let path = try writeFile(root, "train.tsv", """
        \tuser_id\titem_id\tcate_id\titem_seq\titem_seq_len\tneg_items
        0\t2\t36\t[19]\t[32, 33, 34, 35]\t4\t[1, 2, 3]
        1\t2\t37\t[19]\t[32, 33, 34, 35, 36]\t5\t[4, 5, 6]
        2\t2\t37\t[4]\t[32, 33, 34, 35, 36]\t5\t[7, 8, 9]
        3\t3\t5\t[1]\t[]\t0\t[10, 11, 12]

        """)
        let split = try ReferenceSplitReader.read(path: path)
        XCTAssertEqual(split.rowCount, 4)
        XCTAssertEqual(split.userIds, [2, 2, 2, 3])
        XCTAssertEqual(split.cateIds, [19, 19, 4, 1])
        XCTAssertEqual(split.negativesPerRow, 3)
        XCTAssertEqual(Array(split.history(ofRow: 0)), [32, 33, 34, 35])
        XCTAssertEqual(Array(split.history(ofRow: 2)), [32, 33, 34, 35, 36])
        XCTAssertEqual(Array(split.history(ofRow: 3)), [])
        XCTAssertEqual(split.historyItems.count, 5, "the three rows of user 2 share one stored history")
        XCTAssertEqual(Array(split.negatives(ofRow: 3)), [10, 11, 12])
    }

    func testReferenceSplitTSVErrors() throws {
        let root = try makeTemporaryFolder(self)
        let path = root + "/valid.tsv"
        let header = "user_id\titem_id\tcate_id\titem_seq\titem_seq_len\tneg_items\n"
        let cases: [(String, DataPipelineError.Kind, [String])] = [
            (header + "1\t2\t[3]\t[4, 5]\t3\t[6]\n", .inconsistentData, [":2:", "item_seq_len = 3"]),
            (header + "1\t2\t[3]\t[4]\t1\t[6, 7]\n1\t2\t[3]\t[4]\t1\t[6]\n", .inconsistentData, [":3:", "2 negatives"]),
            (header + "1\t2\t[3]\t[4]\tone\t[6]\n", .nonNumericField, [":2:", "item_seq_len"]),
            (header + "1\t2\t[3]\t[4\t1\t[6]\n", .malformedLine, [":2:", "item_seq"]),
            ("user_id\titem_id\tcate_id\titem_seq\tneg_items\n", .missingColumn, [":1:", "item_seq_len"]),
        ]
        for (text, kind, mentions) in cases {
            try writeFile(root, "valid.tsv", text)
            assertPipelineError(kind, mentions: mentions.map { $0.hasPrefix(":") ? path + $0 : $0 }) {
                try ReferenceSplitReader.read(path: path)
            }
        }
    }
}
