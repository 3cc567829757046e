import Foundation
import Tensor
import XCTest
@testable import Autograd

/// `parallelRows` covers every row once, runs BLAS single-threaded inside and restores the thread count.
final class ParallelRowsTests: XCTestCase {
    func testCoversEveryRowOnceAndRestoresBLASThreads() {
        let previous = blasThreads()
        defer { setBLASThreads(previous) }
        for threads in [1, 2, 3] {
            setBLASThreads(threads)
            for rows in [1, 2, 7, 64] {
                let lock = NSLock()
                var seen = [Int](repeating: 0, count: rows)
                var innerThreads: [Int] = []
                parallelRows(rows) { range in
                    lock.lock()
                    for r in range { seen[r] += 1 }
                    innerThreads.append(blasThreads())
                    lock.unlock()
                }
                XCTAssertEqual(seen, [Int](repeating: 1, count: rows), "threads \(threads), rows \(rows)")
                XCTAssertEqual(innerThreads.count, min(threads, rows))
                if min(threads, rows) > 1 { XCTAssertTrue(innerThreads.allSatisfy { $0 == 1 }) }
                XCTAssertEqual(blasThreads(), threads, "the BLAS thread count is restored")
            }
        }
    }

    func testSequenceBlocksCoverEverySequenceInOrderWithAboutTheTargetRows() {
        for (sequences, length) in [(1, 50), (1024, 50), (1000, 200), (3, 10_000), (0, 50)] {
            let blocks = sequenceBlocks(sequences: sequences, length: length)
            XCTAssertEqual(blocks.map(\.count).reduce(0, +), sequences, "\(sequences) × \(length)")
            var next = 0
            for block in blocks {
                XCTAssertEqual(block.first, next, "blocks are consecutive")
                XCTAssertGreaterThanOrEqual(block.count, 1, "a block holds at least one sequence")
                XCTAssertTrue(block.count == 1 || block.count * length <= 4096, "\(block.count) × \(length) rows")
                next += block.count
            }
        }
        XCTAssertEqual(sequenceBlocks(sequences: 1024, length: 50).first?.count, 81, "4,096 / 50 = 81 sequences a block")
    }
}
