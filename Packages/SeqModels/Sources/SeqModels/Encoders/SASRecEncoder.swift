import Autograd
import Tensor

/// SASRec (SeqModels README § Models): `LayerNorm(item_emb + position_embedding(0..<L))` (eps `layer_norm_eps`) →
/// dropout(`hidden_dropout_prob`) → `n_layers` post-LN transformer layers (`trm_encoder.layer.<i>`,
/// `n_heads` heads, feed-forward width `inner_size`, `hidden_act`) with the additive mask −10000 on
/// padding keys and future positions → the last position, `seq_emb [B, D]`.
///
/// Only the last position of the last layer is needed, so that layer computes its queries,
/// output projection and feed-forward for position L − 1 alone (keys and values still cover every
/// position). The values and gradients equal the full computation's. The attention itself is one
/// fused op over all heads (`MultiHeadAttentionCore.swift`): no head split/merge copies and no
/// materialised `[B, 1, L, L]` mask.
///
/// Initialisation (reference = PyTorch defaults): `position_embedding` N(0, 1), LayerNorms
/// ones/zeros, Linear layers their default.
public final class SASRecEncoder: Module, SequenceEncoder {
    /// `position_embedding`: `[MAX_SEQ_LEN, D]`.
    public let positionEmbedding: Embedding
    /// `LayerNorm`: on the summed input embeddings.
    public let layerNorm: LayerNorm
    /// `trm_encoder.layer.<i>`.
    public let layers: [SASRecTransformerLayer]
    /// Dropout probability on the input and after each sub-layer.
    public let hiddenDropout: Float
    private let random: RandomSource

    /// Layers sized from `config` (zeros until `resetAllParameters`); dropout draws from `random`.
    public init(config: ModelConfig, random: RandomSource) {
        let d = config.embeddingSize
        positionEmbedding = Embedding(count: config.maxSeqLen, dimension: d)
        layerNorm = LayerNorm(dimension: d, eps: config.layerNormEps)
        let activation = FeedForwardActivation(rawValue: config.hiddenAct) ?? .gelu
        layers = (0..<config.nLayers).map { _ in
            SASRecTransformerLayer(dimension: d, heads: config.nHeads, innerSize: config.innerSize,
                                   hiddenDropout: config.hiddenDropoutProb, attentionDropout: config.attnDropoutProb,
                                   activation: activation, eps: config.layerNormEps, random: random)
        }
        hiddenDropout = config.hiddenDropoutProb
        self.random = random
        super.init()
    }

    override public var namedChildren: [(String, Module)] {
        [("position_embedding", positionEmbedding as Module), ("LayerNorm", layerNorm)]
            + layers.enumerated().map { ("trm_encoder.layer.\($0.offset)", $0.element as Module) }
    }

    public func encode(_ batch: RankingBatch, embedItems: ItemEmbedder, userEmbeddings: Variable) -> Variable {
        let rows = batch.sequenceShape.rows
        let hidden = transform(batch.itemSeq, embedItems: embedItems, lastPositionOnly: true)   // [B, 1, D]
        return hidden.reshaped([rows, hidden.shape[2]])                                          // [B, D]
    }

    /// The last layer's output at every position, `[B, L, D]` (`encode` returns position L − 1).
    public func allPositionStates(_ batch: RankingBatch, embedItems: ItemEmbedder) -> Variable {
        transform(batch.itemSeq, embedItems: embedItems, lastPositionOnly: false)
    }

    /// Input embedding and the transformer stack; `[B, 1, D]` when `lastPositionOnly`, else `[B, L, D]`.
    private func transform(_ itemSeq: IndexTensor, embedItems: ItemEmbedder, lastPositionOnly: Bool) -> Variable {
        let length = itemSeq.shape[1]
        precondition(length <= positionEmbedding.weight.shape[0],
                     "SASRec: sequence length \(length) exceeds MAX_SEQ_LEN = \(positionEmbedding.weight.shape[0])")
        let positions = positionEmbedding.weight.slice(axis: 0, range: 0..<length)        // [L, D]
        var hidden = layerNorm(embedItems(itemSeq) + positions)
            .dropout(probability: hiddenDropout, training: isTraining, rng: &random.generator)  // [B, L, D]
        for (index, layer) in layers.enumerated() {
            let queryLast = lastPositionOnly && index == layers.count - 1
            hidden = layer(hidden, itemSeq: itemSeq, lastQueryOnly: queryLast)
        }
        return hidden
    }
}

/// One post-LN transformer layer of SASRec (RecBole naming): `multi_head_attention.{query, key,
/// value, dense, LayerNorm}` and `feed_forward.{dense_1, dense_2, LayerNorm}`.
///
/// `a = LN(x_q + dropout(dense(Attention(x))))`, `y = LN(a + dropout(dense_2(act(dense_1(a)))))`,
/// where `Attention` is `n_heads`-head scaled dot-product attention with an additive mask and
/// dropout on the probabilities, and `x_q` the query positions of `x`.
public final class SASRecTransformerLayer: Module {
    /// `multi_head_attention`.
    public let attention: SASRecSelfAttention
    /// `feed_forward`.
    public let feedForward: SASRecFeedForward

