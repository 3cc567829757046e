import Autograd
import AutogradTestSupport
import Tensor
import XCTest

/// `PackedSessionGraph` and `Variable.graphMessages` against the dense products they replace, and
/// the messages' gradients by finite differences.
final class GraphMessagesTests: XCTestCase {
    /// Two sessions as SRGNN's graphs: one left-padded with a repeated transition (live nodes 0, 3,
    /// 7), one without padding and with repeated items (live nodes 2, 4, 5, 9).
    private let itemSeq = IndexTensor(shape: [2, 6], indices: [0, 0, 7, 3, 7, 3,
                                                               5, 2, 2, 9, 5, 4])

    func testPacksLiveNodesAndNonZeroEntries() {
        let graphs = transitionGraphs(of: itemSeq)
        let packed = PackedSessionGraph(alias: graphs.alias, adjacency: graphs.adjacency)
        XCTAssertEqual(packed.nodeCount, 3 + 4)
        XCTAssertEqual(packed.livePositions.indices, [0, 1, 2, 6, 7, 8, 9])
        XCTAssertEqual(packed.sequenceNodes.indices, [0, 0, 2, 1, 2, 1,
                                                      3 + 2, 3 + 0, 3 + 0, 3 + 3, 3 + 2, 3 + 1])
        XCTAssertEqual(packed.entryCount, graphs.adjacency.scalars.filter { $0 != 0 }.count)
    }

    func testMatchesDenseProductsPlusBias() {
        var rng = SeededGenerator(seed: 91)
        let graphs = transitionGraphs(of: itemSeq)
        let packed = PackedSessionGraph(alias: graphs.alias, adjacency: graphs.adjacency)
        let (rows, length, d) = (2, 6, 3)
        let xIn = Tensor.normal([rows, length, d], using: &rng), xOut = Tensor.normal([rows, length, d], using: &rng)
        let bIn = Tensor.normal([d], using: &rng), bOut = Tensor.normal([d], using: &rng)
        func live(_ x: Tensor) -> Variable { Variable(x.reshaped([rows * length, d])).gatherRows(packed.livePositions) }
        let messages = Variable.graphMessages(packed, incoming: live(xIn), outgoing: live(xOut),
                                              biasIn: Variable(bIn), biasOut: Variable(bOut))
        let a = Variable(graphs.adjacency)
        let expectedIn = a.slice(axis: 2, range: 0..<length).matmul(Variable(xIn)) + Variable(bIn)
        let expectedOut = a.slice(axis: 2, range: length..<(2 * length)).matmul(Variable(xOut)) + Variable(bOut)
        let expected = Variable.concat([expectedIn, expectedOut], axis: 2).reshaped([rows * length, 2 * d])
            .gatherRows(packed.livePositions).value
        XCTAssertEqual(messages.shape, [7, 2 * d])
        for (got, want) in zip(messages.value.scalars, expected.scalars) { XCTAssertEqual(got, want, accuracy: 1e-5) }
    }

    func testGradientsMatchFiniteDifferences() {
        var rng = SeededGenerator(seed: 92)
        let graphs = transitionGraphs(of: itemSeq)
        let packed = PackedSessionGraph(alias: graphs.alias, adjacency: graphs.adjacency)
        let xIn = Sample.parameter([7, 3], &rng), xOut = Sample.parameter([7, 3], &rng)
        let bIn = Sample.parameter([3], &rng), bOut = Sample.parameter([3], &rng)
        assertGradientsMatch([xIn, xOut, bIn, bOut]) {
            Variable.graphMessages(packed, incoming: $0[0], outgoing: $0[1], biasIn: $0[2], biasOut: $0[3])
        }
    }

    func testSplittingRowsOverThreadsGivesTheSameBits() {
        var rng = SeededGenerator(seed: 93)
        let graphs = transitionGraphs(of: itemSeq)
        let packed = PackedSessionGraph(alias: graphs.alias, adjacency: graphs.adjacency)
        let xIn = Sample.parameter([7, 3], &rng), xOut = Sample.parameter([7, 3], &rng)
        let bIn = Sample.parameter([3], &rng), bOut = Sample.parameter([3], &rng)
        let upstream = Tensor.normal([7, 6], using: &rng)
        func run(threads: Int) -> [Tensor] {
            withBLASThreads(atMost: threads) {
                for v in [xIn, xOut, bIn, bOut] { v.zeroGrad() }
                let y = Variable.graphMessages(packed, incoming: xIn, outgoing: xOut, biasIn: bIn, biasOut: bOut)
                y.backward(seed: upstream)
                return [y.value, xIn.grad!, xOut.grad!, bIn.grad!, bOut.grad!]
            }
        }
        let previous = blasThreads()
        defer { setBLASThreads(previous) }
        setBLASThreads(2)
        XCTAssertEqual(run(threads: 1), run(threads: 2))
    }
}

/// `Variable.gatedGraphUpdate` against the same update composed from single ops, and its gradients.
final class GatedGraphUpdateTests: XCTestCase {
    /// The update written op by op, as SRGNN's cell wrote it before the fused node.
    private func composed(_ gi: Variable, _ gh: Variable, _ h: Variable) -> Variable {
        let (i3, h3) = (gi.chunked(3, axis: 1), gh.chunked(3, axis: 1))
        let reset = (i3[0] + h3[0]).sigmoid()
        let input = (i3[1] + h3[1]).sigmoid()
        let candidate = (i3[2] + reset * h3[2]).tanh()
        return h + input * (candidate - h)
    }

    func testMatchesComposedOpsBitForBit() {
        var rng = SeededGenerator(seed: 94)
        let gi = Sample.parameter([5, 12], &rng), gh = Sample.parameter([5, 12], &rng), h = Sample.parameter([5, 4], &rng)
        let upstream = Tensor.normal([5, 4], using: &rng)
        func run(_ f: (Variable, Variable, Variable) -> Variable) -> [Tensor] {
            for v in [gi, gh, h] { v.zeroGrad() }
            let y = f(gi, gh, h)
            y.backward(seed: upstream)
            return [y.value, gi.grad!, gh.grad!, h.grad!]
        }
        let fused = run { Variable.gatedGraphUpdate(inputGates: $0, hiddenGates: $1, hidden: $2) }
        let reference = run(composed)
        for (index, name) in [(0, "h'"), (1, "∂gi"), (2, "∂gh"), (3, "∂h")] {
            XCTAssertEqual(fused[index], reference[index], name)
        }
    }

    func testGradientsMatchFiniteDifferences() {
        var rng = SeededGenerator(seed: 95)
        let gi = Sample.parameter([4, 9], &rng), gh = Sample.parameter([4, 9], &rng), h = Sample.parameter([4, 3], &rng)
        assertGradientsMatch([gi, gh, h]) { Variable.gatedGraphUpdate(inputGates: $0[0], hiddenGates: $0[1], hidden: $0[2]) }
    }
}
