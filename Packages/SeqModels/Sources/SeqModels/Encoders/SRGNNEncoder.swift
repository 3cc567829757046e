import Autograd
import Tensor

/// SR-GNN (SeqModels README § Models): `h = item_embedding(uni_item_seq)` `[B, L, D]` → `step` gated GNN steps over
/// the session graph (`gnn`) → gathered back to sequence order by `alias_item_seq` →
/// `seq_hidden [B, L, D]`, `ht = seq_hidden[:, −1]`;
/// `alpha = linear_three(σ(linear_one(ht) + linear_two(seq_hidden)))` `[B, L, 1]`;
/// `a = Σ_t alpha_t · seq_hidden_t · [item_seq_t > 0]`; `seq_emb = linear_transform([a, ht])` `[B, D]`.
///
/// Uses `batch.graph`, or builds it from `item_seq` when absent. The gated graph cell runs on the
/// live nodes only (`PackedSessionGraph`: a row's distinct items; the zero-fill nodes after them take
/// no part in any result), and its adjacency products on the graph's non-zero entries.
/// Initialisation (reference): the GNN's raw weights and biases N(0, 1) (`torch.randn`), every
/// Linear its PyTorch default.
final class SRGNNEncoder: Module, SequenceEncoder {
    /// `gnn`: the gated graph cell.
    let gnn: GatedGraphCell
    /// `linear_one`: Linear(D → D) on `ht`.
    let linearOne: Linear
    /// `linear_two`: Linear(D → D) on every position.
    let linearTwo: Linear
    /// `linear_three`: Linear(D → 1, no bias), the attention score.
    let linearThree: Linear
    /// `linear_transform`: Linear(2D → D) on `[a, ht]`.
    let linearTransform: Linear

    /// Layers sized from `config` (zeros until `resetAllParameters`).
    init(config: ModelConfig) {
        let d = config.embeddingSize
        gnn = GatedGraphCell(dimension: d, steps: config.step)
        linearOne = Linear(inFeatures: d, outFeatures: d, bias: true)
        linearTwo = Linear(inFeatures: d, outFeatures: d, bias: true)
        linearThree = Linear(inFeatures: d, outFeatures: 1, bias: false)
        linearTransform = Linear(inFeatures: 2 * d, outFeatures: d, bias: true)
        super.init()
    }

    override var namedChildren: [(String, Module)] {
        [("gnn", gnn), ("linear_one", linearOne), ("linear_two", linearTwo),
         ("linear_three", linearThree), ("linear_transform", linearTransform)]
    }

    func encode(_ batch: RankingBatch, embedItems: ItemEmbedder, userEmbeddings: () -> Variable) -> Variable {
        let graph = batch.graph ?? SessionGraph(itemSeq: batch.itemSeq)
        let packed = PackedSessionGraph(alias: graph.alias, adjacency: graph.adjacency)
        let (rows, length) = batch.sequenceShape
        let items = embedItems(graph.uniqueItems)                                   // [B, L, D]
        let live = items.reshaped([rows * length, items.shape[2]]).gatherRows(packed.livePositions)  // [N, D]
        let nodes = gnn(live, graph: packed)                                        // [N, D]
        let sequence = nodes.gatherRows(packed.sequenceNodes)                       // [B, L, D]
        let width = sequence.shape[2]
        let lastState = sequence.slice(axis: 1, range: (length - 1)..<length)       // [B, 1, D]
        // linear_two(seq_hidden) row by row equals linear_two on the nodes, gathered the same way.
        let positionTerms = linearTwo(nodes).gatherRows(packed.sequenceNodes)       // [B, L, D]
        let gate = (linearOne(lastState) + positionTerms).sigmoid()                 // [B, L, D]
        let alpha = linearThree(gate)                                               // [B, L, 1]
        let mask = Variable(batch.itemSeq.nonPaddingMask(shape: [rows, length, 1]))
        let attended = (alpha * mask * sequence).sum(axis: 1)                       // [B, D]
        let combined = Variable.concat([attended, lastState.reshaped([rows, width])], axis: 1)  // [B, 2D]
        return linearTransform(combined)                                            // [B, D]
    }
}

