import Foundation

/// Reads the GroupLens ML-10M / ML-1M raw files (DataPipeline README § Inputs):
/// `ratings.dat` with `UserID::MovieID::Rating::Timestamp` and
/// `movies.dat` with `MovieID::Title::Genres`, genres joined by `|`.
///
/// The input is the extracted folder (or its parent, e.g. one holding `ml-10M100K/`), or the
/// GroupLens zip itself (`ml-10m.zip` → `ml-10M100K/ratings.dat`, `ml-1m.zip` → `ml-1m/…`),
/// inflated in memory. Movies whose genres are `(no genres listed)` are dropped, which drops
/// their ratings in processing (inner join). Every rating is an interaction; the rating value is
/// validated but not used.
enum MovieLensReader {
    /// Reads ratings and movies from a folder or a zip archive at `path`.
    static func read(path: String) throws -> RawDataset {
        let (ratings, movies) = try locateFiles(path)
        let (itemCategories, names) = try readMovies(movies)
        let interactions = try readRatings(ratings)
        return RawDataset(interactions: interactions, itemCategories: itemCategories,
                          categoryNames: names, source: path)
    }

    /// Whether `path` looks like MovieLens `.dat` input (a folder or zip holding `ratings.dat`).
    static func recognises(_ path: String) -> Bool { (try? locateFiles(path, load: false)) != nil }

    // MARK: - Locating the files

    private static func locateFiles(_ path: String, load: Bool = true) throws -> (ratings: TextSource, movies: TextSource) {
        if FileBytes.isFile(path) {
            return try filesInZip(path, load: load)
        }
        guard FileBytes.isDirectory(path) else {
            throw DataPipelineError(.unreadableFile, file: path, "expected a MovieLens folder or zip archive")
        }
        func source(_ file: String) throws -> TextSource { load ? try .file(file) : TextSource(name: file, bytes: []) }
        let folder = URL(fileURLWithPath: path)
        var candidates = [folder]
        let children = (try? FileManager.default.contentsOfDirectory(atPath: path).sorted()) ?? []
        candidates += children.map { folder.appendingPathComponent($0) }.filter { FileBytes.isDirectory($0.path) }
        for candidate in candidates {
            let ratings = candidate.appendingPathComponent("ratings.dat").path
            let movies = candidate.appendingPathComponent("movies.dat").path
            if FileBytes.isFile(ratings) {
                guard FileBytes.isFile(movies) else {
                    throw DataPipelineError(.unreadableFile, file: movies, "expected movies.dat next to \(ratings)")
                }
                return (try source(ratings), try source(movies))
            }
        }
        for child in children where child.lowercased().hasSuffix(".zip") {
            let zip = folder.appendingPathComponent(child).path
            if let found = try? filesInZip(zip, load: false) {
                return load ? try filesInZip(zip, load: true) : found
            }
        }
        throw DataPipelineError(.unreadableFile, file: path, "expected ratings.dat and movies.dat in this folder, one of its subfolders, or a zip archive in it")
    }

    private static func filesInZip(_ path: String, load: Bool) throws -> (ratings: TextSource, movies: TextSource) {
        let archive = try ZipArchive(contentsOf: path)
        guard let ratings = archive.entries.first(where: { !$0.isDirectory && $0.fileName == "ratings.dat" }) else {
            throw DataPipelineError(.unreadableFile, file: path, "expected an entry named ratings.dat (e.g. ml-10M100K/ratings.dat) in the archive")
        }
        let folder = ratings.name.dropLast("ratings.dat".count)
        guard let movies = archive.entry(named: folder + "movies.dat")
                ?? archive.entries.first(where: { !$0.isDirectory && $0.fileName == "movies.dat" }) else {
            throw DataPipelineError(.unreadableFile, file: path, "expected an entry named movies.dat next to \(ratings.name)")
        }
        guard load else { return (TextSource(name: ratings.name, bytes: []), TextSource(name: movies.name, bytes: [])) }
        return (try .zipEntry(ratings, of: archive), try .zipEntry(movies, of: archive))
    }

    // MARK: - Parsing

    /// Item → genre ids (alphabetical numbering) and the id → genre name table.
    static func readMovies(_ source: TextSource) throws -> ([Int: [Int]], [Int: String]) {
        var vocabulary = GenreVocabulary()
        var provisional: [(movie: Int, genres: [Int])] = []
        try source.withLines { lines in
            var fields: [ByteSpan] = []
            var genres: [ByteSpan] = []
            while let line = lines.nextLine() {
                if line.trimmed().isEmpty { continue }
                line.splitOnDoubleColon(into: &fields)
                guard fields.count >= 3 else {
                    throw source.error(.malformedLine, line: lines.lineNumber,
                                       "expected 'MovieID::Title::Genres' (3 fields separated by '::'), found \(fields.count) field(s) in \"\(line.text())\"")
                }
                guard let movie = fields[0].parseInt() else {
                    throw source.error(.nonNumericField, line: lines.lineNumber, "expected a numeric MovieID, found \"\(fields[0].text())\"")
                }
                let genreField = fields[fields.count - 1].trimmed()
                if genreField.equals("(no genres listed)") { continue }
                genreField.split(separator: 0x7C, into: &genres)  // '|'
                var ids: [Int] = []
                for genre in genres {
                    let name = genre.trimmed()
                    guard !name.isEmpty else {
                        throw source.error(.malformedLine, line: lines.lineNumber, "expected genre names separated by '|', found \"\(genreField.text())\"")
                    }
                    ids.append(vocabulary.provisionalId(name.text(limit: 200)))
                }
                provisional.append((movie, ids))
            }
        }
        let (finalIds, names) = vocabulary.finalIds()
        var categories: [Int: [Int]] = [:]
        categories.reserveCapacity(provisional.count)
        for (movie, genres) in provisional { categories[movie] = genres.map { finalIds[$0] } }
        return (categories, names)
    }

    /// Every rating line as an interaction, in file order.
    static func readRatings(_ source: TextSource) throws -> [RawDataset.Interaction] {
        var interactions: [RawDataset.Interaction] = []
        interactions.reserveCapacity(source.bytes.count / 20)
        try source.withLines { lines in
            var fields: [ByteSpan] = []
            while let line = lines.nextLine() {
                if line.isEmpty { continue }
                line.splitOnDoubleColon(into: &fields)
                guard fields.count == 4 else {
                    throw source.error(.malformedLine, line: lines.lineNumber,
                                       "expected 'UserID::MovieID::Rating::Timestamp' (4 fields separated by '::'), found \(fields.count) field(s) in \"\(line.text())\"")
                }
                guard let user = fields[0].parseInt() else {
                    throw source.error(.nonNumericField, line: lines.lineNumber, "expected a numeric UserID, found \"\(fields[0].text())\"")
                }
                guard let item = fields[1].parseInt() else {
                    throw source.error(.nonNumericField, line: lines.lineNumber, "expected a numeric MovieID, found \"\(fields[1].text())\"")
                }
                guard fields[2].isDecimalNumber() else {
                    throw source.error(.nonNumericField, line: lines.lineNumber, "expected a numeric Rating, found \"\(fields[2].text())\"")
                }
                guard let time = fields[3].parseTimestamp() else {
                    throw source.error(.nonNumericField, line: lines.lineNumber, "expected an integer Timestamp, found \"\(fields[3].text())\"")
                }
                interactions.append(.init(user: user, item: item, timestamp: time))
            }
        }
        guard !interactions.isEmpty else { throw source.error(.emptyInput, "expected at least one rating line") }
        return interactions
    }
}
