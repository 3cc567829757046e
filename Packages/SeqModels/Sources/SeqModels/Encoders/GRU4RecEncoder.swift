import Autograd
import Tensor

/// GRU4Rec (SeqModels README § Models): item embeddings `[B, L, D]` → dropout(`dropout_prob`) → one GRU layer with
/// biases (`gru_layers`, hidden H = 2D as in the reference, whatever `hidden_size` says) → `dense: Linear(H → D)` at the last
/// step → `seq_emb [B, D]`.
///
/// The reference applies `dense` to every step and then takes the last one; applying it to the last
/// step only gives the same values and gradients.
///
/// Initialisation (reference = PyTorch defaults): GRU weights and biases U(±1/√H), `dense` the
/// Linear default.
final class GRU4RecEncoder: Module, SequenceEncoder {
    /// `gru_layers`: `weight_ih_l0 [3H, D]`, `weight_hh_l0 [3H, H]`, `bias_ih_l0 [3H]`, `bias_hh_l0 [3H]`.
    let gruLayers: GRU
    /// `dense`: Linear(H → D).
    let dense: Linear
    /// Dropout probability on the input embeddings.
    let embeddingDropout: Float
    private let random: RandomSource

    /// Layers sized from `config` (zeros until `resetAllParameters`); dropout draws from `random`.
    init(config: ModelConfig, random: RandomSource) {
        let hidden = config.recurrentHiddenSize
        gruLayers = GRU(inputSize: config.embeddingSize, hiddenSize: hidden, layers: 1, bias: true)
        dense = Linear(inFeatures: hidden, outFeatures: config.embeddingSize, bias: true)
        embeddingDropout = config.dropoutProb
        self.random = random
        super.init()
    }

    override var namedChildren: [(String, Module)] { [("gru_layers", gruLayers), ("dense", dense)] }

    func encode(_ batch: RankingBatch, embedItems: ItemEmbedder, userEmbeddings: () -> Variable) -> Variable {
        let (rows, length) = batch.sequenceShape
        let items = embedItems(batch.itemSeq)
            .dropout(probability: embeddingDropout, training: isTraining, rng: &random.generator)  // [B, L, D]
        let states = gruLayers(items)                                                             // [B, L, H]
        let last = states.slice(axis: 1, range: (length - 1)..<length).reshaped([rows, gruLayers.hiddenSize])
        return dense(last)                                                                        // [B, D]
    }
}
