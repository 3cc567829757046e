import Foundation
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
        XCTAssertNil(batch.A)
        XCTAssertNil(batch.uniItemSeq)
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

    func testSRGNNGraphForASequenceWithARepeatedItem() throws {
        // Padded row (L = 6): [0, 0, 3, 5, 3, 4]. Distinct sorted: [0, 3, 4, 5] → alias [0, 0, 1, 3, 1, 2].
        // Edges (skipping alias 0): 1→3, 3→1, 1→2. Out-degree r: r[1] = 2, r[3] = 1; in-degree c: c[3] = 1, c[1] = 1, c[2] = 1.
        let split = Split(userIds: [1], itemIds: [9], cateIds: [1], historyStarts: [0], historyLengths: [4],
                          historyItems: [3, 5, 3, 4], negativesPerRow: 1, negatives: [8])
        let batch = BatchIterator.makeBatch(split: split, rows: [0], maxSeqLen: 6, includeSRGNNGraph: true)
        XCTAssertEqual(batch.uniItemSeq?.indices, [0, 3, 4, 5, 0, 0])
        XCTAssertEqual(batch.aliasItemSeq?.indices, [0, 0, 1, 3, 1, 2])
        let a = try XCTUnwrap(batch.A)
        XCTAssertEqual(a.shape, [1, 6, 12])
        var expected = [Float](repeating: 0, count: 72)
        func set(_ i: Int, _ j: Int, _ value: Float) { expected[i * 12 + j] = value }
        // A[i][j] = M[j][i] / c[i]  (incoming edges of node i)
        set(3, 1, 1)        // 1→3
        set(1, 3, 1)        // 3→1
        set(2, 1, 1)        // 1→2
        // A[i][L + j] = M[i][j] / r[i]  (outgoing edges of node i)
        set(1, 6 + 3, 0.5)  // 1→3, r[1] = 2
        set(1, 6 + 2, 0.5)  // 1→2
        set(3, 6 + 1, 1)    // 3→1
        XCTAssertEqual(a.scalars, expected)
    }

    func testSRGNNRepeatedEdgeCountsOnceAndNoPaddingMeansAliasZeroIsAnItem() throws {
        // Row without padding (L = 4): [2, 7, 2, 7]. Sorted distinct [2, 7] → alias [0, 1, 0, 1];
        // every pair touches alias 0, which the reference skips even though it is item 2.
        let split = Split(userIds: [1], itemIds: [9], cateIds: [1], historyStarts: [0], historyLengths: [4],
                          historyItems: [2, 7, 2, 7], negativesPerRow: 1, negatives: [8])
        let batch = BatchIterator.makeBatch(split: split, rows: [0], maxSeqLen: 4, includeSRGNNGraph: true)
        XCTAssertEqual(batch.uniItemSeq?.indices, [2, 7, 0, 0])
        XCTAssertEqual(batch.aliasItemSeq?.indices, [0, 1, 0, 1])
        XCTAssertEqual(batch.A?.scalars, [Float](repeating: 0, count: 32))
        // [0, 4, 6, 4, 6]: edges 1→2 twice and 2→1 once; M is 0/1, so every weight is 1.
        let second = Split(userIds: [1], itemIds: [9], cateIds: [1], historyStarts: [0], historyLengths: [4],
                           historyItems: [4, 6, 4, 6], negativesPerRow: 1, negatives: [8])
        let graph = BatchIterator.makeBatch(split: second, rows: [0], maxSeqLen: 5, includeSRGNNGraph: true)
        XCTAssertEqual(graph.aliasItemSeq?.indices, [0, 1, 2, 1, 2])
        let a = try XCTUnwrap(graph.A)
        XCTAssertEqual(a[0, 2, 1], 1)
        XCTAssertEqual(a[0, 1, 2], 1)
        XCTAssertEqual(a[0, 1, 5 + 2], 1)
        XCTAssertEqual(a[0, 2, 5 + 1], 1)
        XCTAssertEqual(a.scalars.reduce(0, +), 4)
    }

    /// The reference's own `uni_item_seq`, `alias_item_seq` and `A` for the SRGNN parity batch
    /// (`Tests/Fixtures/parity/SRGNN-Base/batch.safetensors`), rebuilt from its `item_seq`.
    func testSRGNNGraphMatchesTheReferenceFixture() throws {
        let fixture = try TestFixtures.parity("SRGNN-Base").appendingPathComponent("batch.safetensors").path
        let file = try SafeTensorsFile(contentsOf: fixture)
        let itemSeq = try file.indexTensor("item_seq")
        let (rows, length) = (itemSeq.shape[0], itemSeq.shape[1])
        // Histories as stored splits hold them: without the left padding.
        var items: [Int32] = [], starts: [Int] = [], lengths: [Int32] = []
        for row in 0..<rows {
            let padded = itemSeq.indices[row * length ..< (row + 1) * length]
            let real = padded.drop { $0 == 0 }
            starts.append(items.count)
            lengths.append(Int32(real.count))
            items += real.map { Int32($0) }
        }
        let split = Split(userIds: [Int32](repeating: 1, count: rows), itemIds: [Int32](repeating: 1, count: rows),
                          cateIds: [Int32](repeating: 1, count: rows), historyStarts: starts, historyLengths: lengths,
                          historyItems: items, negativesPerRow: 1, negatives: [Int32](repeating: 2, count: rows))
        let batch = BatchIterator.makeBatch(split: split, rows: Array(0..<rows), maxSeqLen: length, includeSRGNNGraph: true)
        XCTAssertEqual(batch.itemSeq, itemSeq)
        XCTAssertEqual(batch.uniItemSeq, try file.indexTensor("uni_item_seq"))
        XCTAssertEqual(batch.aliasItemSeq, try file.indexTensor("alias_item_seq"))
        let expected = try file.tensor("A")
        XCTAssertEqual(batch.A?.shape, expected.shape)
        XCTAssertEqual(batch.A?.scalars, expected.scalars)
    }
}
