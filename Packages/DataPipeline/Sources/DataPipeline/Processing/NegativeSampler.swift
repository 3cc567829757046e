import Tensor

/// Which of a user's items may never be drawn as that user's negatives (DataPipeline README
/// § Negative sampling).
public enum SamplingMode: String, Sendable, CaseIterable, Codable {
    /// Decision of this project (default): reject every item the user ever interacted with, so a
    /// user's future items — including their valid and test targets — never become negatives.
    /// A user who interacted with every item has no eligible negative at all; all rows of such a
    /// user are dropped (and counted in `stats.json`) instead of failing the preparation.
    case leakFree = "leak-free"
    /// The reference's rule: reject only the items of the row's `item_seq` (the past).
    case reference
}

/// Distribution-mixer negative sampling for one row at a time (DataPipeline README § Negative sampling).
///
/// For a row with target item `t` and target category `c`:
/// 1. `k ~ U{0, 1, 2}`; the category list is `[c]` plus `min(k, C)` distinct categories drawn
///    uniformly from 1...C (they may include `c` again);
/// 2. the `N = 19` negatives are split over the list by a multinomial draw with equal probabilities;
/// 3. one fair coin per row picks the pool: *uniform* (each distinct item of the category equally
///    likely) or *popular* (items weighted by their interaction count);
/// 4. a draw is rejected when it is `t`, was already drawn for this row in the same list entry, or
///    belongs to the user (any of the user's items in `.leakFree` mode, an item of `item_seq` in
///    `.reference` mode). After `maxTries` rejected draws the slot falls back to the whole item
///    pool 1...I (uniform, same rejection rules; if that fails too, the first acceptable item after
///    a random start, and only when no such item is left, one already drawn for the entry); each
///    fallback is counted.
///
/// Call `beginUser` before the rows of each user. In `.leakFree` mode a user who interacted with
/// every item cannot be served (`currentUserHasEligibleNegatives` is false; the caller drops the
/// user's rows); in `.reference` mode a row whose history and target cover every item throws.
struct NegativeSampler {
    /// The items of one merged category, for uniform and popularity-weighted draws.
    struct CategoryPool {
        /// Distinct items of the category, ascending.
        let items: [Int32]
        /// Draws an index into `items` with probability ∝ the item's interaction count; nil when empty.
        let popular: AliasTable?
    }

    let mode: SamplingMode
    let itemCount: Int
    let categoryCount: Int
    let negativesPerRow: Int
    let maxTries: Int
    /// Pools by merged category id (index 0 is an empty placeholder).
    let pools: [CategoryPool]

    /// `ownerStamp[i] == currentUser` when the current user interacted with item `i`, at
    /// position `ownerPosition[i]` of their sequence.
    private var ownerStamp: [Int32]
    private var ownerPosition: [Int32]
    private var currentUser: Int32 = 0
    /// Distinct items of the current user.
    private var currentUserItemCount = 0

    /// The category list and per-entry counts of the last row (inspected by tests).
    private(set) var lastCategories: [Int32] = []
    private(set) var lastCounts: [Int] = []
    /// Whether the last row used the popularity-weighted pools.
    private(set) var lastUsedPopularPool = false
    /// Fallback draws so far.
    private(set) var fallbackCount = 0

    init(processed: ProcessedInteractions, mode: SamplingMode, negativesPerRow: Int, maxTries: Int) {
        self.init(pools: NegativeSampler.makePools(processed), itemCount: processed.itemCount,
                  mode: mode, negativesPerRow: negativesPerRow, maxTries: maxTries)
    }

    init(pools: [CategoryPool], itemCount: Int, mode: SamplingMode, negativesPerRow: Int, maxTries: Int) {
        self.pools = pools
        self.itemCount = itemCount
        self.categoryCount = pools.count - 1
        self.mode = mode
        self.negativesPerRow = negativesPerRow
        self.maxTries = maxTries
        ownerStamp = [Int32](repeating: 0, count: itemCount + 1)
        ownerPosition = [Int32](repeating: 0, count: itemCount + 1)
        lastCategories.reserveCapacity(3)
        lastCounts.reserveCapacity(3)
    }

    /// One pool per merged category 1...C, built from the items' category lists and popularity.
    static func makePools(_ processed: ProcessedInteractions) -> [CategoryPool] {
        var members = [[Int32]](repeating: [], count: processed.categoryCount + 1)
        for item in 1...processed.itemCount {
            var previous: [Int32] = []
            for category in processed.categories(ofItem: item) where !previous.contains(category) {
                previous.append(category)
                members[Int(category)].append(Int32(item))
            }
        }
        return members.map { items in
            CategoryPool(items: items,
                         popular: items.isEmpty ? nil : AliasTable(weights: items.map { Double(processed.popularity[Int($0)]) }))
        }
    }

