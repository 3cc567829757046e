import Autograd
import Tensor

/// SASRec (SeqModels README § Models): `LayerNorm(item_emb + position_embedding(0..<L))` (eps `layer_norm_eps`) →
/// dropout(`hidden_dropout_prob`) → `n_layers` post-LN transformer layers (`trm_encoder.layer.<i>`,
/// `n_heads` heads, feed-forward width `inner_size`, `hidden_act`) with the additive mask −10000 on
/// padding keys and future positions → the last position, `seq_emb [B, D]`.
///
/// Only the last position of the last layer is needed, so that layer computes its queries,
/// output projection and feed-forward for position L − 1 alone (keys and values still cover every
/// position). The values and gradients equal the full computation's. The layers are Autograd's
/// `TransformerEncoder` (attention as one fused op over all heads, `Variable.maskedMultiHeadAttention`:
/// no head split/merge copies and no materialised `[B, 1, L, L]` mask).
///
/// Initialisation (reference = PyTorch defaults): `position_embedding` N(0, 1), LayerNorms
/// ones/zeros, Linear layers their default.
final class SASRecEncoder: Module, SequenceEncoder {
    /// `position_embedding`: `[MAX_SEQ_LEN, D]`.
    let positionEmbedding: Embedding
    /// `LayerNorm`: on the summed input embeddings.
    let layerNorm: LayerNorm
    /// `trm_encoder`: layers `layer.<i>`.
    let transformer: TransformerEncoder
    /// Dropout probability on the input and after each sub-layer.
    let hiddenDropout: Float
    private let random: RandomSource

    /// Layers sized from `config` (zeros until `resetAllParameters`); dropout draws from `random`.
    init(config: ModelConfig, random: RandomSource) {
        let d = config.embeddingSize
        positionEmbedding = Embedding(count: config.maxSeqLen, dimension: d)
        layerNorm = LayerNorm(dimension: d, eps: config.layerNormEps)
        let activation = config.hiddenAct
        transformer = TransformerEncoder(layerCount: config.nLayers, dimension: d, heads: config.nHeads,
                                         innerSize: config.innerSize, hiddenDropout: config.hiddenDropoutProb,
                                         attentionDropout: config.attnDropoutProb, activation: activation,
                                         eps: config.layerNormEps, randomSource: random)
        hiddenDropout = config.hiddenDropoutProb
        self.random = random
        super.init()
    }

    override var namedChildren: [(String, Module)] {
        [("position_embedding", positionEmbedding), ("LayerNorm", layerNorm), ("trm_encoder", transformer)]
    }

    func encode(_ batch: RankingBatch, embedItems: ItemEmbedder, userEmbeddings: () -> Variable) -> Variable {
        let rows = batch.sequenceShape.rows
        let hidden = transform(batch.itemSeq, embedItems: embedItems, lastPositionOnly: true)   // [B, 1, D]
        return hidden.reshaped([rows, hidden.shape[2]])                                          // [B, D]
    }

    /// The last layer's output at every position, `[B, L, D]` (`encode` returns position L − 1).
    func allPositionStates(_ batch: RankingBatch, embedItems: ItemEmbedder) -> Variable {
        transform(batch.itemSeq, embedItems: embedItems, lastPositionOnly: false)
    }

    /// Input embedding and the transformer stack; `[B, 1, D]` when `lastPositionOnly`, else `[B, L, D]`.
    private func transform(_ itemSeq: IndexTensor, embedItems: ItemEmbedder, lastPositionOnly: Bool) -> Variable {
        let length = itemSeq.shape[1]
        precondition(length <= positionEmbedding.weight.shape[0],
                     "SASRec: sequence length \(length) exceeds MAX_SEQ_LEN = \(positionEmbedding.weight.shape[0])")
        let positions = positionEmbedding.weight.slice(axis: 0, range: 0..<length)        // [L, D]
        let hidden = layerNorm(embedItems(itemSeq) + positions)
            .dropout(probability: hiddenDropout, training: isTraining, rng: &random.generator)  // [B, L, D]
        return transformer(hidden, itemSeq: itemSeq, lastPositionOnly: lastPositionOnly)
    }
}