    public init(dimension: Int, heads: Int, innerSize: Int, hiddenDropout: Float, attentionDropout: Float,
                activation: FeedForwardActivation, eps: Float, random: RandomSource) {
        attention = SASRecSelfAttention(dimension: dimension, heads: heads, hiddenDropout: hiddenDropout,
                                        attentionDropout: attentionDropout, eps: eps, random: random)
        feedForward = SASRecFeedForward(dimension: dimension, innerSize: innerSize, hiddenDropout: hiddenDropout,
                                        activation: activation, eps: eps, random: random)
        super.init()
    }

    override public var namedChildren: [(String, Module)] {
        [("multi_head_attention", attention), ("feed_forward", feedForward)]
    }

    /// `x [B, L, D]` → `[B, L, D]`, or `[B, 1, D]` (position L − 1 only) when `lastQueryOnly`;
    /// `itemSeq [B, L]` masks padding keys (id 0).
    public func callAsFunction(_ x: Variable, itemSeq: IndexTensor, lastQueryOnly: Bool = false) -> Variable {
        feedForward(attention(x, itemSeq: itemSeq, lastQueryOnly: lastQueryOnly))
    }
}

/// Multi-head self-attention with residual connection and LayerNorm (`multi_head_attention`).
public final class SASRecSelfAttention: Module {
    /// `query`, `key`, `value`: Linear(D → D) projections, split into heads.
    public let query: Linear
    public let key: Linear
    public let value: Linear
    /// `dense`: output projection.
    public let dense: Linear
    /// `LayerNorm`: after the residual sum.
    public let layerNorm: LayerNorm
    /// Number of heads h (head width D / h).
    public let heads: Int
    /// Dropout after the output projection.
    public let hiddenDropout: Float
    /// Dropout on the attention probabilities.
    public let attentionDropout: Float
    private let random: RandomSource

    public init(dimension: Int, heads: Int, hiddenDropout: Float, attentionDropout: Float, eps: Float,
                random: RandomSource) {
        precondition(dimension % heads == 0, "\(heads) heads do not divide the width \(dimension)")
        query = Linear(inFeatures: dimension, outFeatures: dimension, bias: true)
        key = Linear(inFeatures: dimension, outFeatures: dimension, bias: true)
        value = Linear(inFeatures: dimension, outFeatures: dimension, bias: true)
        dense = Linear(inFeatures: dimension, outFeatures: dimension, bias: true)
        layerNorm = LayerNorm(dimension: dimension, eps: eps)
        self.heads = heads
        self.hiddenDropout = hiddenDropout
        self.attentionDropout = attentionDropout
        self.random = random
        super.init()
    }

    override public var namedChildren: [(String, Module)] {
        [("query", query), ("key", key), ("value", value), ("dense", dense), ("LayerNorm", layerNorm)]
    }

    /// `x [B, L, D]` → `[B, Q, D]` with Q = L, or Q = 1 (the last position) when `lastQueryOnly`.
    /// Query p attends key k when k ≤ p and `itemSeq[b, k] ≠ 0` (additive mask −10000 otherwise).
    public func callAsFunction(_ x: Variable, itemSeq: IndexTensor, lastQueryOnly: Bool) -> Variable {
        let (length, width) = (x.shape[1], x.shape[2])
        let queryInput = lastQueryOnly ? x.slice(axis: 1, range: (length - 1)..<length) : x   // [B, Q, D]
        let context = Variable.maskedMultiHeadAttention(
            queries: query(queryInput), keys: key(x), values: value(x), heads: heads,
            scale: 1 / Float(width / heads).squareRoot(), itemSeq: itemSeq, dropout: attentionDropout,
            training: isTraining, rng: &random.generator)                           // [B, Q, D]
        let projected = dense(context)
            .dropout(probability: hiddenDropout, training: isTraining, rng: &random.generator)
        return layerNorm(projected + queryInput)
    }
}

/// Position-wise feed-forward with residual connection and LayerNorm (`feed_forward`).
public final class SASRecFeedForward: Module {
    /// `dense_1`: Linear(D → inner).
    public let dense1: Linear
    /// `dense_2`: Linear(inner → D).
    public let dense2: Linear
    /// `LayerNorm`: after the residual sum.
    public let layerNorm: LayerNorm
    /// The activation between the two dense layers (`hidden_act`).
    public let activation: FeedForwardActivation
    /// Dropout after `dense_2`.
    public let hiddenDropout: Float
    private let random: RandomSource

    public init(dimension: Int, innerSize: Int, hiddenDropout: Float, activation: FeedForwardActivation,
                eps: Float, random: RandomSource) {
        dense1 = Linear(inFeatures: dimension, outFeatures: innerSize, bias: true)
        dense2 = Linear(inFeatures: innerSize, outFeatures: dimension, bias: true)
        layerNorm = LayerNorm(dimension: dimension, eps: eps)
        self.activation = activation
        self.hiddenDropout = hiddenDropout
        self.random = random
        super.init()
    }

    override public var namedChildren: [(String, Module)] {
        [("dense_1", dense1), ("dense_2", dense2), ("LayerNorm", layerNorm)]
    }

    /// `[B, P, D]` → `[B, P, D]`.
    public func callAsFunction(_ x: Variable) -> Variable {
        let inner = activate(dense1(x))
        let projected = dense2(inner)
            .dropout(probability: hiddenDropout, training: isTraining, rng: &random.generator)
        return layerNorm(projected + x)
    }

    private func activate(_ x: Variable) -> Variable {
        switch activation {
        case .gelu: return x.gelu()
        case .relu: return x.relu()
        case .swish: return x * x.sigmoid()
        case .tanh: return x.tanh()
        case .sigmoid: return x.sigmoid()
        }
    }
}