    /// Marks `sequence` as the items of `user` (1-based), oldest first.
    mutating func beginUser(_ user: Int32, sequence: ArraySlice<Int32>) {
        currentUser = user
        currentUserItemCount = 0
        var position: Int32 = 0
        for item in sequence {
            if ownerStamp[Int(item)] != user { currentUserItemCount += 1 }
            ownerStamp[Int(item)] = user
            ownerPosition[Int(item)] = position
            position += 1
        }
    }

    /// Whether the rows of the current user can get negatives under `mode`. Always true in
    /// `.reference` mode (there it depends on the row); in `.leakFree` mode false exactly when the
    /// user interacted with every item 1...I, since every row of the user excludes the same set.
    var currentUserHasEligibleNegatives: Bool {
        mode == .reference || currentUserItemCount < itemCount
    }

    /// Appends `negativesPerRow` negatives for one row of the current user to `output`.
    /// - Parameters:
    ///   - historyLength: `item_seq_len` of the row (items before the target); used in `.reference` mode.
    mutating func sampleRow(target: Int32, category: Int32, historyLength: Int,
                            rng: inout SeededGenerator, into output: inout [Int32]) throws {
        let extra = min(rng.nextInt(below: 3), categoryCount)
        lastCategories.removeAll(keepingCapacity: true)
        lastCategories.append(category)
        while lastCategories.count < 1 + extra {
            let drawn = Int32(1 + rng.nextInt(below: categoryCount))
            if !lastCategories.dropFirst().contains(drawn) { lastCategories.append(drawn) }
        }
        lastCounts.removeAll(keepingCapacity: true)
        for _ in lastCategories { lastCounts.append(0) }
        for _ in 0..<negativesPerRow { lastCounts[rng.nextInt(below: lastCategories.count)] += 1 }
        let popular = rng.nextInt(below: 2) == 1
        lastUsedPopularPool = popular

        let rule = Exclusion(stamps: ownerStamp, positions: ownerPosition, user: currentUser, target: target,
                             historyLength: Int32(clamping: historyLength), leakFree: mode == .leakFree)
        for entry in lastCategories.indices where lastCounts[entry] > 0 {
            let pool = pools[Int(lastCategories[entry])]
            let entryStart = output.count
            for _ in 0..<lastCounts[entry] {
                var accepted: Int32 = 0
                if let popularTable = pool.popular {
                    for _ in 0..<maxTries {
                        let index = popular ? popularTable.sample(using: &rng) : rng.nextInt(below: pool.items.count)
                        let item = pool.items[index]
                        if rule.accepts(item, output: output, entryStart: entryStart) {
                            accepted = item
                            break
                        }
                    }
                }
                if accepted == 0 {
                    accepted = try fallback(rule, rng: &rng, output: output, entryStart: entryStart)
                }
                output.append(accepted)
            }
        }
    }

    /// A draw from the whole item pool 1...I after the category pool failed `maxTries` times.
    private mutating func fallback(_ rule: Exclusion, rng: inout SeededGenerator,
                                   output: [Int32], entryStart: Int) throws -> Int32 {
        fallbackCount += 1
        for _ in 0..<maxTries {
            let item = Int32(1 + rng.nextInt(below: itemCount))
            if rule.accepts(item, output: output, entryStart: entryStart) { return item }
        }
        // Scan from a random start: first without, then with repeats inside the entry allowed.
        let start = rng.nextInt(below: itemCount)
        for allowRepeat in [false, true] {
            for offset in 0..<itemCount {
                let item = Int32(1 + (start + offset) % itemCount)
                if rule.accepts(item, output: output, entryStart: allowRepeat ? output.count : entryStart) { return item }
            }
        }
        throw DataPipelineError(.inconsistentData, file: "negative sampling",
                                "user \(currentUser): expected at least one item that is neither the target \(rule.target) nor excluded by the \(mode.rawValue) rule, out of \(itemCount) items")
    }

    /// The rejection rule of one row.
    private struct Exclusion {
        let stamps: [Int32]
        let positions: [Int32]
        let user: Int32
        let target: Int32
        let historyLength: Int32
        let leakFree: Bool

        /// Whether `item` may be the next negative of the list entry that started at `entryStart`.
        @inline(__always)
        func accepts(_ item: Int32, output: [Int32], entryStart: Int) -> Bool {
            if item == target { return false }
            let index = Int(item)
            if stamps[index] == user && (leakFree || positions[index] < historyLength) { return false }
            return !output[entryStart...].contains(item)
        }
    }
}
