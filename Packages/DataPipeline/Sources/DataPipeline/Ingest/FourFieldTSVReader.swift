/// Reads the generic 4-field TSV, the format the reference's README describes (DataPipeline README
/// § Inputs):
///
///     user_id	item_id	cate_id	timestamp
///     1	122	[5, 15]	838985046
///
/// Columns are tab-separated and found by header name (any order; a `:type` suffix is ignored).
/// `cate_id` is a bracketed integer list; a bare integer is read as a one-element list. Every
/// row of an item must carry the same list — a different list is an `inconsistentData` error
/// naming both lines — because categories belong to items, not to single interactions.
enum FourFieldTSVReader {
    static func read(path: String) throws -> RawDataset {
        try read(.file(path), source: path)
    }

    static func read(_ text: TextSource, source: String) throws -> RawDataset {
        var interactions: [RawDataset.Interaction] = []
        interactions.reserveCapacity(text.bytes.count / 28)
        var categories: [Int: [Int]] = [:]
        var firstLine: [Int: Int] = [:]
        try text.withLines { lines in
            guard let headerLine = lines.nextLine() else { throw text.error(.emptyInput, "expected the header 'user_id\titem_id\tcate_id\ttimestamp'") }
            let header = TabularHeader(headerLine)
            let userColumn = try header.column("user_id", in: text)
            let itemColumn = try header.column("item_id", in: text)
            let cateColumn = try header.column("cate_id", in: text)
            let timeColumn = try header.column("timestamp", in: text)
            let needed = max(userColumn, itemColumn, cateColumn, timeColumn) + 1
            var fields: [ByteSpan] = []
            var list: [Int] = []
            while let line = lines.nextLine() {
                if line.isEmpty { continue }
                line.split(separator: 0x09, into: &fields)
                guard fields.count >= needed else {
                    throw text.error(.malformedLine, line: lines.lineNumber,
                                     "expected \(header.names.count) tab-separated columns (\(header.names.joined(separator: ", "))), found \(fields.count)")
                }
                guard let user = fields[userColumn].parseInt() else {
                    throw text.error(.nonNumericField, line: lines.lineNumber, "expected a numeric user_id, found \"\(fields[userColumn].text())\"")
                }
                guard let item = fields[itemColumn].parseInt() else {
                    throw text.error(.nonNumericField, line: lines.lineNumber, "expected a numeric item_id, found \"\(fields[itemColumn].text())\"")
                }
                guard fields[cateColumn].parseIntList(into: &list) else {
                    throw text.error(.malformedLine, line: lines.lineNumber, "expected cate_id as a list of integers like [5, 15], found \"\(fields[cateColumn].text())\"")
                }
                guard let time = fields[timeColumn].parseTimestamp() else {
                    throw text.error(.nonNumericField, line: lines.lineNumber, "expected an integer timestamp, found \"\(fields[timeColumn].text())\"")
                }
                if let known = categories[item] {
                    guard known == list else {
                        throw text.error(.inconsistentData, line: lines.lineNumber,
                                         "item \(item) has cate_id \(list) here but \(known) on line \(firstLine[item]!); expected one category list per item")
                    }
                } else {
                    categories[item] = list
                    firstLine[item] = lines.lineNumber
                }
                interactions.append(.init(user: user, item: item, timestamp: time))
            }
        }
        guard !interactions.isEmpty else { throw text.error(.emptyInput, "expected at least one interaction after the header") }
        return RawDataset(interactions: interactions, itemCategories: categories, source: source)
    }
}
