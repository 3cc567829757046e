import Foundation

/// Reads RecBole atomic files (DataPipeline README § Inputs): `NAME.inter` with a header such as
/// `user_id:token  item_id:token  rating:float  timestamp:float` and `NAME.item` whose genre
/// column (`class:token_seq`, or `genre:token_seq`) lists space-separated genre tokens.
///
/// Columns are found by name, in any order; other columns are ignored. Genre tokens are sorted
/// alphabetically and numbered from 1, exactly like MovieLens genres. The input path is the
/// folder holding the two files or the `.inter` file itself (the `.item` file must sit beside it).
enum RecBoleReader {
    static func read(path: String) throws -> RawDataset {
        let (interPath, itemPath) = try locateFiles(path)
        let (itemCategories, names) = try readItems(try .file(itemPath))
        let interactions = try readInteractions(try .file(interPath))
        return RawDataset(interactions: interactions, itemCategories: itemCategories,
                          categoryNames: names, source: path)
    }

    /// Whether `path` is a `.inter` file or a folder holding one.
    static func recognises(_ path: String) -> Bool { (try? locateFiles(path)) != nil }

    private static func locateFiles(_ path: String) throws -> (inter: String, item: String) {
        var interPath = path
        if FileBytes.isDirectory(path) {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: path).sorted()) ?? []
            guard let inter = names.first(where: { $0.hasSuffix(".inter") }) else {
                throw DataPipelineError(.unreadableFile, file: path, "expected a RecBole NAME.inter file in this folder")
            }
            interPath = URL(fileURLWithPath: path).appendingPathComponent(inter).path
        }
        guard interPath.hasSuffix(".inter"), FileBytes.isFile(interPath) else {
            throw DataPipelineError(.unreadableFile, file: path, "expected a RecBole .inter file or a folder holding one")
        }
        let itemPath = String(interPath.dropLast(".inter".count)) + ".item"
        guard FileBytes.isFile(itemPath) else {
            throw DataPipelineError(.unreadableFile, file: itemPath, "expected the item file with genres beside \(interPath)")
        }
        return (interPath, itemPath)
    }

    static func readItems(_ source: TextSource) throws -> ([Int: [Int]], [Int: String]) {
        var vocabulary = GenreVocabulary()
        var provisional: [(item: Int, genres: [Int])] = []
        try source.withLines { lines in
            guard let headerLine = lines.nextLine() else { throw source.error(.emptyInput, "expected a header line") }
            let header = TabularHeader(headerLine)
            let itemColumn = try header.column("item_id", in: source)
            let genreColumn = try header.column("class", in: source, alternatives: ["genre"])
            let needed = max(itemColumn, genreColumn) + 1
            var fields: [ByteSpan] = []
            var tokens: [ByteSpan] = []
            while let line = lines.nextLine() {
                if line.trimmed().isEmpty { continue }
                line.split(separator: 0x09, into: &fields)
                guard fields.count >= needed else {
                    throw source.error(.malformedLine, line: lines.lineNumber,
                                       "expected \(header.names.count) tab-separated columns (\(header.names.joined(separator: ", "))), found \(fields.count)")
                }
                guard let item = fields[itemColumn].parseInt() else {
                    throw source.error(.nonNumericField, line: lines.lineNumber, "expected a numeric item_id, found \"\(fields[itemColumn].text())\"")
                }
                fields[genreColumn].splitOnBlanks(into: &tokens)
                if tokens.isEmpty { continue }  // no genre: the item has no category (inner join drops it)
                provisional.append((item, tokens.map { vocabulary.provisionalId($0.text(limit: 200)) }))
            }
        }
        let (finalIds, names) = vocabulary.finalIds()
        var categories: [Int: [Int]] = [:]
        for (item, genres) in provisional { categories[item] = genres.map { finalIds[$0] } }
        return (categories, names)
    }

    static func readInteractions(_ source: TextSource) throws -> [RawDataset.Interaction] {
        var interactions: [RawDataset.Interaction] = []
        interactions.reserveCapacity(source.bytes.count / 24)
        try source.withLines { lines in
            guard let headerLine = lines.nextLine() else { throw source.error(.emptyInput, "expected a header line") }
            let header = TabularHeader(headerLine)
            let userColumn = try header.column("user_id", in: source)
            let itemColumn = try header.column("item_id", in: source)
            let timeColumn = try header.column("timestamp", in: source)
            let needed = max(userColumn, itemColumn, timeColumn) + 1
            var fields: [ByteSpan] = []
            while let line = lines.nextLine() {
                if line.isEmpty { continue }
                line.split(separator: 0x09, into: &fields)
                guard fields.count >= needed else {
                    throw source.error(.malformedLine, line: lines.lineNumber,
                                       "expected \(header.names.count) tab-separated columns (\(header.names.joined(separator: ", "))), found \(fields.count)")
                }
                guard let user = fields[userColumn].parseInt() else {
                    throw source.error(.nonNumericField, line: lines.lineNumber, "expected a numeric user_id, found \"\(fields[userColumn].text())\"")
                }
                guard let item = fields[itemColumn].parseInt() else {
                    throw source.error(.nonNumericField, line: lines.lineNumber, "expected a numeric item_id, found \"\(fields[itemColumn].text())\"")
                }
                guard let time = fields[timeColumn].parseTimestamp() else {
                    throw source.error(.nonNumericField, line: lines.lineNumber, "expected an integer timestamp, found \"\(fields[timeColumn].text())\"")
                }
                interactions.append(.init(user: user, item: item, timestamp: time))
            }
        }
        guard !interactions.isEmpty else { throw source.error(.emptyInput, "expected at least one interaction after the header") }
        return interactions
    }
}
