import Autograd
import Tensor

/// NARM (SeqModels README § Models): item embeddings → dropout → GRU without biases (`gru`, H = `hidden_size`,
/// `num_layers` layers) → `gru_out [B, L, H]`, `c_global = h_L`;
/// `h = softmax(a_1(gru_out) + a_2(h_L))` over the hidden axis (the reference's choice, kept);
/// `alpha = v_t(mask ⊙ h)` `[B, L, 1]` with mask = item ≠ 0; `c_local = Σ_t alpha_t · gru_out_t`;
/// `seq_emb = b(dropout([c_local, c_global]))` `[B, D]`.
///
/// Initialisation (reference = PyTorch defaults): GRU U(±1/√H), the Linear layers their default.
final class NARMEncoder: Module, SequenceEncoder {
    /// `gru`: `weight_ih_l<k>`, `weight_hh_l<k>` for each layer k (no biases).
    let gru: GRU
    /// `a_1`: Linear(H → H, no bias) on every step.
    let a1: Linear
    /// `a_2`: Linear(H → H, no bias) on the last state.
    let a2: Linear
    /// `v_t`: Linear(H → 1, no bias), the attention score.
    let vT: Linear
    /// `b`: Linear(2H → D, no bias), the output projection.
    let b: Linear
    /// Dropout probability on the input embeddings and on `[c_local, c_global]`.
    let dropoutProbability: Float
    private let random: RandomSource

    /// Layers sized from `config` (zeros until `resetAllParameters`); dropout draws from `random`.
    init(config: ModelConfig, random: RandomSource) {
        let hidden = config.recurrentHiddenSize
        gru = GRU(inputSize: config.embeddingSize, hiddenSize: hidden, layers: config.numLayers, bias: false)
        a1 = Linear(inFeatures: hidden, outFeatures: hidden, bias: false)
        a2 = Linear(inFeatures: hidden, outFeatures: hidden, bias: false)
        vT = Linear(inFeatures: hidden, outFeatures: 1, bias: false)
        b = Linear(inFeatures: 2 * hidden, outFeatures: config.embeddingSize, bias: false)
        dropoutProbability = config.dropoutProb
        self.random = random
        super.init()
    }

    override var namedChildren: [(String, Module)] {
        [("gru", gru), ("a_1", a1), ("a_2", a2), ("v_t", vT), ("b", b)]
    }

    func encode(_ batch: RankingBatch, embedItems: ItemEmbedder, userEmbeddings: () -> Variable) -> Variable {
        let (rows, length) = batch.sequenceShape
        let hidden = gru.hiddenSize
        let items = embedItems(batch.itemSeq)
            .dropout(probability: dropoutProbability, training: isTraining, rng: &random.generator)  // [B, L, D]
        let states = gru(items)                                                                    // [B, L, H]
        let last = states.slice(axis: 1, range: (length - 1)..<length)                             // [B, 1, H]
        let alpha = attentionWeights(states, itemSeq: batch.itemSeq)                               // [B, L, 1]
        let local = (alpha * states).sum(axis: 1)                                                  // [B, H]
        let global = last.reshaped([rows, hidden])                                                 // [B, H]
        let context = Variable.concat([local, global], axis: 1)
            .dropout(probability: dropoutProbability, training: isTraining, rng: &random.generator)  // [B, 2H]
        return b(context)                                                                          // [B, D]
    }

    /// The weights of `c_local`: `alpha = v_t(mask ⊙ softmax_H(a_1(states) + a_2(states_L)))`,
    /// `states [B, L, H]` → `[B, L, 1]`; exactly 0 at padding positions (item id 0).
    func attentionWeights(_ states: Variable, itemSeq: IndexTensor) -> Variable {
        let (rows, length) = (states.shape[0], states.shape[1])
        let last = states.slice(axis: 1, range: (length - 1)..<length)                             // [B, 1, H]
        let attention = (a1(states) + a2(last)).softmax(axis: -1)                                  // [B, L, H]
        return vT(attention.maskedFill(itemSeq.paddingMask(shape: [rows, length, 1]), value: 0))   // [B, L, 1]
    }
}
