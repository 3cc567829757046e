import Foundation
import RankingServer
import TestSupport
import XCTest

/// Raw ids are read from the prepared folder's tables; a folder without tables uses its ids as
/// they are; a damaged table is refused naming its file and line.
final class IdTablesTests: XCTestCase {
    private func folder(_ files: [String: String]) throws -> String {
        let url = try makeTemporaryDirectory(self, prefix: "adaranker-idtables")
        for (name, text) in files { try text.write(to: url.appendingPathComponent(name), atomically: false, encoding: .utf8) }
        return url.path
    }

    func testTablesMapRawIdsAndRefuseOthers() throws {
        let path = try folder(["item2idx.tsv": "item_id\titem_idx\n778\t1\n328\t2\n", "user2idx.tsv": "user_id\tuser_idx\n9\t1\n"])
        let tables = try IdTables(folder: path, itemNum: 3, userNum: 2)
        XCTAssertTrue(tables.hasTables)
        XCTAssertEqual(tables.internalId(778, .item), 1)
        XCTAssertEqual(tables.internalId(328, .item), 2)
        XCTAssertNil(tables.internalId(1, .item))
        XCTAssertEqual(tables.internalId(9, .user), 1)
        XCTAssertNil(tables.internalId(1, .user))
    }

    func testAFolderWithoutTablesUsesItsIdsWithinTheTableSize() throws {
        let tables = try IdTables(folder: try folder([:]), itemNum: 5, userNum: 3)
        XCTAssertFalse(tables.hasTables)
        XCTAssertEqual(tables.internalId(4, .item), 4)
        XCTAssertNil(tables.internalId(5, .item))
        XCTAssertNil(tables.internalId(0, .item), "0 is the padding row")
        XCTAssertEqual(tables.internalId(2, .user), 2)
    }

    func testDamagedTablesAreRefusedNamingFileAndLine() throws {
        let bad = try folder(["item2idx.tsv": "item_id\titem_idx\n778\t1\n328\tx\n"])
        XCTAssertThrowsError(try IdTables(folder: bad, itemNum: 3, userNum: 2)) { error in
            XCTAssertTrue("\(error)".contains("item2idx.tsv:3: expected 'original<TAB>internal'"), "\(error)")
        }
        let outside = try folder(["item2idx.tsv": "item_id\titem_idx\n778\t7\n"])
        XCTAssertThrowsError(try IdTables(folder: outside, itemNum: 3, userNum: 2)) { error in
            XCTAssertTrue("\(error)".contains("internal id in 1..<3"), "\(error)")
        }
        let twice = try folder(["item2idx.tsv": "item_id\titem_idx\n778\t1\n778\t2\n"])
        XCTAssertThrowsError(try IdTables(folder: twice, itemNum: 3, userNum: 2)) { error in
            XCTAssertTrue("\(error)".contains("original id 778 is listed twice"), "\(error)")
        }
    }
}
