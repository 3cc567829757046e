import Autograd
import Tensor

/// A parameter pool read by attention over its slots (AdaLayers README § What an Ada-Ranker computes, "parameter modulation").
///
/// With `index [S, D]` (one key per slot) and `array [S, in·out]` (one flattened `[out, in]`
/// modulation per slot), the unit maps the distribution vector `z [B, D]` to
///
///     softmax(z · indexᵀ) · array    → [B, in·out], reshaped to [B, out, in]
///
/// i.e. a per-row convex combination of the slots. The `[out, in]` order is the PyTorch weight
/// layout, so the result multiplies a `Linear`'s weight elementwise (`W' = mem ⊙ W`); for a bias
/// (`in = 1`) it is `[B, out, 1]`.
///
/// Reference names: `index`, `array`. Both are Xavier-uniform initialised.
final class MemoryUnit: Module {
    /// `[slots, keyDimension]` slot keys.
    let index: Parameter
    /// `[slots, inFeatures · outFeatures]` slot contents.
    let array: Parameter
    /// Input features of the modulated layer (the `in` of its `[out, in]` weight).
    let inFeatures: Int
    /// Output features of the modulated layer.
    let outFeatures: Int

    /// Number of slots in the Ada-Ranker reference.
    static let referenceSlotCount = 10

    /// A unit whose output modulates an `[outFeatures, inFeatures]` tensor, keyed by `z [B, keyDimension]`.
    /// Parameters are zero until `resetParameters(using:)` (or the model's `resetAllParameters`).
    init(keyDimension: Int, inFeatures: Int, outFeatures: Int, slots: Int = MemoryUnit.referenceSlotCount) {
        precondition(keyDimension > 0 && inFeatures > 0 && outFeatures > 0 && slots > 0,
                     "MemoryUnit sizes must be positive")
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        index = .parameter(.zeros([slots, keyDimension]))
        array = .parameter(.zeros([slots, inFeatures * outFeatures]))
        super.init()
    }

    override var namedLocalParameters: [(String, Parameter)] { [("index", index), ("array", array)] }

    /// Xavier-uniform for both tensors: U(±√(6 / (rows + cols))) for a `[rows, cols]` tensor
    /// (PyTorch's fans of a 2-D tensor: fan_in = cols, fan_out = rows).
    override func resetParameters(using rng: inout SeededGenerator) {
        index.value = Initializer.xavierUniform(index.shape, using: &rng)
        array.value = Initializer.xavierUniform(array.shape, using: &rng)
    }

    /// The attention over the slots: `softmax(z · indexᵀ)`, `z [B, D]` → `[B, S]`.
    func attention(_ z: Variable) -> Variable {
        z.matmul(index, transposeB: true).softmax(axis: 1)
    }

    /// The modulation for each row: `z [B, D]` → `[B, outFeatures, inFeatures]`.
    func callAsFunction(_ z: Variable) -> Variable {
        attention(z).matmul(array).reshaped([z.shape[0], outFeatures, inFeatures])
    }
}
