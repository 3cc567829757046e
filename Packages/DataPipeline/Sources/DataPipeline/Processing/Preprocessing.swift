/// DataPipeline README § Preprocessing, steps 1–5, on a `RawDataset`.
///
/// 0. inner join: interactions of items without categories are dropped;
/// 1. category merging (`CategoryMerge`);
/// 2. stable sort by (user, timestamp) — a counting sort by user, then each user's rows by
///    (timestamp, input position);
/// 3. keep users with strictly more than `minUserInteractions` rows (counted before step 4);
/// 4. de-duplicate (user, item), keeping the last occurrence;
/// 5. remap users to 1...U in ascending original id and items to 1...I in order of first
///    appearance in the sorted, filtered data.
enum Preprocessing {
    struct Options {
        var minItemsPerCategory = 200
        var minUserInteractions = 10
    }

    static func run(_ raw: RawDataset, options: Options) throws -> ProcessedInteractions {
        var counts = ProcessedInteractions.Counts()
        counts.inputInteractions = raw.interactions.count
        guard !raw.interactions.isEmpty else {
            throw DataPipelineError(.emptyInput, file: raw.source, "expected at least one interaction")
        }

        // Step 0 + dense item indices in first-appearance order (items without categories get -1).
        let itemRange = IdLookupTable.range(of: raw.interactions.lazy.map(\.item))
        var itemCode = IdLookupTable(range: itemRange, expectedCount: raw.itemCategories.count)
        var denseItemOriginal: [Int] = []
        var denseItemCategories: [[Int]] = []
        var joinedUser: [Int] = [], joinedItem: [Int32] = [], joinedTime: [Int64] = []
        joinedUser.reserveCapacity(raw.interactions.count)
        joinedItem.reserveCapacity(raw.interactions.count)
        joinedTime.reserveCapacity(raw.interactions.count)
        var distinctInputItems = 0
        for interaction in raw.interactions {
            var code = itemCode[interaction.item]
            if code == IdLookupTable.missing {
                distinctInputItems += 1
                if let categories = raw.itemCategories[interaction.item], !categories.isEmpty {
                    code = Int32(denseItemOriginal.count)
                    denseItemOriginal.append(interaction.item)
                    denseItemCategories.append(categories)
                } else {
                    code = -1
                }
                itemCode[interaction.item] = code
            }
            guard code >= 0 else { continue }
            joinedUser.append(interaction.user)
            joinedItem.append(code)
            joinedTime.append(interaction.timestamp)
        }
        counts.inputItems = distinctInputItems
        counts.droppedWithoutCategory = raw.interactions.count - joinedUser.count
        guard !joinedUser.isEmpty else {
            throw DataPipelineError(.emptyInput, file: raw.source,
                                    "expected interactions with items that have categories; all \(raw.interactions.count) reference items without any category")
        }

        // Step 1.
        let merge = CategoryMerge(itemCategoriesInFirstAppearanceOrder: denseItemCategories,
                                  minItemsPerCategory: options.minItemsPerCategory)

        // Users ranked by ascending original id.
        let userRange = IdLookupTable.range(of: joinedUser)
        var userRank = IdLookupTable(range: userRange, expectedCount: max(16, joinedUser.count / 16))
        var distinctUsers: [Int] = []
        for user in joinedUser where userRank[user] == IdLookupTable.missing {
            userRank[user] = 0
            distinctUsers.append(user)
        }
        distinctUsers.sort()
        for (rank, user) in distinctUsers.enumerated() { userRank[user] = Int32(rank) }
        counts.inputUsers = distinctUsers.count

        // Step 2: counting sort by user rank (stable), then each block by (time, input position).
        let rowCount = joinedUser.count
        var blockStarts = [Int](repeating: 0, count: distinctUsers.count + 1)
        var rowRank = [Int32](repeating: 0, count: rowCount)
        for row in 0..<rowCount {
            let rank = userRank[joinedUser[row]]
            rowRank[row] = rank
            blockStarts[Int(rank) + 1] += 1
        }
        for rank in 0..<distinctUsers.count { blockStarts[rank + 1] += blockStarts[rank] }
        var order = [Int32](repeating: 0, count: rowCount)
        var fill = blockStarts
        rowRank.withUnsafeBufferPointer { ranks in
            order.withUnsafeMutableBufferPointer { order in
                for row in 0..<rowCount {
                    let rank = Int(ranks[row])
                    order[fill[rank]] = Int32(row)
                    fill[rank] += 1
                }
            }
        }
        rowRank = []
        joinedTime.withUnsafeBufferPointer { time in
            order.withUnsafeMutableBufferPointer { order in
                for rank in 0..<distinctUsers.count {
                    var block = UnsafeMutableBufferPointer(rebasing: order[blockStarts[rank] ..< blockStarts[rank + 1]])
                    var sorted = true
                    var index = 1
                    while index < block.count {
                        if time[Int(block[index - 1])] > time[Int(block[index])] { sorted = false; break }
                        index += 1
                    }
                    if !sorted {
                        block.sort { a, b in
                            let ta = time[Int(a)], tb = time[Int(b)]
                            return ta != tb ? ta < tb : a < b
                        }
                    }
                }
            }
        }

        // Steps 3 and 4, then step 5 for items.
        var lastSeenBy = [Int32](repeating: -1, count: denseItemOriginal.count)
        var newItemId = [Int32](repeating: 0, count: denseItemOriginal.count)
        var originalItemIds: [Int] = []
        var originalUserIds: [Int] = []
        var sequenceStarts = [0]
        var items: [Int32] = [], timestamps: [Int64] = []
        items.reserveCapacity(rowCount)
        timestamps.reserveCapacity(rowCount)
        var keptRows: [Int32] = []
        for rank in 0..<distinctUsers.count {
            let start = blockStarts[rank], end = blockStarts[rank + 1]
            guard end - start > options.minUserInteractions else {
                counts.droppedUsers += 1
                counts.droppedUserInteractions += end - start
                continue
            }
            // Walk backwards so the last occurrence of each item is the one kept.
            keptRows.removeAll(keepingCapacity: true)
            var position = end - 1
            while position >= start {
                let row = Int(order[position])
                let dense = Int(joinedItem[row])
                if lastSeenBy[dense] != Int32(rank) {
                    lastSeenBy[dense] = Int32(rank)
                    keptRows.append(Int32(row))
                } else {
                    counts.duplicatesRemoved += 1
                }
                position -= 1
            }
            originalUserIds.append(distinctUsers[rank])
            for row in keptRows.reversed() {
                let dense = Int(joinedItem[Int(row)])
                if newItemId[dense] == 0 {
                    originalItemIds.append(denseItemOriginal[dense])
                    newItemId[dense] = Int32(originalItemIds.count)
                }
                items.append(newItemId[dense])
                timestamps.append(joinedTime[Int(row)])
            }
            sequenceStarts.append(items.count)
        }
        guard !originalUserIds.isEmpty else {
            throw DataPipelineError(.noUserPassesFilter, file: raw.source,
                                    "expected at least one user with more than \(options.minUserInteractions) interactions; the \(distinctUsers.count) user(s) have at most \(blockStarts.indices.dropLast().map { blockStarts[$0 + 1] - blockStarts[$0] }.max() ?? 0)")
        }

        // Categories and popularity of the remapped items.
        let itemCount = originalItemIds.count
        var itemCategoryStarts = [0, 0]  // padding item 0 has none
        var itemCategories: [Int32] = []
        for item in 1...itemCount {
            let dense = Int(itemCode[originalItemIds[item - 1]])
            itemCategories.append(contentsOf: merge.map(denseItemCategories[dense]))
            itemCategoryStarts.append(itemCategories.count)
        }
        var popularity = [Int32](repeating: 0, count: itemCount + 1)
        for item in items { popularity[Int(item)] += 1 }

        return ProcessedInteractions(
            userCount: originalUserIds.count, itemCount: itemCount, categoryCount: merge.categoryCount,
            sequenceStarts: sequenceStarts, items: items, timestamps: timestamps,
            itemCategoryStarts: itemCategoryStarts, itemCategories: itemCategories, popularity: popularity,
            originalUserIds: originalUserIds, originalItemIds: originalItemIds,
            mergedCategoryIds: merge.mergedId, categoryNames: raw.categoryNames, counts: counts)
    }
}
