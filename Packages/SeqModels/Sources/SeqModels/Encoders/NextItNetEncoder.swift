import Autograd
import Tensor

/// NextItNet (SeqModels README § Models): item embeddings `[B, L, D]` → residual blocks (b) with dilations
/// `dilations` repeated `block_num` times → `final_layer: Linear(D → D)` at the last position.
///
/// Every convolution is causal (left zero-padding), so position t only sees positions ≤ t. `encode` needs
/// only the last position, so each block computes just the positions the blocks above it read
/// (`BlockWindow`): with dilations [1, 4] × 5 and k = 3 that is 850 of 1,000 convolution rows at L = 50 and
/// 1,560 of 4,000 at L = 200, each computed exactly as in the full stack (`allPositionStates`).
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

    func encode(_ batch: RankingBatch, embedItems: ItemEmbedder, userEmbeddings: () -> Variable) -> Variable {
        let (rows, length) = batch.sequenceShape
        let windows = lastPositionWindows(length: length)
        var hidden = embedItems(batch.itemSeq)                                 // [B, L, D]
        if windows[0].input < length { hidden = hidden.slice(axis: 1, range: (length - windows[0].input)..<length) }
        for (block, window) in zip(residualBlocks, windows) { hidden = block(hidden, window: window) }
        return finalLayer(hidden.reshaped([rows, hidden.shape[2]]))           // [B, 1, D] → [B, D]
    }

    /// The residual stack's output at every position, `[B, L, D]` (before `final_layer`).
    func allPositionStates(_ batch: RankingBatch, embedItems: ItemEmbedder) -> Variable {
        var hidden = embedItems(batch.itemSeq)                                 // [B, L, D]
        for block in residualBlocks { hidden = block(hidden) }
        return hidden
    }

    /// Per block, bottom to top, the trailing positions it must produce so that the top block yields
    /// the last position: walking down, a block's output window W gives `middle = min(L, W + conv2.reach)`
    /// and `input = min(L, middle + conv1.reach)`, which is the output window of the block below.
    func lastPositionWindows(length: Int) -> [BlockWindow] {
        var windows: [BlockWindow] = []
        var output = 1
        for block in residualBlocks.reversed() {
            let middle = min(length, output + block.conv2.reach)
            let input = min(length, middle + block.conv1.reach)
            windows.append(BlockWindow(input: input, middle: middle, output: output))
            output = input
        }
        return windows.reversed()
    }
}

/// The trailing positions a residual block reads and writes: its input covers the last `input`
/// positions, `conv1` produces the last `middle`, `conv2` (and the block) the last `output`
/// (`output ≤ middle ≤ input ≤ L`). A window shorter than L always includes every position its
/// convolution taps read, so only a window that starts at time 0 ever uses the causal zero padding.
struct BlockWindow: Equatable {
    let input: Int, middle: Int, output: Int
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
        let length = x.shape[1]
        return self(x, window: BlockWindow(input: length, middle: length, output: length))
    }

    /// `[B, window.input, D]` (the last positions of the history) → `[B, window.output, D]`, each
    /// position exactly as the full block computes it.
    func callAsFunction(_ x: Variable, window: BlockWindow) -> Variable {
        precondition(x.shape[1] == window.input, "NextItNet block input has \(x.shape[1]) positions, window expects \(window.input)")
        let first = conv1.normalizedReLU(x, outputLength: window.middle, norm: ln1)
        let second = conv2.normalizedReLU(first, outputLength: window.output, norm: ln2)
        let residual = window.output == window.input ? x : x.slice(axis: 1, range: (window.input - window.output)..<window.input)
        return second + residual
    }
}
