/// Reads a split TSV written by the reference pipeline (or by `ReferenceTSVWriter`):
///
///     user_id	item_id	cate_id	item_seq	item_seq_len	neg_items
///     2	36	[19]	[32, 33, 34, 35]	4	[13816, 30633, …]
///
/// Columns are found by header name, so an extra leading index column (as pandas writes) is
/// ignored. `cate_id` may be a list (its first entry is the row's category) or a bare integer.
/// `item_seq` must have `item_seq_len` entries, and every row the same number of negatives.
/// Consecutive rows of one user whose histories extend each other share history storage.
enum ReferenceSplitReader {
    static func read(path: String) throws -> Split {
        try read(.file(path))
    }

    static func read(_ source: TextSource) throws -> Split {
        var split = Split(negativesPerRow: 0)
        try source.withLines { lines in
            guard let headerLine = lines.nextLine() else {
                throw source.error(.emptyInput, "expected the header 'user_id\titem_id\tcate_id\titem_seq\titem_seq_len\tneg_items'")
            }
            var row = try RowReader(header: TabularHeader(headerLine), source: source)
            while let line = lines.nextLine() {
                if line.isEmpty { continue }
                try row.append(line, number: lines.lineNumber, to: &split)
            }
        }
        if split.rowCount == 0 { split.negativesPerRow = 19 }
        return split
    }

    /// Parses the data rows of one file into a `Split`, given the header's column positions.
    private struct RowReader {
        let source: TextSource
        let header: TabularHeader
        let userColumn: Int, itemColumn: Int, cateColumn: Int
        let seqColumn: Int, lengthColumn: Int, negativesColumn: Int
        /// Fields a row must have to reach every needed column.
        let needed: Int
        var fields: [ByteSpan] = []
        var list: [Int] = []
        /// The stored region of the current user's history, for sharing.
        var sharedUser = -1, sharedStart = 0, sharedLength = 0

        /// Finds the six columns by name in `header`.
        init(header: TabularHeader, source: TextSource) throws {
            self.source = source
            self.header = header
            userColumn = try header.column("user_id", in: source)
            itemColumn = try header.column("item_id", in: source)
            cateColumn = try header.column("cate_id", in: source)
            seqColumn = try header.column("item_seq", in: source)
            lengthColumn = try header.column("item_seq_len", in: source)
            negativesColumn = try header.column("neg_items", in: source)
            needed = [userColumn, itemColumn, cateColumn, seqColumn, lengthColumn, negativesColumn].max()! + 1
        }

        /// Appends the row on `line` (its target, history and negatives) to `split`.
        mutating func append(_ line: ByteSpan, number: Int, to split: inout Split) throws {
            line.split(separator: 0x09, into: &fields)
            guard fields.count >= needed else {
                throw source.error(.malformedLine, line: number,
                                   "expected \(header.names.count) tab-separated columns (\(header.names.joined(separator: ", "))), found \(fields.count)")
            }
            let user = try integer(userColumn, "user_id", number)
            let item = try integer(itemColumn, "item_id", number)
            let length = try integer(lengthColumn, "item_seq_len", number)
            try appendTarget(user: user, item: item, number: number, to: &split)
            try ids(seqColumn, "item_seq", number)
            guard list.count == length else {
                throw source.error(.inconsistentData, line: number, "expected item_seq to hold item_seq_len = \(length) items, found \(list.count)")
            }
            appendHistory(user: user, length: length, to: &split)
            try appendNegatives(number: number, to: &split)
        }

        /// Appends the row's user, item and category (the first `cate_id` entry), checking their ranges.
        private mutating func appendTarget(user: Int, item: Int, number: Int, to split: inout Split) throws {
            try ids(cateColumn, "cate_id", number)
            guard let category = list.first else {
                throw source.error(.malformedLine, line: number, "expected at least one category in cate_id, found \"\(fields[cateColumn].text())\"")
            }
            for (name, value) in [("user_id", user), ("item_id", item)] where value < 0 || value > Int(Int32.max) {
                throw source.error(.inconsistentData, line: number, "expected a non-negative 32-bit \(name), found \(value)")
            }
            split.userIds.append(Int32(user))
            split.itemIds.append(Int32(item))
            split.cateIds.append(Int32(category))
        }

        /// Appends the history in `list`, sharing storage with the previous row of the same user
        /// when one history extends the other.
        private mutating func appendHistory(user: Int, length: Int, to split: inout Split) {
            if user == sharedUser, ReferenceSplitReader.extendsShared(split.historyItems, start: sharedStart, length: sharedLength, list) {
                if length > sharedLength {
                    split.historyItems.append(contentsOf: list[sharedLength...].lazy.map { Int32($0) })
                    sharedLength = length
                }
            } else {
                sharedUser = user
                sharedStart = split.historyItems.count
                sharedLength = length
                split.historyItems.append(contentsOf: list.lazy.map { Int32($0) })
            }
            split.historyStarts.append(sharedStart)
            split.historyLengths.append(Int32(length))
        }

        /// Appends the row's negatives; the first row fixes how many every row must have.
        private mutating func appendNegatives(number: Int, to split: inout Split) throws {
            try ids(negativesColumn, "neg_items", number)
            if split.rowCount == 1 {
                guard !list.isEmpty else { throw source.error(.malformedLine, line: number, "expected at least one negative in neg_items") }
                split.negativesPerRow = list.count
            }
            guard list.count == split.negativesPerRow else {
                throw source.error(.inconsistentData, line: number, "expected \(split.negativesPerRow) negatives as on the first row, found \(list.count)")
            }
            split.negatives.append(contentsOf: list.lazy.map { Int32($0) })
        }

        /// The integer in field `column`, or a `nonNumericField` error naming `name`.
        private func integer(_ column: Int, _ name: String, _ number: Int) throws -> Int {
            guard let value = fields[column].parseInt() else {
                throw source.error(.nonNumericField, line: number, "expected a numeric \(name), found \"\(fields[column].text())\"")
            }
            return value
        }

        /// Parses the id list in field `column` into `list`, checking each is a non-negative 32-bit id.
        private mutating func ids(_ column: Int, _ name: String, _ number: Int) throws {
            guard fields[column].parseIntList(into: &list) else {
                throw source.error(.malformedLine, line: number, "expected \(name) as a list of integers like [1, 2], found \"\(fields[column].text())\"")
            }
            if let bad = list.first(where: { $0 < 0 || $0 > Int(Int32.max) }) {
                throw source.error(.inconsistentData, line: number, "expected non-negative 32-bit ids in \(name), found \(bad)")
            }
        }
    }

    /// Whether `list` agrees with the stored region wherever both have items and the region is
    /// the end of storage (so it can grow in place).
    private static func extendsShared(_ storage: [Int32], start: Int, length: Int, _ list: [Int]) -> Bool {
        guard start + length == storage.count else { return false }
        for index in 0..<min(length, list.count) where Int(storage[start + index]) != list[index] { return false }
        return true
    }
}
