import Autograd
import Tensor

/// The scoring MLP `mlp_layers = Dropout(p) → Linear(2D→D) → Tanh → Linear(D→1) → Sigmoid`,
/// applied to `concat(seq_emb repeated per candidate, candidate_emb)` (SeqModels README § Scoring head and loss).
///
/// Parameter names follow the reference's `nn.Sequential` indices: `1.weight [D, 2D]`, `1.bias [D]`,
/// `3.weight [1, D]`, `3.bias [1]` (under the ranker's `mlp_layers.` prefix). The Ada-Ranker reuses
/// `hidden` and `output` with per-row modulated weights.
public final class ScoringHead: Module {
    /// Dropout probability on the `[B, C, 2D]` input.
    public let dropoutProbability: Float
    /// `mlp_layers.1`: Linear(2D → D).
    public let hidden: Linear
    /// `mlp_layers.3`: Linear(D → 1).
    public let output: Linear
    /// The model's shared random stream (dropout masks).
    public let random: RandomSource

    /// A head for embeddings of width `dimension` (D).
    public init(dimension: Int, dropoutProbability: Float, random: RandomSource) {
        self.dropoutProbability = dropoutProbability
        self.hidden = Linear(inFeatures: 2 * dimension, outFeatures: dimension, bias: true)
        self.output = Linear(inFeatures: dimension, outFeatures: 1, bias: true)
        self.random = random
        super.init()
    }

    override public var namedChildren: [(String, Module)] { [("1", hidden), ("3", output)] }

    /// `concat(seq_emb repeated C times, candidate_emb)`: `sequence [B, D]`, `candidates [B, C, D]`
    /// → `[B, C, 2D]`.
    public static func pairFeatures(sequence: Variable, candidates: Variable) -> Variable {
        let (rows, columns, width) = (candidates.shape[0], candidates.shape[1], candidates.shape[2])
        precondition(sequence.shape == [rows, width],
                     "sequence embedding \(sequence.shape) does not match candidates \(candidates.shape)")
        let repeated = sequence.expandingDims(at: 1).broadcast(to: [rows, columns, width])
        return Variable.concat([repeated, candidates], axis: 2)
    }

    /// The head's input after dropout (active in training mode only): `[B, C, 2D]`.
    public func droppedPairFeatures(sequence: Variable, candidates: Variable) -> Variable {
        Self.pairFeatures(sequence: sequence, candidates: candidates)
            .dropout(probability: dropoutProbability, training: isTraining, rng: &random.generator)
    }

    /// Probabilities `[B, C]`: `σ(W₂ · tanh(W₁ · dropout(pair) + b₁) + b₂)`.
    public func callAsFunction(sequence: Variable, candidates: Variable) -> Variable {
        let preActivation = inferenceHiddenLayer(sequence: sequence, candidates: candidates)
            ?? droppedPairFeatures(sequence: sequence, candidates: candidates)                 // [B, C, 2D]
                .linear(weight: hidden.weight, bias: hidden.bias)                              // [B, C, D]
        let hiddenActivation = preActivation.tanh()
        let logits = hiddenActivation.linear(weight: output.weight, bias: output.bias)  // [B, C, 1]
        return logits.sigmoid().reshaped([candidates.shape[0], candidates.shape[1]])
    }

    /// The first layer `W₁ · [s_b, e_bc] + b₁` `[B, C, D]` in inference — evaluation mode, inside
    /// `withBatchInvariantProducts`, recording no graph — without building the pairs: one
    /// `sharedPrefixProduct` per sequence, whose half `W₁[:, :D] · s_b` of every lane sum is computed
    /// once for its C candidates. Exactly the bits of `linear` on the pairs (dropout is the identity
    /// in evaluation mode); `nil` anywhere else, where the caller builds the pairs.
    func inferenceHiddenLayer(sequence: Variable, candidates: Variable) -> Variable? {
        guard !isTraining, batchInvariantProducts, let bias = hidden.bias,
              !Variable.recordsGraph(for: [sequence, candidates, hidden.weight, bias]) else { return nil }
        let (rows, columns, width) = (candidates.shape[0], candidates.shape[1], candidates.shape[2])
        guard rows * columns > 0 else { return nil }
        precondition(sequence.shape == [rows, width],
                     "sequence embedding \(sequence.shape) does not match candidates \(candidates.shape)")
        let (outFeatures, weight, panels) = (hidden.outFeatures, hidden.weight.value, hidden.weight.transposedPanels)
        let (s, e, b) = (sequence.value, candidates.value, bias.value)
        let y = Tensor(shape: [rows, columns, outFeatures], unsafeUninitializedScalars: { out in
            s.scalars.withUnsafeBufferPointer { ps in e.scalars.withUnsafeBufferPointer { pe in
            weight.scalars.withUnsafeBufferPointer { pw in b.scalars.withUnsafeBufferPointer { pb in
                let o = out.baseAddress!
                for r in 0..<(rows * columns) { (o + r * outFeatures).update(from: pb.baseAddress!, count: outFeatures) }
                for row in 0..<rows {
                    sharedPrefixProduct(m: columns, n: outFeatures, k: 2 * width, prefixCount: width,
                                        prefix: ps.baseAddress! + row * width, a: pe.baseAddress! + row * columns * width,
                                        lda: width, b: pw.baseAddress!, ldb: 2 * width, panels: panels, beta: 1,
                                        c: o + row * columns * outFeatures, ldc: outFeatures)
                }
            } } } }
        })
        return Variable(y)
    }
}
