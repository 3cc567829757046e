import Dispatch
import Foundation
import Tensor

/// Runs `body(part)` for `part` in `0..<parts` on `parts` threads (`DispatchQueue.concurrentPerform`),
/// with OpenBLAS limited to one thread meanwhile (each part runs its own single-threaded GEMMs) and
/// the previous BLAS thread count restored afterwards, also when `body` traps out of a test.
/// With one part, `body(0)` runs on the calling thread and the BLAS setting is left alone. The
/// workers inherit the caller's `batchInvariantProducts` setting.
///
/// The fused ops with independent batch rows (the GRU, masked attention) share their rows out this
/// way; how many parts they use is their own choice (at most `blasThreads()`).
public func concurrentPerformWithSerialBLAS(parts: Int, _ body: (Int) -> Void) {
    precondition(parts >= 1, "concurrentPerformWithSerialBLAS needs at least one part, got \(parts)")
    if parts == 1 { body(0); return }
    let invariant = batchInvariantProducts
    withBLASThreads(atMost: 1) {
        DispatchQueue.concurrentPerform(iterations: parts) { part in withBatchInvariantProducts(invariant) { body(part) } }
    }
}

/// Splits `0..<rows` into `min(blasThreads(), rows)` contiguous ranges of (almost) equal size and runs
/// `body` on each, in parallel with single-threaded BLAS inside (`concurrentPerformWithSerialBLAS`).
/// With one BLAS thread (or one row) `body(0..<rows)` runs on the calling thread.
public func parallelRows(_ rows: Int, _ body: (Range<Int>) -> Void) {
    let threads = max(1, min(blasThreads(), rows))
    concurrentPerformWithSerialBLAS(parts: threads) { c in
        body((rows * c / threads)..<(rows * (c + 1) / threads))
    }
}

/// Consecutive blocks of whole sequences over `sequences` sequences of `length` rows each, about
/// `targetRows` rows (and at least one sequence) per block, in order, as `(firstSequence, sequenceCount)`.
/// The fused ops that work through cache-sized blocks (`causalConv1d`, `reluProjectionScores`) share
/// this split (the convolution with 2,048 rows a block, so that two threads get an even share of a
/// batch of 1,024 sequences of 50): 4,096 rows keep a block's keys (1–3 MB at 64–192 floats a row) in cache.
func sequenceBlocks(sequences: Int, length: Int, targetRows: Int = 4096) -> [(first: Int, count: Int)] {
    let perBlock = max(1, targetRows / max(1, length))
    return stride(from: 0, to: sequences, by: perBlock).map { ($0, min(perBlock, sequences - $0)) }
}

/// Runs `body(block, scratch)` for every `block` in `0..<blockCount` on `min(blasThreads(), blockCount)`
/// threads with single-threaded BLAS inside (`concurrentPerformWithSerialBLAS`), each thread taking
/// the next block not yet started (so a thread that finishes early is not left idle while the other
/// still has several blocks). Each thread owns one scratch buffer of `scratchCount` floats
/// (uninitialised), reused for all its blocks. For the fused ops that work through cache-sized blocks
/// of rows: their GEMMs are too small for OpenBLAS's own threads, whose hand-overs cost more than
/// they save, so the blocks themselves are what runs in parallel. Which thread runs a block never
/// changes a result: every block writes its own rows or its own partial.
func forEachBlockInParallel(_ blockCount: Int, scratchCount: Int, _ body: (Int, UnsafeMutablePointer<Float>) -> Void) {
    let parts = max(1, min(blasThreads(), blockCount))
    let queue = BlockQueue(count: blockCount)
    concurrentPerformWithSerialBLAS(parts: parts) { _ in
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: max(1, scratchCount))
        defer { scratch.deallocate() }
        while let block = queue.next() { body(block, scratch) }
    }
}

/// The blocks `0..<count` handed out in order, one at a time, to whichever thread asks.
private final class BlockQueue: @unchecked Sendable {
    private let lock = NSLock()
    private var nextBlock = 0
    private let count: Int

    init(count: Int) { self.count = count }

    func next() -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard nextBlock < count else { return nil }
        nextBlock += 1
        return nextBlock - 1
    }
}

/// `Σ_block partials[block]` of `blockCount` consecutive partials of `count` floats each, added in
/// block order (so the sum does not depend on how the blocks were shared out).
func sumOfPartials(_ partials: UnsafePointer<Float>, blockCount: Int, count: Int, into out: UnsafeMutablePointer<Float>) {
    guard blockCount > 0 else { out.update(repeating: 0, count: count); return }
    out.update(from: partials, count: count)
    for block in 1..<blockCount {
        let partial = partials + block * count
        for i in 0..<count { out[i] += partial[i] }
    }
}
