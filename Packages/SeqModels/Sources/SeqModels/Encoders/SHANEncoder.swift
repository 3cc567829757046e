import Autograd
import Tensor

/// SHAN (SeqModels README § Models), with `x` = item embeddings `[B, L, D]`, `u` = user embeddings `[B, D]` and the
/// padding mask `m = item_seq == 0`:
/// - long-term: `w = softmax_t(masked(relu(long_w(x) + long_b) · u, m, −1e9))`, `lt = Σ_t w_t x_t`;
/// - long-short: over `ls = [lt, x[:, −s:]]` `[B, s+1, D]` with mask `[false, m[:, −s:]]`,
///   `w2 = softmax(masked(relu(long_short_w(ls) + long_short_b) · u, −1e9))`, `seq_emb = Σ w2 · ls`.
///
/// Initialisation (reference): `long_b`, `long_short_b` U(±√(3/D)); the Linear layers their default.
final class SHANEncoder: Module, SequenceEncoder {
    /// `long_w`: Linear(D → D).
    let longW: Linear
    /// `long_b`: `[D]`.
    let longB: Parameter
    /// `long_short_w`: Linear(D → D).
    let longShortW: Linear
    /// `long_short_b`: `[D]`.
    let longShortB: Parameter
    /// s, the number of most recent items joined with the long-term vector.
    let shortItemLength: Int

    /// Layers sized from `config` (zeros until `resetAllParameters`).
    init(config: ModelConfig) {
        let d = config.embeddingSize
        longW = Linear(inFeatures: d, outFeatures: d, bias: true)
        longB = .parameter(.zeros([d]))
        longShortW = Linear(inFeatures: d, outFeatures: d, bias: true)
        longShortB = .parameter(.zeros([d]))
        shortItemLength = config.shortItemLength
        super.init()
    }

    override var namedLocalParameters: [(String, Parameter)] {
        [("long_b", longB), ("long_short_b", longShortB)]
    }

    override var namedChildren: [(String, Module)] { [("long_w", longW), ("long_short_w", longShortW)] }

    override func resetParameters(using rng: inout SeededGenerator) {
        let bound = (3 / Float(longB.shape[0])).squareRoot()
        longB.value = .uniform(longB.shape, low: -bound, high: bound, using: &rng)
        longShortB.value = .uniform(longShortB.shape, low: -bound, high: bound, using: &rng)
    }

    func encode(_ batch: RankingBatch, embedItems: ItemEmbedder, userEmbeddings: () -> Variable) -> Variable {
        let user = userEmbeddings()                                                  // [B, D]
        let (rows, length) = batch.sequenceShape
        let s = min(shortItemLength, length)
        let items = embedItems(batch.itemSeq)                                        // [B, L, D]
        let padding = batch.itemSeq.paddingMask()                                    // [B, L]

        let longTerm = Self.attentionPool(items, projection: longW, bias: longB, user: user,
                                          mask: padding)                                      // [B, 1, D]
        let recent = items.slice(axis: 1, range: (length - s)..<length)              // [B, s, D]
        var shortMask = Tensor.zeros([rows, s + 1])
        let source = padding.scalars
        for row in 0..<rows {
            for j in 0..<s { shortMask.scalars[row * (s + 1) + 1 + j] = source[row * length + length - s + j] }
        }
        let longShort = Variable.concat([longTerm, recent], axis: 1)                  // [B, s+1, D]
        return Self.attentionPool(longShort, projection: longShortW, bias: longShortB, user: user,
                                  mask: shortMask).reshaped([rows, longShort.shape[2]])  // [B, D]
    }

    /// `Σ_t softmax_t(masked(relu(W values_t + b_W + bias) · u, −1e9)) · values_t`:
    /// `values [B, T, D]`, `user [B, D]`, `mask [B, T]` (1 = masked) → `[B, 1, D]`. The logits come from
    /// the fused `reluProjectionScores`, which never materialises the `[B, T, D]` keys.
    private static func attentionPool(_ values: Variable, projection: Linear, bias: Parameter,
                                      user: Variable, mask: Tensor) -> Variable {
        let logits = values.reluProjectionScores(weight: projection.weight, bias: projection.bias!,
                                                 extraBias: bias, query: user)      // [B, T]
        let weights = logits.maskedFill(mask, value: -1e9).softmax(axis: 1)          // [B, T]
        return weights.expandingDims(at: 1).matmul(values)                           // [B, 1, D]
    }
}
