import Autograd
import SeqModels
import Tensor

/// The Base scoring MLP with its two Linear layers modulated per row by memory units (AdaLayers README § What an Ada-Ranker computes):
///
///     pair = dropout(concat(seq_emb repeated, candidate_emb))                 [B, C, 2D]
///     h    = tanh(pair · (mem_w1(z) ⊙ W₁)ᵀ + (b₁ + mem_b1(z)))               [B, C, D]
///     p    = σ(h · (mem_w2(z) ⊙ W₂)ᵀ + (b₂ + mem_b2(z)))                      [B, C, 1] → [B, C]
///
/// with `W₁ [D, 2D]`, `b₁ [D]`, `W₂ [1, D]`, `b₂ [1]` the Base head's `mlp_layers.1` and
/// `mlp_layers.3`, each broadcast over the B rows of its modulation (`[B, out, in]`).
///
/// Owns only the memory units (`mem_w1`, `mem_b1`, `mem_w2`, `mem_b2`; register it under the empty
/// name); the base head stays in the Base ranker, so Base checkpoints keep their names.
final class AdaptiveScoringHead: Module {
    /// The Base head whose weights are modulated (not owned: registered by the Base ranker).
    let base: ScoringHead
    /// `mem_w1`: modulates `W₁` (`in` 2D, `out` D).
    let memoryW1: MemoryUnit
    /// `mem_b1`: modulates `b₁` (`in` 1, `out` D).
    let memoryB1: MemoryUnit
    /// `mem_w2`: modulates `W₂` (`in` D, `out` 1).
    let memoryW2: MemoryUnit
    /// `mem_b2`: modulates `b₂` (`in` 1, `out` 1).
    let memoryB2: MemoryUnit

    /// Memory units keyed by `z [B, dimension]` for the head `base` of width `dimension` (D).
    init(base: ScoringHead, dimension: Int, slots: Int = MemoryUnit.referenceSlotCount) {
        let hiddenIn = base.hidden.inFeatures, hiddenOut = base.hidden.outFeatures
        let outputIn = base.output.inFeatures, outputOut = base.output.outFeatures
        precondition(base.hidden.bias != nil && base.output.bias != nil, "the adaptive head needs biased Linear layers")
        self.base = base
        memoryW1 = MemoryUnit(keyDimension: dimension, inFeatures: hiddenIn, outFeatures: hiddenOut, slots: slots)
        memoryB1 = MemoryUnit(keyDimension: dimension, inFeatures: 1, outFeatures: hiddenOut, slots: slots)
        memoryW2 = MemoryUnit(keyDimension: dimension, inFeatures: outputIn, outFeatures: outputOut, slots: slots)
        memoryB2 = MemoryUnit(keyDimension: dimension, inFeatures: 1, outFeatures: outputOut, slots: slots)
        super.init()
    }

    override var namedChildren: [(String, Module)] {
        [("mem_w1", memoryW1), ("mem_b1", memoryB1), ("mem_w2", memoryW2), ("mem_b2", memoryB2)]
    }

    /// Probabilities `[B, C]` for `sequence [B, D]`, `candidates [B, C, D]` and `z [B, D]`.
    func callAsFunction(sequence: Variable, candidates: Variable, z: Variable) -> Variable {
        let pair = base.droppedPairFeatures(sequence: sequence, candidates: candidates)      // [B, C, 2D]
        let hidden = Self.adaptiveLinear(pair, layer: base.hidden, weightMemory: memoryW1,
                                         biasMemory: memoryB1, z: z).tanh()               // [B, C, D]
        let logits = Self.adaptiveLinear(hidden, layer: base.output, weightMemory: memoryW2,
                                         biasMemory: memoryB2, z: z)                      // [B, C, 1]
        return logits.sigmoid().reshaped([candidates.shape[0], candidates.shape[1]])
    }

    /// A Linear layer with per-row parameters: `x [B, C, in]` → `x · (M ⊙ W)ᵀ + (b + m)`, `[B, C, out]`,
    /// with `W [out, in]`, `b [out]` the layer's and `M = weightMemory(z) [B, out, in]`,
    /// `m = biasMemory(z) [B, out, 1]` the modulations. The weight part runs as one fused op
    /// (`Variable.slotModulatedLinear`), which never forms the `[B, out, in]` tensors.
    static func adaptiveLinear(_ x: Variable, layer: Linear, weightMemory: MemoryUnit,
                                      biasMemory: MemoryUnit, z: Variable) -> Variable {
        let rows = x.shape[0], outFeatures = layer.outFeatures
        precondition(weightMemory.outFeatures == outFeatures && weightMemory.inFeatures == layer.inFeatures,
                     "weight memory [\(weightMemory.outFeatures), \(weightMemory.inFeatures)] does not fit the layer's weight \(layer.weight.shape)")
        precondition(biasMemory.outFeatures == outFeatures && biasMemory.inFeatures == 1,
                     "bias memory [\(biasMemory.outFeatures), \(biasMemory.inFeatures)] does not fit a [\(outFeatures)] bias")
        var y = Variable.slotModulatedLinear(x, attention: weightMemory.attention(z), slots: weightMemory.array,
                                             weight: layer.weight)                           // [B, C, out]
        y = y + biasMemory(z).reshaped([rows, 1, outFeatures])
        if let bias = layer.bias { y = y + bias }
        return y
    }
}
