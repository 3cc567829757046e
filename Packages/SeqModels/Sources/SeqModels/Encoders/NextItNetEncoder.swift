import Autograd
import Tensor

/// NextItNet (SeqModels README § Models): item embeddings `[B, L, D]` → residual blocks (b) with dilations
/// `dilations` repeated `block_num` times → `final_layer: Linear(D → D)` at the last position.
///
/// Every convolution is causal (left zero-padding), so position t only sees positions ≤ t.
/// The item table of a NextItNet ranker always has a padding row (see `ModelConfig.itemTableHasPaddingRow`).
///
/// Initialisation (reference = PyTorch defaults): convolutions U(±1/√(D·k)) for weights and
/// biases, LayerNorm ones/zeros, `final_layer` the Linear default.
final class NextItNetEncoder: Module, SequenceEncoder {
    /// `residual_blocks.<i>`, one per dilation.
    let residualBlocks: [NextItNetResidualBlock]
    /// `final_layer`: Linear(D → D).
    let finalLayer: Linear

    /// Blocks for `config.blockDilations` (zeros until `resetAllParameters`).
    init(config: ModelConfig) {
        let d = config.embeddingSize
        residualBlocks = config.blockDilations.map {
            NextItNetResidualBlock(channels: d, kernelSize: config.kernelSize, dilation: $0)
        }
        finalLayer = Linear(inFeatures: d, outFeatures: d, bias: true)
        super.init()
    }

    override var namedChildren: [(String, Module)] {
        residualBlocks.enumerated().map { ("residual_blocks.\($0.offset)", $0.element as Module) }
            + [("final_layer", finalLayer)]
    }

    func encode(_ batch: RankingBatch, embedItems: ItemEmbedder, userEmbeddings: Variable) -> Variable {
        let (rows, length) = batch.sequenceShape
        let hidden = allPositionStates(batch, embedItems: embedItems)         // [B, L, D]
        let width = hidden.shape[2]
        let last = hidden.slice(axis: 1, range: (length - 1)..<length).reshaped([rows, width])
        return finalLayer(last)                                                // [B, D]
    }

    /// The residual stack's output at every position, `[B, L, D]` (before `final_layer`).
    func allPositionStates(_ batch: RankingBatch, embedItems: ItemEmbedder) -> Variable {
        var hidden = embedItems(batch.itemSeq)                                 // [B, L, D]
        for block in residualBlocks { hidden = block(hidden) }
        return hidden
    }
}

/// NextItNet's residual block (b): `x → conv1 (dilation d) → LayerNorm(eps 1e-8) → ReLU →
/// conv2 (dilation 2d) → LayerNorm → ReLU → + x`, each convolution causal with kernel `[D, D, 1, k]`.
final class NextItNetResidualBlock: Module {
    /// `conv1`: weight `[D, D, 1, k]`, bias `[D]`, dilation d.
    let conv1: CausalConv1d
    /// `ln1`: LayerNorm(D, eps 1e-8).
    let ln1: LayerNorm
    /// `conv2`: weight `[D, D, 1, k]`, bias `[D]`, dilation 2d.
    let conv2: CausalConv1d
    /// `ln2`: LayerNorm(D, eps 1e-8).
    let ln2: LayerNorm
    /// d, the dilation of `conv1` (`conv2` uses 2d).
    let dilation: Int

    init(channels: Int, kernelSize: Int, dilation: Int) {
        conv1 = CausalConv1d(inChannels: channels, outChannels: channels, kernelSize: kernelSize, dilation: dilation)
        ln1 = LayerNorm(dimension: channels, eps: 1e-8)
        conv2 = CausalConv1d(inChannels: channels, outChannels: channels, kernelSize: kernelSize, dilation: 2 * dilation)
        ln2 = LayerNorm(dimension: channels, eps: 1e-8)
        self.dilation = dilation
        super.init()
    }

    override var namedChildren: [(String, Module)] {
        [("conv1", conv1), ("ln1", ln1), ("conv2", conv2), ("ln2", ln2)]
    }

    /// `[B, L, D]` → `[B, L, D]`.
    func callAsFunction(_ x: Variable) -> Variable {
        let first = ln1(conv1(x)).relu()
        let second = ln2(conv2(first)).relu()
        return second + x
    }
}
