import TestSupport
import Tensor
import XCTest
@testable import DataPipeline

final class BatchingTests: XCTestCase {
    /// Row 0: history [5, 6, 7]; row 1: empty; row 2: history 1...8; two negatives each.
    private func split() -> Split {
        Split(userIds: [1, 2, 3], itemIds: [9, 10, 11], cateIds: [1, 1, 2],
              historyStarts: [0, 3, 3], historyLengths: [3, 0, 8], historyItems: [5, 6, 7, 1, 2, 3, 4, 5, 6, 7, 8],
              negativesPerRow: 2, negatives: [20, 21, 22, 23, 24, 25])
    }

    func testLeftPaddingTruncationAndCandidates() {
        let batch = BatchIterator.makeBatch(split: split(), rows: [0, 1, 2], maxSeqLen: 5)
        XCTAssertEqual(batch.itemSeq.shape, [3, 5])
        XCTAssertEqual(batch.itemSeq.indices, [0, 0, 5, 6, 7,
                                               0, 0, 0, 0, 0,
                                               4, 5, 6, 7, 8], "left-padded with 0, or cut to the last L items")
        XCTAssertEqual(batch.itemSeqLen.indices, [3, 0, 5])
        XCTAssertEqual(batch.userId.indices, [1, 2, 3])
        XCTAssertEqual(batch.itemId.indices, [9, 10, 11])
        XCTAssertEqual(batch.negItems.shape, [3, 2])
        XCTAssertEqual(batch.negItems.indices, [20, 21, 22, 23, 24, 25])
        XCTAssertEqual(batch.candidates.shape, [3, 3])
        XCTAssertEqual(batch.candidates.indices, [9, 20, 21, 10, 22, 23, 11, 24, 25])
        XCTAssertEqual(batch.labels.scalars, [1, 0, 0, 1, 0, 0, 1, 0, 0])
    }

    func testIteratorOrdersAndSizes() {
        var sequential = BatchIterator(split: split(), batchSize: 2, maxSeqLen: 4)
        XCTAssertEqual(sequential.batchCount, 2)
        XCTAssertEqual(sequential.next()?.rows, [0, 1])
        XCTAssertEqual(sequential.next()?.rows, [2])
        XCTAssertNil(sequential.next())
        XCTAssertEqual(BatchIterator(split: split(), batchSize: 2, maxSeqLen: 4, dropLast: true).map(\.rows), [[0, 1]])

        let big = Split(userIds: Array(repeating: 1, count: 100), itemIds: Array(repeating: 2, count: 100),
                        cateIds: Array(repeating: 1, count: 100), historyStarts: Array(repeating: 0, count: 100),
                        historyLengths: Array(repeating: 0, count: 100), historyItems: [], negativesPerRow: 1,
                        negatives: Array(repeating: 3, count: 100))
        let a = BatchIterator(split: big, batchSize: 32, maxSeqLen: 4, order: .shuffled(seed: 1)).flatMap(\.rows)
        let b = BatchIterator(split: big, batchSize: 32, maxSeqLen: 4, order: .shuffled(seed: 1)).flatMap(\.rows)
        let c = BatchIterator(split: big, batchSize: 32, maxSeqLen: 4, order: .shuffled(seed: 2)).flatMap(\.rows)
        XCTAssertEqual(a, b, "same seed, same order")
        XCTAssertNotEqual(a, c)
        XCTAssertNotEqual(a, Array(0..<100))
        XCTAssertEqual(a.sorted(), Array(0..<100), "every row exactly once per pass")
    }
}
