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
}
