import Dispatch
import Tensor

/// DataPipeline README § Preprocessing, step 7 and § Negative sampling: choose each user's target
/// positions, split them 8/1/1 and draw the negatives of one row per category of each target.
///
/// For a user with sequence `s[0..<n]`, the targets are positions `j ∈ [max(0, n − T), n)` with
/// `T = targetItemsUsed` (10): `j = n − 1` goes to `test`, `j = n − 2` to `valid`, the rest to
/// `train`. The row's history is `s[0..<j]` (`item_seq_len = j`). A target with merged
/// categories `[c₁, c₂, …]` (duplicates included) yields one row per entry, in that order.
///
/// Under leak-free sampling a user who interacted with every item has no eligible negative, so
/// none of that user's rows is written; such users and their rows are counted
/// (`droppedUsers`, `droppedRows`). They draw no random numbers, so other users' rows do not change.
///
/// Rows are ordered by user, then position, then category entry. Randomness: users are cut into
/// fixed chunks of `usersPerChunk`; chunk `k` draws from the `k`-th generator split off a
/// `SeededGenerator(seed:)`, so the result depends on the seed only — not on the thread count.
enum SplitBuilder {
    struct Options {
        var targetItemsUsed = 10
        var negativesPerRow = 19
        var maxTries = 100
        var mode: SamplingMode = .leakFree
        var seed: UInt64 = 2020
        var threads = 2
    }

    struct Result {
        var train: Split
        var valid: Split
        var test: Split
        var fallbacks: Int
        /// Users left out because no eligible negative exists for them (leak-free sampling only).
        var droppedUsers = 0
        /// The rows those users would have had.
        var droppedRows = 0
    }

    static let usersPerChunk = 1024

    /// The first position of a user's sequence of length `n` that is a valid or test target: the
    /// valid target sits at `n − 2` and the test target at `n − 1` (only the test target when
    /// `targetItemsUsed` is 1; a one-item sequence has just the test target at 0). Items before it
    /// are the history and train targets; the leak-free word2vec corpus ends there.
    static func firstHeldOutPosition(sequenceLength n: Int, targetItemsUsed: Int) -> Int {
        max(0, n - min(2, targetItemsUsed))
    }

    static func build(_ processed: ProcessedInteractions, options: Options, progress: ProgressBar? = nil) throws -> Result {
        let pools = NegativeSampler.makePools(processed)
        let chunkCount = (processed.userCount + usersPerChunk - 1) / usersPerChunk
        var root = SeededGenerator(seed: options.seed)
        let generators = (0..<chunkCount).map { _ in root.split() }
        var results = [ChunkResult?](repeating: nil, count: chunkCount)
        var failures = [Error?](repeating: nil, count: chunkCount)
        let workers = max(1, min(options.threads, chunkCount))
        results.withUnsafeMutableBufferPointer { results in
            failures.withUnsafeMutableBufferPointer { failures in
                DispatchQueue.concurrentPerform(iterations: workers) { worker in
                    var sampler = NegativeSampler(pools: pools, itemCount: processed.itemCount, mode: options.mode,
                                                  negativesPerRow: options.negativesPerRow, maxTries: options.maxTries)
                    for chunk in stride(from: worker, to: chunkCount, by: workers) {
                        let firstUser = chunk * usersPerChunk + 1
                        let lastUser = min(processed.userCount, firstUser + usersPerChunk - 1)
                        var rng = generators[chunk]
                        do {
                            results[chunk] = try buildChunk(processed, users: firstUser...lastUser, options: options,
                                                            sampler: &sampler, rng: &rng)
                        } catch {
                            failures[chunk] = error
                        }
                        progress?.advance(by: lastUser - firstUser + 1)
                    }
                }
            }
        }
        if let failure = failures.lazy.compactMap({ $0 }).first { throw failure }
        let empty = Split(negativesPerRow: options.negativesPerRow)
        var result = Result(train: empty, valid: empty, test: empty, fallbacks: 0)
        for case let chunk? in results {
            append(chunk.train, to: &result.train)
            append(chunk.valid, to: &result.valid)
            append(chunk.test, to: &result.test)
            result.fallbacks += chunk.fallbacks
            result.droppedUsers += chunk.droppedUsers
            result.droppedRows += chunk.droppedRows
        }
        return result
    }

    private struct ChunkResult {
        var train: Split, valid: Split, test: Split
        var fallbacks: Int
        var droppedUsers = 0
        var droppedRows = 0
    }

    private static func buildChunk(_ processed: ProcessedInteractions, users: ClosedRange<Int>, options: Options,
                                   sampler: inout NegativeSampler, rng: inout SeededGenerator) throws -> ChunkResult {
        var splits = [Split](repeating: Split(negativesPerRow: options.negativesPerRow), count: 3)
        let fallbacksBefore = sampler.fallbackCount
        var droppedUsers = 0, droppedRows = 0
        for user in users {
            let sequence = processed.sequence(ofUser: user)
            let base = sequence.startIndex
            let n = sequence.count
            sampler.beginUser(Int32(user), sequence: sequence)
            let firstTarget = max(0, n - options.targetItemsUsed)
            guard sampler.currentUserHasEligibleNegatives else {
                droppedUsers += 1
                for position in firstTarget..<n {
                    droppedRows += processed.categories(ofItem: Int(sequence[base + position])).count
                }
                continue
            }
            // Each split stores the user's sequence prefix once, as long as its longest history.
            var storedAt = [-1, -1, -1]
            for position in firstTarget..<n {
                let splitIndex = position == n - 1 ? 2 : (position == n - 2 ? 1 : 0)
                if storedAt[splitIndex] < 0 {
                    // The last train target sits at n − 3; valid and test have a single target.
                    let longest = splitIndex == 0 ? n - 3 : position
                    storedAt[splitIndex] = splits[splitIndex].historyItems.count
                    splits[splitIndex].historyItems.append(contentsOf: sequence[base ..< base + longest])
                }
                let target = sequence[base + position]
                for category in processed.categories(ofItem: Int(target)) {
                    splits[splitIndex].userIds.append(Int32(user))
                    splits[splitIndex].itemIds.append(target)
                    splits[splitIndex].cateIds.append(category)
                    splits[splitIndex].historyStarts.append(storedAt[splitIndex])
                    splits[splitIndex].historyLengths.append(Int32(position))
                    try sampler.sampleRow(target: target, category: category, historyLength: position,
                                          rng: &rng, into: &splits[splitIndex].negatives)
                }
            }
        }
        return ChunkResult(train: splits[0], valid: splits[1], test: splits[2],
                           fallbacks: sampler.fallbackCount - fallbacksBefore,
                           droppedUsers: droppedUsers, droppedRows: droppedRows)
    }

    /// Appends the rows of `part` to `whole`, shifting history offsets past `whole`'s storage.
    private static func append(_ part: Split, to whole: inout Split) {
        let shift = whole.historyItems.count
        whole.userIds += part.userIds
        whole.itemIds += part.itemIds
        whole.cateIds += part.cateIds
        whole.historyStarts += part.historyStarts.map { $0 + shift }
        whole.historyLengths += part.historyLengths
        whole.historyItems += part.historyItems
        whole.negatives += part.negatives
    }
}
