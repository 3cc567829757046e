import XCTest
@testable import DataPipeline

final class ZipArchiveTests: XCTestCase {
    private func sampleArchive() -> ZipBuilder {
        var builder = ZipBuilder()
        builder.add("ml-10M100K/", "", deflate: false)
        builder.add("ml-10M100K/movies.dat", "1::Toy Story (1995)::Adventure|Animation\n", deflate: false)
        builder.add("ml-10M100K/ratings.dat", String(repeating: "1::1::5::838985046\n", count: 500), deflate: true)
        return builder
    }

    func testReadsStoredAndDeflatedEntries() throws {
        let builder = sampleArchive()
        let archive = try ZipArchive(bytes: builder.build(), path: "test.zip")
        XCTAssertEqual(archive.entries.map(\.name), ["ml-10M100K/", "ml-10M100K/movies.dat", "ml-10M100K/ratings.dat"])
        let ratings = try XCTUnwrap(archive.entry(named: "ml-10M100K/ratings.dat"))
        XCTAssertEqual(ratings.method, 8)
        XCTAssertLessThan(ratings.compressedSize, ratings.uncompressedSize, "a repetitive text must compress")
        XCTAssertEqual(try archive.contents(of: ratings), builder.entries[2].data)
        let movies = try XCTUnwrap(archive.entry(named: "ml-10M100K/movies.dat"))
        XCTAssertEqual(movies.method, 0)
        XCTAssertEqual(try archive.contents(of: movies), builder.entries[1].data)
        XCTAssertEqual(try archive.contents(of: archive.entries[0]), [])
    }

    func testCRCMismatchNamesTheEntry() throws {
        let archive = try ZipArchive(bytes: sampleArchive().build(corruptCRCOf: "ml-10M100K/ratings.dat"), path: "bad.zip")
        assertPipelineError(.checksumMismatch, mentions: ["bad.zip", "ml-10M100K/ratings.dat", "CRC-32"]) {
            try archive.contents(of: archive.entry(named: "ml-10M100K/ratings.dat")!)
        }
        XCTAssertNoThrow(try archive.contents(of: archive.entry(named: "ml-10M100K/movies.dat")!))
    }

    func testTruncatedArchiveIsRejected() throws {
        let bytes = sampleArchive().build()
        // A download cut short loses the end record: no central directory can be found.
        for kept in [bytes.count - 10, bytes.count / 2, 30] {
            assertPipelineError(.corruptArchive, mentions: ["cut.zip", "end-of-central-directory", "truncated"]) {
                try ZipArchive(bytes: Array(bytes.prefix(kept)), path: "cut.zip")
            }
        }
    }

    func testDamagedDeflateStreamIsRejected() throws {
        var bytes = sampleArchive().build()
        let archive = try ZipArchive(bytes: bytes, path: "x.zip")
        let ratings = archive.entry(named: "ml-10M100K/ratings.dat")!
        let dataStart = ratings.localHeaderOffset + 30 + ratings.name.utf8.count
        for index in dataStart + 2 ..< dataStart + 6 { bytes[index] ^= 0xFF }
        let damaged = try ZipArchive(bytes: bytes, path: "damaged.zip")
        XCTAssertThrowsError(try damaged.contents(of: damaged.entry(named: "ml-10M100K/ratings.dat")!)) { error in
            let error = error as! DataPipelineError
            XCTAssertTrue([.corruptArchive, .checksumMismatch].contains(error.kind), "\(error)")
            XCTAssertTrue(error.description.contains("damaged.zip"), "\(error)")
            XCTAssertTrue(error.description.contains("ml-10M100K/ratings.dat"), "\(error)")
        }
    }

    func testEntryDataBeyondEndOfFileIsTruncation() throws {
        var builder = ZipBuilder()
        builder.add("a.dat", String(repeating: "x", count: 100), deflate: false)
        var bytes = builder.build()
        // Claim a compressed size far larger than the file (central record offset 20 from its start).
        let archive = try ZipArchive(bytes: bytes, path: "a.zip")
        XCTAssertEqual(archive.entries.count, 1)
        let centralStart = bytes.count - 22 - (46 + 5)
        bytes[centralStart + 20] = 0xFF; bytes[centralStart + 21] = 0xFF
        bytes[centralStart + 24] = 0xFF; bytes[centralStart + 25] = 0xFF
        let lying = try ZipArchive(bytes: bytes, path: "a.zip")
        assertPipelineError(.corruptArchive, mentions: ["a.zip", "a.dat", "truncated"]) {
            try lying.contents(of: lying.entries[0])
        }
    }

    func testNotAZipFile() {
        assertPipelineError(.corruptArchive, mentions: ["plain.txt", "not a zip archive"]) {
            try ZipArchive(bytes: Array(String(repeating: "hello world\n", count: 10).utf8), path: "plain.txt")
        }
        assertPipelineError(.corruptArchive, mentions: ["tiny.zip"]) { try ZipArchive(bytes: [1, 2, 3], path: "tiny.zip") }
    }

    func testUnreadableFile() {
        assertPipelineError(.unreadableFile, mentions: ["/nonexistent/ml-10m.zip"]) {
            try ZipArchive(contentsOf: "/nonexistent/ml-10m.zip")
        }
    }
}
