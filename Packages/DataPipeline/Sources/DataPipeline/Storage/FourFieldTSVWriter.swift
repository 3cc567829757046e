extension RawDataset {
    /// Writes the interactions as the generic 4-field TSV of the reference README
    /// (`user_id  item_id  cate_id  timestamp`, `cate_id` like `[5, 15]`), in input order, so
    /// that `prepare --format tsv` can read them back. Items without categories get `[]`.
    /// The file appears atomically (temporary name, then rename).
    public func writeFourFieldTSV(to path: String) throws {
        let url = path.split(separator: "/", omittingEmptySubsequences: false)
        let folderPath = url.count > 1 ? url.dropLast().joined(separator: "/") : "."
        let folder = try OutputFolder(path: folderPath.isEmpty ? "/" : folderPath)
        let writer = try folder.makeWriter(String(url.last!))
        try writer.write("user_id\titem_id\tcate_id\ttimestamp\n")
        var lists: [Int: [Int32]] = [:]
        for (item, categories) in itemCategories { lists[item] = categories.map { Int32($0) } }
        for interaction in interactions {
            let list = lists[interaction.item] ?? []
            try writer.reserve(72 + 13 * list.count)
            writer.appendInt(interaction.user); writer.appendByte(0x09)
            writer.appendInt(interaction.item); writer.appendByte(0x09)
            list.withUnsafeBufferPointer { writer.appendList($0) }
            writer.appendByte(0x09)
            writer.appendInt(Int(interaction.timestamp)); writer.appendByte(0x0A)
        }
        try writer.close()
        try folder.commit()
    }
}
