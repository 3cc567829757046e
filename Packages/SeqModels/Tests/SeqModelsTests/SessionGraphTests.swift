import TestSupport
import SeqModels
import SeqModelsTestSupport
import Tensor
import XCTest

final class SessionGraphTests: XCTestCase {
    /// The builder reproduces the reference's graph tensors stored in the SRGNN fixture.
    func testMatchesTheFixtureGraph() throws {
        let directory = try TestFixtures.parity("SRGNN-Base")
        let file = try SafeTensorsFile(contentsOf: directory.appendingPathComponent("batch.safetensors").path)
        let graph = SessionGraph(itemSeq: try file.indexTensor("item_seq"))
        XCTAssertEqual(graph.uniqueItems, try file.indexTensor("uni_item_seq"))
        XCTAssertEqual(graph.alias, try file.indexTensor("alias_item_seq"))
        XCTAssertLessThan(graph.adjacency.maxAbsDifference(try file.tensor("A")), 1e-7)
    }

    func testSmallGraphByHand() {
        // History 0, 5, 3, 5, 7 → unique [0, 3, 5, 7, 0], alias [0, 2, 1, 2, 3].
        let graph = SessionGraph(itemSeq: IndexTensor(shape: [1, 5], indices: [0, 5, 3, 5, 7]))
        XCTAssertEqual(graph.uniqueItems.indices, [0, 3, 5, 7, 0])
        XCTAssertEqual(graph.alias.indices, [0, 2, 1, 2, 3])
        // Edges 2→1, 1→2, 2→3 (the pair with alias 0 is skipped). Node 2 has in-degree 1, out-degree 2.
        let a = graph.adjacency
        XCTAssertEqual(a[0, 2, 1], 1)          // A_in: node 2 receives from node 1
        XCTAssertEqual(a[0, 1, 2], 1)          // A_in: node 1 receives from node 2
        XCTAssertEqual(a[0, 3, 2], 1)          // A_in: node 3 receives from node 2
        XCTAssertEqual(a[0, 2, 5 + 1], 0.5)    // A_out: node 2 sends to node 1 (of 2 out-edges)
        XCTAssertEqual(a[0, 2, 5 + 3], 0.5)
        XCTAssertEqual(a[0, 1, 5 + 2], 1)
        XCTAssertEqual(a.scalars.reduce(0, +), 5)
    }
}

/// The graph cases that DataPipeline's batching tests used to check (the builder moved here).
final class SessionGraphBuilderTests: XCTestCase {
    func testSRGNNGraphForASequenceWithARepeatedItem() throws {
        // Padded row (L = 6): [0, 0, 3, 5, 3, 4]. Distinct sorted: [0, 3, 4, 5] → alias [0, 0, 1, 3, 1, 2].
        // Edges (skipping alias 0): 1→3, 3→1, 1→2. Out-degree r: r[1] = 2, r[3] = 1; in-degree c: c[3] = 1, c[1] = 1, c[2] = 1.
        let graph = SessionGraph(itemSeq: IndexTensor(shape: [1, 6], indices: [0, 0, 3, 5, 3, 4]))
        XCTAssertEqual(graph.uniqueItems.indices, [0, 3, 4, 5, 0, 0])
        XCTAssertEqual(graph.alias.indices, [0, 0, 1, 3, 1, 2])
        let a = graph.adjacency
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
        let first = SessionGraph(itemSeq: IndexTensor(shape: [1, 4], indices: [2, 7, 2, 7]))
        XCTAssertEqual(first.uniqueItems.indices, [2, 7, 0, 0])
        XCTAssertEqual(first.alias.indices, [0, 1, 0, 1])
        XCTAssertEqual(first.adjacency.scalars, [Float](repeating: 0, count: 32))
        // [0, 4, 6, 4, 6]: edges 1→2 twice and 2→1 once; M is 0/1, so every weight is 1.
        let graph = SessionGraph(itemSeq: IndexTensor(shape: [1, 5], indices: [0, 4, 6, 4, 6]))
        XCTAssertEqual(graph.alias.indices, [0, 1, 2, 1, 2])
        let a = graph.adjacency
        XCTAssertEqual(a[0, 2, 1], 1)
        XCTAssertEqual(a[0, 1, 2], 1)
        XCTAssertEqual(a[0, 1, 5 + 2], 1)
        XCTAssertEqual(a[0, 2, 5 + 1], 1)
        XCTAssertEqual(a.scalars.reduce(0, +), 4)
    }

    /// The reference's own `uni_item_seq`, `alias_item_seq` and `A` for the SRGNN parity batch
    /// (`Tests/Fixtures/parity/SRGNN-Base/batch.safetensors`), rebuilt from its `item_seq`, bit for bit.
    func testSRGNNGraphMatchesTheReferenceFixture() throws {
        let fixture = try TestFixtures.parity("SRGNN-Base").appendingPathComponent("batch.safetensors").path
        let file = try SafeTensorsFile(contentsOf: fixture)
        let itemSeq = try file.indexTensor("item_seq")
        let graph = SessionGraph(itemSeq: itemSeq)
        XCTAssertEqual(graph.uniqueItems, try file.indexTensor("uni_item_seq"))
        XCTAssertEqual(graph.alias, try file.indexTensor("alias_item_seq"))
        let expected = try file.tensor("A")
        XCTAssertEqual(graph.adjacency.shape, expected.shape)
        XCTAssertEqual(graph.adjacency.scalars, expected.scalars)
    }
}

final class SRGNNWithoutGraphTests: XCTestCase {
    func testBuildsTheGraphWhenTheBatchHasNone() throws {
        let ranker = try Ranker(config: TinyRankers.config(.srgnn))
        let batch = TinyRankers.batch()
        var withoutGraph = batch
        withoutGraph.graph = nil
        XCTAssertEqual(ranker.scores(withoutGraph), ranker.scores(batch))
    }
}