/// SR-GNN's gated graph cell (`gnn`), repeated `steps` times on node states `h` (the reference's
/// `[B, L, D]`, here the live nodes `[N, D]`) with the adjacency `A [B, L, 2L]`:
/// `in = A[:, :, :L] · linear_edge_in(h) + b_iah`, `out = A[:, :, L:] · linear_edge_out(h) + b_ioh`;
/// `gi = [in, out] · w_ihᵀ + b_ih`, `gh = h · w_hhᵀ + b_hh`, split into (r, i, n) thirds;
/// `r = σ(gi_r + gh_r)`, `i = σ(gi_i + gh_i)`, `n = tanh(gi_n + r ⊙ gh_n)`, `h ← (1 − i) ⊙ h + i ⊙ n`.
final class GatedGraphCell: Module {
    /// `w_ih [3D, 2D]`.
    let wIH: Parameter
    /// `w_hh [3D, D]`.
    let wHH: Parameter
    /// `b_ih [3D]`.
    let bIH: Parameter
    /// `b_hh [3D]`.
    let bHH: Parameter
    /// `b_iah [D]`, bias of the incoming-edge messages.
    let bIAH: Parameter
    /// `b_ioh [D]`, bias of the outgoing-edge messages.
    let bIOH: Parameter
    /// `linear_edge_in`: Linear(D → D).
    let linearEdgeIn: Linear
    /// `linear_edge_out`: Linear(D → D).
    let linearEdgeOut: Linear
    /// Number of propagation steps (`step`).
    let steps: Int

    init(dimension d: Int, steps: Int) {
        wIH = .parameter(.zeros([3 * d, 2 * d]))
        wHH = .parameter(.zeros([3 * d, d]))
        bIH = .parameter(.zeros([3 * d]))
        bHH = .parameter(.zeros([3 * d]))
        bIAH = .parameter(.zeros([d]))
        bIOH = .parameter(.zeros([d]))
        linearEdgeIn = Linear(inFeatures: d, outFeatures: d, bias: true)
        linearEdgeOut = Linear(inFeatures: d, outFeatures: d, bias: true)
        self.steps = steps
        super.init()
    }

    override var namedLocalParameters: [(String, Parameter)] {
        [("w_ih", wIH), ("w_hh", wHH), ("b_ih", bIH), ("b_hh", bHH), ("b_iah", bIAH), ("b_ioh", bIOH)]
    }

    override var namedChildren: [(String, Module)] {
        [("linear_edge_in", linearEdgeIn), ("linear_edge_out", linearEdgeOut)]
    }

    /// The reference draws these six tensors with `torch.randn`: N(0, 1).
    override func resetParameters(using rng: inout SeededGenerator) {
        for (_, parameter) in namedLocalParameters {
            parameter.value = .normal(parameter.shape, using: &rng)
        }
    }

    /// Node states after `steps` propagation steps: the live nodes' states `hidden [N, D]` of the
    /// packed `graph` → `[N, D]`. The adjacency products run over the graph's non-zero entries
    /// (`Variable.graphMessages`), at most L − 1 per session and half instead of the dense L².
    func callAsFunction(_ hidden: Variable, graph: PackedSessionGraph) -> Variable {
        precondition(hidden.value.rank == 2 && hidden.shape[0] == graph.nodeCount,
                     "SRGNN node states must be [N, D] with N = \(graph.nodeCount) live nodes, got \(hidden.shape)")
        var h = hidden
        for _ in 0..<steps {
            let inputs = Variable.graphMessages(graph, incoming: linearEdgeIn(h), outgoing: linearEdgeOut(h),
                                                biasIn: bIAH, biasOut: bIOH)        // [N, 2D]
            h = Variable.gatedGraphUpdate(inputGates: inputs.linear(weight: wIH, bias: bIH),   // gi [N, 3D]
                                          hiddenGates: h.linear(weight: wHH, bias: bHH),     // gh [N, 3D]
                                          hidden: h)
        }
        return h
    }
}
