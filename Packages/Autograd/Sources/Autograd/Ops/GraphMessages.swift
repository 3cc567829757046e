import Tensor

/// SRGNN's session graphs (`transitionGraphs(of:)`: `alias [B, L]`, adjacency `A [B, L, 2L]`) with
/// only their live nodes, packed row after row, and the adjacency as its non-zero entries.
///
/// Row `b` of a batch has `n_b = max_t alias[b, t] + 1` live nodes (its distinct values; the nodes
/// `n_b ..< L` are zero-fill that no position reads and no edge touches), packed as nodes
/// `offset_b ..< offset_b + n_b` of `N = Σ_b n_b`. Per packed node `p` and half `h` (0: incoming,
/// columns `0..<L` of A; 1: outgoing, columns `L..<2L`) the entries `start[2p + h] ..< start[2p + h + 1]`
/// hold `source` (the packed node of the column, ascending) and `weight` (the value of A).
/// A session has at most L − 1 distinct transitions, so a half holds at most L − 1 entries per row
/// against the dense L², and the node-wise layers run on N rows instead of B·L.
public struct PackedSessionGraph: Sendable {
    /// Live nodes N over the whole batch.
    public let nodeCount: Int
    /// `nodeOffsets[b] ..< nodeOffsets[b + 1]` are row b's packed nodes (`B + 1` offsets).
    let nodeOffsets: [Int]
    /// `[N]`: the position `b·L + i` of every packed node among the `B·L` node rows.
    public let livePositions: IndexTensor
    /// `[B, L]`: the packed node of every sequence position, `offset_b + alias[b, t]`.
    public let sequenceNodes: IndexTensor
    /// Entry ranges per packed node and half (`2N + 1` offsets), and the entries.
    let start: [Int]
    let source: [Int32]
    let weight: [Float]

    /// Number of stored (non-zero) adjacency entries.
    public var entryCount: Int { weight.count }

    /// Packs `alias [B, L]` and `adjacency [B, L, 2L]`; reads the adjacency only among live nodes.
    public init(alias: IndexTensor, adjacency: Tensor) {
        precondition(alias.rank == 2, "SRGNN alias must be [B, L], got \(alias.shape)")
        let (rows, length) = (alias.shape[0], alias.shape[1])
        precondition(adjacency.shape == [rows, length, 2 * length],
                     "SRGNN adjacency must be [B, L, 2L] = \([rows, length, 2 * length]), got \(adjacency.shape)")
        var offsets = [Int](repeating: 0, count: rows + 1), nodes = [Int](repeating: 0, count: rows * length)
        alias.indices.withUnsafeBufferPointer { aliases in
            nodes.withUnsafeMutableBufferPointer { nodes in
                for b in 0..<rows {
                    var largest = -1
                    for t in (b * length)..<((b + 1) * length) {
                        let a = aliases[t]
                        precondition(a >= 0 && a < length, "SRGNN alias row \(b) has a value outside 0..<\(length)")
                        largest = max(largest, a)
                        nodes[t] = offsets[b] + a
                    }
                    offsets[b + 1] = offsets[b] + largest + 1
                }
            }
        }
        var live = [Int]()
        live.reserveCapacity(offsets[rows])
        for b in 0..<rows { live.append(contentsOf: (b * length)..<(b * length + offsets[b + 1] - offsets[b])) }
        // At most L − 1 transitions per row and half; the reservation covers the usual sessions.
        var start = [Int](), source = [Int32](), weight = [Float]()
        start.reserveCapacity(2 * offsets[rows] + 1)
        source.reserveCapacity(2 * offsets[rows])
        weight.reserveCapacity(2 * offsets[rows])
        start.append(0)
        adjacency.scalars.withUnsafeBufferPointer { a in
            for b in 0..<rows {
                let (first, count) = (offsets[b], offsets[b + 1] - offsets[b])
                for i in 0..<count {
                    for half in 0..<2 {
                        let entries = a.baseAddress! + (b * length + i) * 2 * length + half * length
                        // Most entries are zero: skip sixteen at a time when none is set.
                        for block in stride(from: 0, to: count, by: 16) {
                            let end = min(block + 16, count)
                            if end - block == 16,
                               !any(UnsafeRawPointer(entries + block).loadUnaligned(as: SIMD16<Float>.self) .!= 0) { continue }
                            for j in block..<end where entries[j] != 0 {
                                source.append(Int32(first + j))
                                weight.append(entries[j])
                            }
                        }
                        start.append(weight.count)
                    }
                }
            }
        }
        nodeCount = offsets[rows]
        nodeOffsets = offsets
        livePositions = IndexTensor(shape: [live.count], indices: live)
        sequenceNodes = IndexTensor(shape: [rows, length], indices: nodes)
        (self.start, self.source, self.weight) = (start, source, weight)
    }
}

