import Tensor

/// Multi-head self-attention with output projection, residual connection and post-LayerNorm, as
/// RecBole's `MultiHeadAttention` (SASRec). Sub-modules, under the reference names: `query`, `key`,
/// `value`, `dense` (Linear D → D each), `LayerNorm`, and the parameter-free `attn_dropout` and
/// `out_dropout` (children so that `train()` / `eval()` reach them).
///
/// For `x [B, L, D]` and `h` heads of size `d = D/h`:
/// ```
/// Q, K, V = query(x), key(x), value(x), each split into heads [B, h, L, d]
/// P = dropout_attn(softmax(Q·Kᵀ/√d + mask))            [B, h, L, L]
/// y = LayerNorm(dropout_hidden(dense(merge(P·V))) + x)  [B, L, D]
/// ```
/// `mask` is additive (0 = attend, −10000 = ignore), broadcastable to `[B, h, L, L]`; see
/// `additiveMask(itemSequence:causal:)`.
public final class MultiHeadSelfAttention: Module {
    public let heads: Int
    public let headSize: Int
    public let query: Linear
    public let key: Linear
    public let value: Linear
    /// `dense`: the output projection.
    public let dense: Linear
    /// `LayerNorm`: after the residual sum.
    public let layerNorm: LayerNorm
    public let attentionDropout: Dropout
    public let hiddenDropout: Dropout

    public init(dimension: Int, heads: Int, hiddenDropout: Float, attentionDropout: Float, eps: Float,
                randomSource: RandomSource) {
        precondition(heads > 0 && dimension % heads == 0, "\(heads) heads do not divide the width \(dimension)")
        self.heads = heads
        headSize = dimension / heads
        query = Linear(inFeatures: dimension, outFeatures: dimension)
        key = Linear(inFeatures: dimension, outFeatures: dimension)
        value = Linear(inFeatures: dimension, outFeatures: dimension)
        dense = Linear(inFeatures: dimension, outFeatures: dimension)
        layerNorm = LayerNorm(dimension: dimension, eps: eps)
        self.attentionDropout = Dropout(probability: attentionDropout, randomSource: randomSource)
        self.hiddenDropout = Dropout(probability: hiddenDropout, randomSource: randomSource)
        super.init()
    }

    override public var namedChildren: [(String, Module)] {
        [("query", query), ("key", key), ("value", value), ("attn_dropout", attentionDropout), ("dense", dense),
         ("out_dropout", hiddenDropout), ("LayerNorm", layerNorm)]
    }

    /// `x [B, L, D]` → `[B, L, D]` with the additive `mask` (broadcastable to `[B, h, L, L]`).
    public func callAsFunction(_ x: Variable, additiveMask mask: Tensor) -> Variable {
        let (batch, length, width) = (x.shape[0], x.shape[1], x.shape[2])
        func splitHeads(_ t: Variable) -> Variable {                                  // [B, L, D] → [B, h, L, d]
            t.reshaped([batch, length, heads, headSize]).permuted([0, 2, 1, 3])
        }
        let q = splitHeads(query(x)), k = splitHeads(key(x)), v = splitHeads(value(x))
        let scores = q.matmul(k, transposeB: true) / Float(headSize).squareRoot() + Variable(mask)
        let probabilities = attentionDropout(scores.softmax(axis: -1))               // [B, h, L, L]
        let context = probabilities.matmul(v).permuted([0, 2, 1, 3]).reshaped([batch, length, width])
        return layerNorm(hiddenDropout(dense(context)) + x)
    }

    /// RecBole's SASRec mask `[B, 1, L, L]` for item ids `[B, L]` (0 = padding): 0 where query q
    /// may attend key k — k is not padding and, when `causal`, k ≤ q — and −10000 elsewhere.
    public static func additiveMask(itemSequence ids: IndexTensor, causal: Bool = true) -> Tensor {
        precondition(ids.rank == 2, "item sequence must be [B, L], got \(ids.shape)")
        let (batch, length) = (ids.shape[0], ids.shape[1])
        return Tensor(shape: [batch, 1, length, length], unsafeUninitializedScalars: { out in
            ids.indices.withUnsafeBufferPointer { id in
                for b in 0..<batch {
                    for q in 0..<length {
                        let row = (b * length + q) * length
                        for k in 0..<length {
                            let allowed = id[b * length + k] != 0 && (!causal || k <= q)
                            out[row + k] = allowed ? 0 : -10000
                        }
                    }
                }
            }
        })
    }
}
