import Tensor

/// The position-wise feed-forward block of RecBole's Transformer (`feed_forward`):
/// `y = LayerNorm(dropout(dense_2(GELU(dense_1(x)))) + x)`, GELU in its erf form; sub-modules
/// `dense_1` (D → inner), `dense_2` (inner → D), `LayerNorm`, and the parameter-free `dropout`.
public final class FeedForward: Module, Layer {
    public let dense1: Linear
    public let dense2: Linear
    public let layerNorm: LayerNorm
    public let dropout: Dropout

    public init(dimension: Int, innerSize: Int, hiddenDropout: Float, eps: Float, randomSource: RandomSource) {
        dense1 = Linear(inFeatures: dimension, outFeatures: innerSize)
        dense2 = Linear(inFeatures: innerSize, outFeatures: dimension)
        layerNorm = LayerNorm(dimension: dimension, eps: eps)
        dropout = Dropout(probability: hiddenDropout, randomSource: randomSource)
        super.init()
    }

    override public var namedChildren: [(String, Module)] {
        [("dense_1", dense1), ("dense_2", dense2), ("LayerNorm", layerNorm), ("dropout", dropout)]
    }

    /// `[B, L, D]` → `[B, L, D]`.
    public func callAsFunction(_ input: Variable) -> Variable {
        layerNorm(dropout(dense2(dense1(input).gelu())) + input)
    }
}

/// One post-LN Transformer layer (RecBole's `TransformerLayer`): self-attention block then
/// feed-forward block, each with its own residual connection and LayerNorm. Sub-modules
/// `multi_head_attention` and `feed_forward`.
public final class TransformerLayer: Module {
    public let attention: MultiHeadSelfAttention
    public let feedForward: FeedForward

    public init(dimension: Int, heads: Int, innerSize: Int, hiddenDropout: Float, attentionDropout: Float,
                eps: Float, randomSource: RandomSource) {
        attention = MultiHeadSelfAttention(dimension: dimension, heads: heads, hiddenDropout: hiddenDropout,
                                           attentionDropout: attentionDropout, eps: eps, randomSource: randomSource)
        feedForward = FeedForward(dimension: dimension, innerSize: innerSize, hiddenDropout: hiddenDropout,
                                  eps: eps, randomSource: randomSource)
        super.init()
    }

    override public var namedChildren: [(String, Module)] {
        [("multi_head_attention", attention), ("feed_forward", feedForward)]
    }

    /// `x [B, L, D]` → `[B, L, D]`; `mask` as in `MultiHeadSelfAttention`.
    public func callAsFunction(_ x: Variable, additiveMask mask: Tensor) -> Variable {
        feedForward(attention(x, additiveMask: mask))
    }
}

/// A stack of `TransformerLayer`s named `layer.0`, `layer.1`, … (RecBole's `TransformerEncoder`;
/// registered as `trm_encoder` its parameters read `trm_encoder.layer.0.multi_head_attention.query.weight`).
public final class TransformerEncoder: Module {
    public let layers: [TransformerLayer]

    public init(layerCount: Int, dimension: Int, heads: Int, innerSize: Int, hiddenDropout: Float,
                attentionDropout: Float, eps: Float, randomSource: RandomSource) {
        layers = (0..<layerCount).map { _ in
            TransformerLayer(dimension: dimension, heads: heads, innerSize: innerSize, hiddenDropout: hiddenDropout,
                             attentionDropout: attentionDropout, eps: eps, randomSource: randomSource)
        }
        super.init()
    }

    override public var namedChildren: [(String, Module)] {
        layers.enumerated().map { ("layer.\($0.offset)", $0.element as Module) }
    }

    /// `x [B, L, D]` → the last layer's output `[B, L, D]`.
    public func callAsFunction(_ x: Variable, additiveMask mask: Tensor) -> Variable {
        layers.reduce(x) { hidden, layer in layer(hidden, additiveMask: mask) }
    }
}