extension Variable {
    /// SR-GNN's graph messages on packed nodes, `[A_in · incoming + biasIn, A_out · outgoing + biasOut]`
    /// `[N, 2D]` for `incoming`, `outgoing` `[N, D]` (the edge-in / edge-out projections of the
    /// packed node states) and `biasIn`, `biasOut` `[D]`:
    /// `out[p, :D] = Σ_q A_in[p, q] · incoming[q] + biasIn`, `out[p, D:] = Σ_q A_out[p, q] · outgoing[q] + biasOut`,
    /// each sum over the graph's non-zero entries in ascending `q` (the dense product up to float
    /// reassociation; padding nodes contribute nothing to it either way).
    ///
    /// Backward: `∂incoming[q] = Σ_p A_in[p, q] · ∂out[p, :D]` (likewise `outgoing` with the second
    /// half), `∂biasIn`, `∂biasOut` the column sums of the two halves of `∂out`; the graph is a
    /// constant. Batch rows are shared out over the BLAS threads (`parallelRows`).
    public static func graphMessages(_ graph: PackedSessionGraph, incoming: Variable, outgoing: Variable,
                                     biasIn: Variable, biasOut: Variable) -> Variable {
        let width = incoming.shape.last ?? 0
        precondition(incoming.shape == [graph.nodeCount, width] && outgoing.shape == incoming.shape,
                     "graphMessages: incoming and outgoing must be [N, D] = [\(graph.nodeCount), D], got \(incoming.shape), \(outgoing.shape)")
        precondition(biasIn.shape == [width] && biasOut.shape == [width],
                     "graphMessages: biases must be [\(width)], got \(biasIn.shape), \(biasOut.shape)")
        let kernel = GraphMessageKernel(graph: graph, width: width)
        let messages = kernel.forward(incoming.value, outgoing.value, biasIn.value, biasOut.value)
        return Variable.record(messages, inputs: [incoming, outgoing, biasIn, biasOut]) {
            [needIn = incoming.requiresGrad, needOut = outgoing.requiresGrad] g in
            var grads: [Tensor?] = [nil, nil, nil, nil]
            if needIn || needOut {
                let sourceGrads = kernel.backward(g)
                grads[0] = needIn ? sourceGrads.incoming : nil
                grads[1] = needOut ? sourceGrads.outgoing : nil
            }
            let columnSums = g.sum(toShape: [2 * width]).scalars
            grads[2] = Tensor(shape: [width], scalars: Array(columnSums[0..<width]))
            grads[3] = Tensor(shape: [width], scalars: Array(columnSums[width...]))
            return grads
        }
    }
}

/// The loops of `Variable.graphMessages`.
private struct GraphMessageKernel {
    let graph: PackedSessionGraph
    /// D, the feature width of each half.
    let width: Int

    /// Runs `body(nodes)` for the packed nodes of each share of the batch rows, in parallel.
    private func forEachShare(_ body: (Range<Int>) -> Void) {
        let offsets = graph.nodeOffsets
        parallelRows(offsets.count - 1) { rows in body(offsets[rows.lowerBound]..<offsets[rows.upperBound]) }
    }

    /// `[N, 2D]` messages from the sources `[N, D]` and biases `[D]`.
    func forward(_ incoming: Tensor, _ outgoing: Tensor, _ biasIn: Tensor, _ biasOut: Tensor) -> Tensor {
        let d = width
        return Tensor(shape: [graph.nodeCount, 2 * d], unsafeUninitializedScalars: { out in
            incoming.scalars.withUnsafeBufferPointer { xIn in outgoing.scalars.withUnsafeBufferPointer { xOut in
            biasIn.scalars.withUnsafeBufferPointer { bIn in biasOut.scalars.withUnsafeBufferPointer { bOut in
            graph.start.withUnsafeBufferPointer { start in graph.source.withUnsafeBufferPointer { source in
            graph.weight.withUnsafeBufferPointer { weight in
                forEachShare { nodes in
                    for node in nodes {
                        for half in 0..<2 {
                            let x = half == 0 ? xIn.baseAddress! : xOut.baseAddress!
                            let bias = half == 0 ? bIn.baseAddress! : bOut.baseAddress!
                            let y = out.baseAddress! + node * 2 * d + half * d
                            y.update(repeating: 0, count: d)
                            for e in start[2 * node + half]..<start[2 * node + half + 1] {
                                let w = weight[e], xq = x + Int(source[e]) * d
                                for c in 0..<d { y[c] += w * xq[c] }
                            }
                            for c in 0..<d { y[c] += bias[c] }
                        }
                    }
                }
            } } } } } } }
        })
    }

    /// `∂incoming`, `∂outgoing` `[N, D]` from `∂out` `[N, 2D]` (the transposed products).
    func backward(_ g: Tensor) -> (incoming: Tensor, outgoing: Tensor) {
        let d = width
        var gradOut = Tensor.zeros([graph.nodeCount, d])
        let gradIn = Tensor(shape: [graph.nodeCount, d], unsafeUninitializedScalars: { gIn in
            gIn.initialize(repeating: 0)
            gradOut.scalars.withUnsafeMutableBufferPointer { gOut in g.scalars.withUnsafeBufferPointer { pg in
            graph.start.withUnsafeBufferPointer { start in graph.source.withUnsafeBufferPointer { source in
            graph.weight.withUnsafeBufferPointer { weight in
                forEachShare { nodes in
                    for node in nodes {
                        for half in 0..<2 {
                            let target = half == 0 ? gIn.baseAddress! : gOut.baseAddress!
                            let gp = pg.baseAddress! + node * 2 * d + half * d
                            for e in start[2 * node + half]..<start[2 * node + half + 1] {
                                let w = weight[e], dx = target + Int(source[e]) * d
                                for c in 0..<d { dx[c] += w * gp[c] }
                            }
                        }
                    }
                }
            } } } } }
        })
        return (gradIn, gradOut)
    }
}
