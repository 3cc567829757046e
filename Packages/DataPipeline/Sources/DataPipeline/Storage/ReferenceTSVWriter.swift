/// Text outputs in the reference's formats (tab-separated, lists written like Python lists
/// `[1, 2, 3]`, header line first), so that the reference tooling can read them too.
enum ReferenceTSVWriter {
    static let splitHeader = "user_id\titem_id\tcate_id\titem_seq\titem_seq_len\tneg_items\n"

    /// A split as `train.tsv`/`valid.tsv`/`test.tsv`: one row per line with `cate_id` as a
    /// one-element list and the full `item_seq`.
    ///
    /// Rows that share stored history (all rows of a user) reuse the history's text: it is
    /// formatted once per stored region and each row copies the prefix it needs.
    static func writeSplit(_ split: Split, to writer: FileWriter, progress: ProgressBar? = nil) throws {
        try writer.write(splitHeader)
        let n = split.negativesPerRow
        var history = HistoryText()
        try split.historyItems.withUnsafeBufferPointer { items in
            try split.negatives.withUnsafeBufferPointer { negatives in
                for row in 0..<split.rowCount {
                    let length = Int(split.historyLengths[row])
                    try writer.reserve(64)
                    writer.appendInt(Int(split.userIds[row])); writer.appendByte(0x09)
                    writer.appendInt(Int(split.itemIds[row])); writer.appendByte(0x09)
                    writer.appendByte(0x5B); writer.appendInt(Int(split.cateIds[row])); writer.appendByte(0x5D)
                    writer.appendByte(0x09); writer.appendByte(0x5B)
                    try history.write(items, start: split.historyStarts[row], length: length, to: writer)
                    try writer.reserve(13 * n + 32)
                    writer.appendByte(0x5D); writer.appendByte(0x09)
                    writer.appendInt(length); writer.appendByte(0x09)
                    writer.appendList(UnsafeBufferPointer(rebasing: negatives[row * n ..< (row + 1) * n]))
                    writer.appendByte(0x0A)
                    if row & 0xFFFF == 0xFFFF { progress?.advance(by: 0x10000) }
                }
            }
        }
        progress?.advance(by: split.rowCount & 0xFFFF)
    }

    /// The text `a, b, c` of a growing prefix of one stored history region.
    private struct HistoryText {
        private var regionStart = -1
        private var text: [UInt8] = []
        /// `ends[k]` = length of the text of the first `k + 1` items.
        private var ends: [Int] = []

        /// Writes the first `length` items of the region starting at `start`, comma-separated.
        mutating func write(_ items: UnsafeBufferPointer<Int32>, start: Int, length: Int, to writer: FileWriter) throws {
            if start != regionStart {
                regionStart = start
                text.removeAll(keepingCapacity: true)
                ends.removeAll(keepingCapacity: true)
            }
            while ends.count < length {
                if !ends.isEmpty { text.append(0x2C); text.append(0x20) }
                appendDecimal(Int(items[start + ends.count]), to: &text)
                ends.append(text.count)
            }
            guard length > 0 else { return }
            try text.withUnsafeBufferPointer { try writer.write(UnsafeBufferPointer(rebasing: $0[0 ..< ends[length - 1]])) }
        }

        private func appendDecimal(_ value: Int, to bytes: inout [UInt8]) {
            if value < 0 { bytes.append(0x2D) }
            var magnitude = value.magnitude
            let first = bytes.count
            repeat {
                bytes.append(UInt8(truncatingIfNeeded: 0x30 + magnitude % 10))
                magnitude /= 10
            } while magnitude > 0
            bytes[first...].reverse()
        }
    }

    /// `user_item_cate_time.tsv`: the processed interactions with remapped ids, in (user, time) order.
    static func writeInteractions(_ data: ProcessedInteractions, to writer: FileWriter) throws {
        try writer.write("user_id\titem_id\tcate_id\ttimestamp\n")
        try data.itemCategories.withUnsafeBufferPointer { categories in
            for user in 1...data.userCount {
                for index in data.sequenceStarts[user - 1] ..< data.sequenceStarts[user] {
                    let item = Int(data.items[index])
                    let list = UnsafeBufferPointer(rebasing: categories[data.itemCategoryStarts[item] ..< data.itemCategoryStarts[item + 1]])
                    try writer.reserve(64 + 13 * list.count)
                    writer.appendInt(user); writer.appendByte(0x09)
                    writer.appendInt(item); writer.appendByte(0x09)
                    writer.appendList(list); writer.appendByte(0x09)
                    writer.appendInt(Int(data.timestamps[index])); writer.appendByte(0x0A)
                }
            }
        }
    }

    /// `user2idx.tsv` / `item2idx.tsv`: original id → remapped id, in remapped order.
    static func writeIdMap(header: String, originals: [Int], to writer: FileWriter) throws {
        try writer.write(header + "\n")
        for (index, original) in originals.enumerated() {
            try writer.reserve(48)
            writer.appendInt(original); writer.appendByte(0x09)
            writer.appendInt(index + 1); writer.appendByte(0x0A)
        }
    }

    /// `merged_cate2idx.tsv`: original category (id, and name when known) → merged id, by merged id.
    static func writeCategoryMap(_ data: ProcessedInteractions, to writer: FileWriter) throws {
        try writer.write("cate\tcate_name\tmerged_cate_id\n")
        let ordered = data.mergedCategoryIds.sorted { ($0.value, $0.key) < ($1.value, $1.key) }
        for (original, merged) in ordered {
            try writer.write("\(original)\t\(data.categoryNames[original] ?? "")\t\(merged)\n")
        }
    }

    /// `item2cate.tsv`: remapped item id → merged category list (duplicates kept).
    static func writeItemCategories(_ data: ProcessedInteractions, to writer: FileWriter) throws {
        try writer.write("item_id\tcate_id\n")
        try data.itemCategories.withUnsafeBufferPointer { categories in
            for item in 1...data.itemCount {
                let list = UnsafeBufferPointer(rebasing: categories[data.itemCategoryStarts[item] ..< data.itemCategoryStarts[item + 1]])
                try writer.reserve(24 + 13 * list.count)
                writer.appendInt(item); writer.appendByte(0x09)
                writer.appendList(list); writer.appendByte(0x0A)
            }
        }
    }
}
