import Foundation
import XCTest
@testable import DataPipeline

final class MovieLensReaderTests: XCTestCase {
    static let movies = """
    1::Toy Story (1995)::Adventure|Animation|Children
    2::Jumanji (1995)::Adventure|Children|Fantasy
    3::Obscure (2010)::(no genres listed)
    4::Heat (1995)::Action|Crime|Thriller

    """
    static let ratings = """
    1::1::5::838985046
    1::2::3.5::838983525
    2::3::4::838983392
    2::4::1::838984941

    """

    func testReadsExtractedFolderAndItsParent() throws {
        let root = try makeTemporaryFolder(self)
        try writeFile(root, "ml-10M100K/movies.dat", Self.movies)
        try writeFile(root, "ml-10M100K/ratings.dat", Self.ratings)
        for path in [root + "/ml-10M100K", root] {
            let raw = try MovieLensReader.read(path: path)
            XCTAssertEqual(raw.interactions, [.init(user: 1, item: 1, timestamp: 838_985_046), .init(user: 1, item: 2, timestamp: 838_983_525),
                                              .init(user: 2, item: 3, timestamp: 838_983_392), .init(user: 2, item: 4, timestamp: 838_984_941)])
            // Genres sorted alphabetically: Action 1, Adventure 2, Animation 3, Children 4, Crime 5, Fantasy 6, Thriller 7.
            XCTAssertEqual(raw.itemCategories[1], [2, 3, 4])
            XCTAssertEqual(raw.itemCategories[2], [2, 4, 6])
            XCTAssertEqual(raw.itemCategories[4], [1, 5, 7])
            XCTAssertNil(raw.itemCategories[3], "(no genres listed) movies are dropped")
            XCTAssertEqual(raw.categoryNames[1], "Action")
            XCTAssertEqual(raw.categoryNames.count, 7)
        }
    }

    func testReadsGroupLensZipDirectly() throws {
        let root = try makeTemporaryFolder(self)
        var builder = ZipBuilder()
        builder.add("ml-10M100K/", "", deflate: false)
        builder.add("ml-10M100K/movies.dat", Self.movies, deflate: true)
        builder.add("ml-10M100K/ratings.dat", Self.ratings, deflate: true)
        builder.add("ml-10M100K/README.html", "<html/>", deflate: false)
        let zip = root + "/ml-10m.zip"
        try Data(builder.build()).write(to: URL(fileURLWithPath: zip))
        let raw = try MovieLensReader.read(path: zip)
        XCTAssertEqual(raw.interactions.count, 4)
        XCTAssertEqual(raw.itemCategories[1], [2, 3, 4])
        XCTAssertEqual(try InputReader.detect(zip), .ml10m)
        // A folder holding only the zip works too.
        XCTAssertEqual(try MovieLensReader.read(path: root).interactions.count, 4)
    }

    func testDroppedMoviesLoseTheirRatingsInProcessing() throws {
        let root = try makeTemporaryFolder(self)
        try writeFile(root, "movies.dat", Self.movies)
        try writeFile(root, "ratings.dat", Self.ratings)
        let raw = try MovieLensReader.read(path: root)
        let processed = try Preprocessing.run(raw, options: .init(minItemsPerCategory: 0, minUserInteractions: 0))
        XCTAssertEqual(processed.counts.droppedWithoutCategory, 1)
        XCTAssertEqual(processed.interactionCount, 3)
        XCTAssertEqual(processed.itemCount, 3)
    }

    func testMalformedRatingLinesNameFileAndLine() throws {
        let root = try makeTemporaryFolder(self)
        try writeFile(root, "movies.dat", Self.movies)
        let cases: [(String, DataPipelineError.Kind, String)] = [
            ("1::1::5::838985046\n1::2::3\n", .malformedLine, "4 fields"),
            ("1::1::5::838985046\nx::2::3::838985046\n", .nonNumericField, "UserID"),
            ("1::1::5::838985046\n1::two::3::838985046\n", .nonNumericField, "MovieID"),
            ("1::1::5::838985046\n1::2::good::838985046\n", .nonNumericField, "Rating"),
            ("1::1::5::838985046\n1::2::3::yesterday\n", .nonNumericField, "Timestamp"),
        ]
        for (ratings, kind, expected) in cases {
            let path = try writeFile(root, "ratings.dat", ratings)
            assertPipelineError(kind, mentions: [path + ":2:", expected]) { try MovieLensReader.read(path: root) }
        }
    }

    func testMalformedMoviesAndEmptyRatings() throws {
        let root = try makeTemporaryFolder(self)
        try writeFile(root, "ratings.dat", Self.ratings)
        let movies = try writeFile(root, "movies.dat", "1::Toy Story (1995)::Animation\n2::Broken\n")
        assertPipelineError(.malformedLine, mentions: [movies + ":2:", "MovieID::Title::Genres"]) { try MovieLensReader.read(path: root) }
        try writeFile(root, "movies.dat", "one::Toy Story (1995)::Animation\n")
        assertPipelineError(.nonNumericField, mentions: [movies + ":1:", "MovieID"]) { try MovieLensReader.read(path: root) }
        try writeFile(root, "movies.dat", Self.movies)
        let ratings = try writeFile(root, "ratings.dat", "")
        assertPipelineError(.emptyInput, mentions: [ratings]) { try MovieLensReader.read(path: root) }
    }

    func testMissingFilesAndCorruptZip() throws {
        let root = try makeTemporaryFolder(self)
        assertPipelineError(.unreadableFile, mentions: [root, "ratings.dat"]) { try MovieLensReader.read(path: root) }
        var builder = ZipBuilder()
        builder.add("ml-1m/movies.dat", Self.movies, deflate: true)
        builder.add("ml-1m/ratings.dat", Self.ratings, deflate: true)
        let zip = root + "/ml-1m.zip"
        try Data(builder.build(corruptCRCOf: "ml-1m/ratings.dat")).write(to: URL(fileURLWithPath: zip))
        assertPipelineError(.checksumMismatch, mentions: [zip, "ml-1m/ratings.dat"]) { try MovieLensReader.read(path: zip) }
        let bytes = builder.build()
        try Data(bytes.prefix(bytes.count / 2)).write(to: URL(fileURLWithPath: zip))
        assertPipelineError(.corruptArchive, mentions: [zip, "truncated"]) { try MovieLensReader.read(path: zip) }
    }
}
