import Tensor

/// The position-wise feed-forward block of RecBole's Transformer (`feed_forward`):
/// `y = LayerNorm(dropout(dense_2(act(dense_1(x)))) + x)`; sub-modules `dense_1` (D → inner),
/// `dense_2` (inner → D) and `LayerNorm`. Dropout (training mode only) draws from `randomSource`.
public final class FeedForward: Module, Layer {
    /// RecBole's `hidden_act` choices; `gelu` is the erf form `0.5·x·(1 + erf(x/√2))`, `swish` is `x·σ(x)`.
    public enum Activation: String, CaseIterable, Sendable {
        case gelu, relu, swish, tanh, sigmoid
    }

    /// `dense_1`: Linear(D → inner).
    public let dense1: Linear
    /// `dense_2`: Linear(inner → D).
    public let dense2: Linear
    /// `LayerNorm`: after the residual sum.
    public let layerNorm: LayerNorm
    /// The activation between the two dense layers.
    public let activation: Activation
    /// Dropout after `dense_2`.
    public let hiddenDropout: Float
    /// The model's shared random stream (dropout masks).
    public let randomSource: RandomSource

    public init(dimension: Int, innerSize: Int, hiddenDropout: Float, activation: Activation = .gelu, eps: Float,
                randomSource: RandomSource) {
        dense1 = Linear(inFeatures: dimension, outFeatures: innerSize, bias: true)
        dense2 = Linear(inFeatures: innerSize, outFeatures: dimension, bias: true)
        layerNorm = LayerNorm(dimension: dimension, eps: eps)
        self.activation = activation
        self.hiddenDropout = hiddenDropout
        self.randomSource = randomSource
        super.init()
    }

    override public var namedChildren: [(String, Module)] {
        [("dense_1", dense1), ("dense_2", dense2), ("LayerNorm", layerNorm)]
    }

    /// `[B, P, D]` → `[B, P, D]`.
    public func callAsFunction(_ x: Variable) -> Variable {
        let inner = activate(dense1(x))
        let projected = dense2(inner)
            .dropout(probability: hiddenDropout, training: isTraining, rng: &randomSource.generator)
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

/// One post-LN Transformer layer (RecBole's `TransformerLayer`): the masked self-attention block,
/// then the feed-forward block, each with its own residual connection and LayerNorm. Sub-modules
/// `multi_head_attention` and `feed_forward`.
final class TransformerLayer: Module {
    /// `multi_head_attention`.
    let attention: MultiHeadSelfAttention
    /// `feed_forward`.
    let feedForward: FeedForward

    init(dimension: Int, heads: Int, innerSize: Int, hiddenDropout: Float, attentionDropout: Float,
                activation: FeedForward.Activation = .gelu, eps: Float, randomSource: RandomSource) {
        attention = MultiHeadSelfAttention(dimension: dimension, heads: heads, hiddenDropout: hiddenDropout,
                                           attentionDropout: attentionDropout, eps: eps, randomSource: randomSource)
        feedForward = FeedForward(dimension: dimension, innerSize: innerSize, hiddenDropout: hiddenDropout,
                                  activation: activation, eps: eps, randomSource: randomSource)
        super.init()
    }

    override var namedChildren: [(String, Module)] {
        [("multi_head_attention", attention), ("feed_forward", feedForward)]
    }

    /// `x [B, L, D]` → `[B, L, D]`, or `[B, 1, D]` (position L − 1 only) when `lastQueryOnly`;
    /// `itemSeq [B, L]` masks padding keys (id 0) and the mask is causal.
    func callAsFunction(_ x: Variable, itemSeq: IndexTensor, lastQueryOnly: Bool = false) -> Variable {
        feedForward(attention(x, itemSeq: itemSeq, lastQueryOnly: lastQueryOnly))
    }
}

/// A stack of `TransformerLayer`s named `layer.0`, `layer.1`, … (RecBole's `TransformerEncoder`;
/// registered as `trm_encoder` its parameters read `trm_encoder.layer.0.multi_head_attention.query.weight`).
public final class TransformerEncoder: Module {
    /// `layer.<i>`.
    let layers: [TransformerLayer]

    public init(layerCount: Int, dimension: Int, heads: Int, innerSize: Int, hiddenDropout: Float,
                attentionDropout: Float, activation: FeedForward.Activation = .gelu, eps: Float,
                randomSource: RandomSource) {
        layers = (0..<layerCount).map { _ in
            TransformerLayer(dimension: dimension, heads: heads, innerSize: innerSize, hiddenDropout: hiddenDropout,
                             attentionDropout: attentionDropout, activation: activation, eps: eps,
                             randomSource: randomSource)
        }
        super.init()
    }

    override public var namedChildren: [(String, Module)] {
        layers.enumerated().map { ("layer.\($0.offset)", $0.element as Module) }
    }

    /// `x [B, L, D]` → the last layer's output `[B, L, D]`, or only its position L − 1 (`[B, 1, D]`)
    /// when `lastPositionOnly` (then the last layer computes its queries, output projection and
    /// feed-forward for that position alone).
    public func callAsFunction(_ x: Variable, itemSeq: IndexTensor, lastPositionOnly: Bool = false) -> Variable {
        var hidden = x
        for (index, layer) in layers.enumerated() {
            hidden = layer(hidden, itemSeq: itemSeq, lastQueryOnly: lastPositionOnly && index == layers.count - 1)
        }
        return hidden
    }
}
