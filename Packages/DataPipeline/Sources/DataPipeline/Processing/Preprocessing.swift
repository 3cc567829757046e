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
        let joined = try joinWithCategories(raw, counts: &counts)
        // Step 1.
        let merge = CategoryMerge(itemCategoriesInFirstAppearanceOrder: joined.denseItemCategories,
                                  minItemsPerCategory: options.minItemsPerCategory)
        let users = rankUsers(joined.user)
        counts.inputUsers = users.distinct.count
        let blocks = sortByUserThenTime(joined, users: users)
        let kept = try filterDeduplicateAndRemap(joined, users: users, blocks: blocks, raw: raw,
                                                  options: options, counts: &counts)
        let categories = remappedItemCategories(kept.originalItemIds, joined: joined, merge: merge)
        let itemCount = kept.originalItemIds.count
        return ProcessedInteractions(
            userCount: kept.originalUserIds.count, itemCount: itemCount, categoryCount: merge.categoryCount,
            sequenceStarts: kept.sequenceStarts, items: kept.items, timestamps: kept.timestamps,
            itemCategoryStarts: categories.starts, itemCategories: categories.values,
            popularity: popularity(of: kept.items, itemCount: itemCount),
            originalUserIds: kept.originalUserIds, originalItemIds: kept.originalItemIds,
            mergedCategoryIds: merge.mergedId, categoryNames: raw.categoryNames, counts: counts)
    }

    /// Interactions whose items have categories, as parallel columns, with the items'
    /// dense indices (first-appearance order) and the lookup from original item id to dense index.
    private struct JoinedRows {
        var user: [Int] = [], item: [Int32] = [], time: [Int64] = []
        var itemCode: IdLookupTable
        var denseItemOriginal: [Int] = []
        var denseItemCategories: [[Int]] = []
    }

    /// Users of the joined rows ranked by ascending original id.
    private struct UserRanks {
        var rank: IdLookupTable
        var distinct: [Int]
    }

    /// Row order after step 2 and where each user's block of rows starts in it.
    private struct UserBlocks {
        var order: [Int32]
        var starts: [Int]
    }

    /// Output columns of steps 3–5.
    private struct KeptSequences {
        var originalItemIds: [Int] = []
        var originalUserIds: [Int] = []
        var sequenceStarts = [0]
        var items: [Int32] = [], timestamps: [Int64] = []
    }

    /// Step 0: drops interactions of items without categories and gives the other items dense
    /// indices in first-appearance order (items without categories get -1 in `itemCode`).
    private static func joinWithCategories(_ raw: RawDataset,
                                           counts: inout ProcessedInteractions.Counts) throws -> JoinedRows {
        let itemRange = IdLookupTable.range(of: raw.interactions.lazy.map(\.item))
        var joined = JoinedRows(itemCode: IdLookupTable(range: itemRange, expectedCount: raw.itemCategories.count))
        joined.user.reserveCapacity(raw.interactions.count)
        joined.item.reserveCapacity(raw.interactions.count)
        joined.time.reserveCapacity(raw.interactions.count)
        var distinctInputItems = 0
        for interaction in raw.interactions {
            var code = joined.itemCode[interaction.item]
            if code == IdLookupTable.missing {
                distinctInputItems += 1
                if let categories = raw.itemCategories[interaction.item], !categories.isEmpty {
                    code = Int32(joined.denseItemOriginal.count)
                    joined.denseItemOriginal.append(interaction.item)
                    joined.denseItemCategories.append(categories)
                } else {
                    code = -1
                }
                joined.itemCode[interaction.item] = code
            }
            guard code >= 0 else { continue }
            joined.user.append(interaction.user)
            joined.item.append(code)
            joined.time.append(interaction.timestamp)
        }
        counts.inputItems = distinctInputItems
        counts.droppedWithoutCategory = raw.interactions.count - joined.user.count
        guard !joined.user.isEmpty else {
            throw DataPipelineError(.emptyInput, file: raw.source,
                                    "expected interactions with items that have categories; all \(raw.interactions.count) reference items without any category")
        }
        return joined
    }

    /// Ranks the distinct users by ascending original id.
    private static func rankUsers(_ joinedUser: [Int]) -> UserRanks {
        let userRange = IdLookupTable.range(of: joinedUser)
        var userRank = IdLookupTable(range: userRange, expectedCount: max(16, joinedUser.count / 16))
        var distinctUsers: [Int] = []
        for user in joinedUser where userRank[user] == IdLookupTable.missing {
            userRank[user] = 0
            distinctUsers.append(user)
        }
        distinctUsers.sort()
        for (rank, user) in distinctUsers.enumerated() { userRank[user] = Int32(rank) }
        return UserRanks(rank: userRank, distinct: distinctUsers)
    }

    /// Step 2: counting sort of the rows by user rank (stable), then each user's block by
    /// (time, input position).
    private static func sortByUserThenTime(_ joined: JoinedRows, users: UserRanks) -> UserBlocks {
        var blocks = countingSortByUser(joined.user, users: users)
        sortBlocksByTime(&blocks, time: joined.time, userCount: users.distinct.count)
        return blocks
    }

    /// Stable counting sort of the row indices by user rank.
    private static func countingSortByUser(_ joinedUser: [Int], users: UserRanks) -> UserBlocks {
        let rowCount = joinedUser.count
        var blockStarts = [Int](repeating: 0, count: users.distinct.count + 1)
        var rowRank = [Int32](repeating: 0, count: rowCount)
        for row in 0..<rowCount {
            let rank = users.rank[joinedUser[row]]
            rowRank[row] = rank
            blockStarts[Int(rank) + 1] += 1
        }
        for rank in 0..<users.distinct.count { blockStarts[rank + 1] += blockStarts[rank] }
        var order = [Int32](repeating: 0, count: rowCount)
        var fill = blockStarts
        for row in 0..<rowCount {
            let rank = Int(rowRank[row])
            order[fill[rank]] = Int32(row)
            fill[rank] += 1
        }
        return UserBlocks(order: order, starts: blockStarts)
    }

    /// Sorts each user's block of rows by (time, input position), skipping blocks already in order.
    private static func sortBlocksByTime(_ blocks: inout UserBlocks, time joinedTime: [Int64], userCount: Int) {
        let blockStarts = blocks.starts
        for rank in 0..<userCount {
            let block = blockStarts[rank] ..< blockStarts[rank + 1]
            let inOrder = zip(blocks.order[block], blocks.order[block].dropFirst())
                .allSatisfy { joinedTime[Int($0)] <= joinedTime[Int($1)] }
            if !inOrder {
                blocks.order[block].sort { a, b in
                    let ta = joinedTime[Int(a)], tb = joinedTime[Int(b)]
                    return ta != tb ? ta < tb : a < b
                }
            }
        }
    }

    /// Steps 3 and 4, then step 5 for items: keeps users with enough rows, de-duplicates each
    /// kept user's items (last occurrence wins) and numbers items by first appearance.
    private static func filterDeduplicateAndRemap(_ joined: JoinedRows, users: UserRanks, blocks: UserBlocks,
                                                  raw: RawDataset, options: Options,
                                                  counts: inout ProcessedInteractions.Counts) throws -> KeptSequences {
        let blockStarts = blocks.starts
        var lastSeenBy = [Int32](repeating: -1, count: joined.denseItemOriginal.count)
        var newItemId = [Int32](repeating: 0, count: joined.denseItemOriginal.count)
        var kept = KeptSequences()
        kept.items.reserveCapacity(joined.user.count)
        kept.timestamps.reserveCapacity(joined.user.count)
        var keptRows: [Int32] = []
        for rank in 0..<users.distinct.count {
            let start = blockStarts[rank], end = blockStarts[rank + 1]
            guard end - start > options.minUserInteractions else {
                counts.droppedUsers += 1
                counts.droppedUserInteractions += end - start
                continue
            }
            lastOccurrences(of: start..<end, rank: rank, joined: joined, order: blocks.order,
                            lastSeenBy: &lastSeenBy, keptRows: &keptRows, counts: &counts)
            kept.originalUserIds.append(users.distinct[rank])
            for row in keptRows.reversed() {
                let dense = Int(joined.item[Int(row)])
                if newItemId[dense] == 0 {
                    kept.originalItemIds.append(joined.denseItemOriginal[dense])
                    newItemId[dense] = Int32(kept.originalItemIds.count)
                }
                kept.items.append(newItemId[dense])
                kept.timestamps.append(joined.time[Int(row)])
            }
            kept.sequenceStarts.append(kept.items.count)
        }
        guard !kept.originalUserIds.isEmpty else {
            throw DataPipelineError(.noUserPassesFilter, file: raw.source,
                                    "expected at least one user with more than \(options.minUserInteractions) interactions; the \(users.distinct.count) user(s) have at most \(blockStarts.indices.dropLast().map { blockStarts[$0 + 1] - blockStarts[$0] }.max() ?? 0)")
        }
        return kept
    }

    /// Step 4 for one user's block: fills `keptRows` with the rows holding the last occurrence of
    /// each item, latest first (walking backwards), and counts the dropped duplicates.
    @inline(__always)
    private static func lastOccurrences(of positions: Range<Int>, rank: Int, joined: JoinedRows, order: [Int32],
                                        lastSeenBy: inout [Int32], keptRows: inout [Int32],
                                        counts: inout ProcessedInteractions.Counts) {
        keptRows.removeAll(keepingCapacity: true)
        var position = positions.upperBound - 1
        while position >= positions.lowerBound {
            let row = Int(order[position])
            let dense = Int(joined.item[row])
            if lastSeenBy[dense] != Int32(rank) {
                lastSeenBy[dense] = Int32(rank)
                keptRows.append(Int32(row))
            } else {
                counts.duplicatesRemoved += 1
            }
            position -= 1
        }
    }

    /// Merged categories of the remapped items 1...I as CSR columns (padding item 0 has none).
    private static func remappedItemCategories(_ originalItemIds: [Int], joined: JoinedRows,
                                               merge: CategoryMerge) -> (starts: [Int], values: [Int32]) {
        var itemCategoryStarts = [0, 0]  // padding item 0 has none
        var itemCategories: [Int32] = []
        for item in 1...originalItemIds.count {
            let dense = Int(joined.itemCode[originalItemIds[item - 1]])
            itemCategories.append(contentsOf: merge.map(joined.denseItemCategories[dense]))
            itemCategoryStarts.append(itemCategories.count)
        }
        return (itemCategoryStarts, itemCategories)
    }

    /// Number of interactions of each remapped item (index 0, the padding item, stays 0).
    private static func popularity(of items: [Int32], itemCount: Int) -> [Int32] {
        var popularity = [Int32](repeating: 0, count: itemCount + 1)
        for item in items { popularity[Int(item)] += 1 }
        return popularity
    }
}
