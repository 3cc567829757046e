import TestSupport
import SeqModels
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
        XCTAssertLessThan(TestSupport.maxDifference(graph.adjacency, try file.tensor("A")), 1e-7)
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

final class SRGNNWithoutGraphTests: XCTestCase {
    func testBuildsTheGraphWhenTheBatchHasNone() throws {
        let ranker = try Ranker(config: TestSupport.config(.srgnn))
        let batch = TestSupport.batch()
        var withoutGraph = batch
        withoutGraph.graph = nil
        XCTAssertEqual(ranker.scores(withoutGraph), ranker.scores(batch))
    }
}
