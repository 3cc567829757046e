import Tensor

/// Multi-head self-attention with output projection, residual connection and post-LayerNorm, as
/// RecBole's `MultiHeadAttention` (SASRec's `multi_head_attention`). Sub-modules, under the
/// reference names: `query`, `key`, `value`, `dense` (Linear D → D each) and `LayerNorm`.
///
/// For `x [B, L, D]`, `h` heads of size `d = D/h` and item ids `itemSeq [B, L]` (0 = padding):
/// ```
/// Q, K, V = query(x_q), key(x), value(x)                  head h = columns h·d ..< (h+1)·d
/// P_h     = dropout_attn(softmax(Q_h·K_hᵀ/√d + M))         M[p, k] = 0 if k ≤ p and itemSeq[k] ≠ 0, else −10000
/// y       = LayerNorm(dropout_hidden(dense(concat_h(P_h·V_h))) + x_q)
/// ```
/// where the query positions `x_q` are all of `x`, or only position L − 1 with `lastQueryOnly`
/// (keys and values still cover every position; values and gradients equal the full computation's
/// at that position). The attention core is the fused `Variable.maskedMultiHeadAttention`, so no
/// head split/merge copies and no `[B, 1, L, L]` mask are made.
///
/// Dropout is inverted dropout, active in training mode only, drawn from `randomSource`: first the
/// attention probabilities, then the output projection.
final class MultiHeadSelfAttention: Module {
    /// Number of heads h (head width D / h).
    let heads: Int
    /// d = D / h.
    let headSize: Int
    /// `query`, `key`, `value`: Linear(D → D) projections, split into heads.
    let query: Linear
    let key: Linear
    let value: Linear
    /// `dense`: the output projection.
    let dense: Linear
    /// `LayerNorm`: after the residual sum.
    let layerNorm: LayerNorm
    /// Dropout after the output projection.
    let hiddenDropout: Float
    /// Dropout on the attention probabilities.
    let attentionDropout: Float
    /// The model's shared random stream (dropout masks).
    let randomSource: RandomSource

    /// Layers with zero parameters until `resetAllParameters(using:)` draws PyTorch's defaults.
    init(dimension: Int, heads: Int, hiddenDropout: Float, attentionDropout: Float, eps: Float,
                randomSource: RandomSource) {
        precondition(heads > 0 && dimension % heads == 0, "\(heads) heads do not divide the width \(dimension)")
        self.heads = heads
        headSize = dimension / heads
        query = Linear(inFeatures: dimension, outFeatures: dimension, bias: true)
        key = Linear(inFeatures: dimension, outFeatures: dimension, bias: true)
        value = Linear(inFeatures: dimension, outFeatures: dimension, bias: true)
        dense = Linear(inFeatures: dimension, outFeatures: dimension, bias: true)
        layerNorm = LayerNorm(dimension: dimension, eps: eps)
        self.hiddenDropout = hiddenDropout
        self.attentionDropout = attentionDropout
        self.randomSource = randomSource
        super.init()
    }

    override var namedChildren: [(String, Module)] {
        [("query", query), ("key", key), ("value", value), ("dense", dense), ("LayerNorm", layerNorm)]
    }

    /// `x [B, L, D]` → `[B, Q, D]` with Q = L, or Q = 1 (the last position) when `lastQueryOnly`.
    /// Query p attends key k when k ≤ p and `itemSeq[b, k] ≠ 0` (additive mask −10000 otherwise).
    func callAsFunction(_ x: Variable, itemSeq: IndexTensor, lastQueryOnly: Bool = false) -> Variable {
        let (length, width) = (x.shape[1], x.shape[2])
        let queryInput = lastQueryOnly ? x.slice(axis: 1, range: (length - 1)..<length) : x   // [B, Q, D]
        let context = Variable.maskedMultiHeadAttention(
            queries: query(queryInput), keys: key(x), values: value(x), heads: heads,
            scale: 1 / Float(width / heads).squareRoot(), itemSeq: itemSeq, dropout: attentionDropout,
            training: isTraining, rng: &randomSource.generator)                           // [B, Q, D]
        let projected = dense(context)
            .dropout(probability: hiddenDropout, training: isTraining, rng: &randomSource.generator)
        return layerNorm(projected + queryInput)
    }
}
