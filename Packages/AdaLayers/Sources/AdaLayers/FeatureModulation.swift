import Autograd
import SeqModels
import Tensor

/// FiLM input modulation (AdaLayers README § What an Ada-Ranker computes): one scalar scale and shift per row, computed from `z`,
/// applied to every item embedding the sequence encoder looks up.
///
///     γ = film_affine_emb_scale(z)   [B, 1]      (Linear(D → 1))
///     β = film_affine_emb_bias(z)    [B, 1]      (Linear(D → 1))
///     x' = γ · x + β                 for x = item_embedding(ids), ids [B, …] → [B, …, D]
///
/// The modulation happens right after the lookup (before any dropout), on every looked-up
/// position including padding, as in the reference. The candidates fed to the scoring head and
/// to the distribution extractor are *not* modulated (checked against the reference fixtures).
///
/// Registered under the empty name so its layers keep the reference's top-level names
/// `film_affine_emb_scale.*` and `film_affine_emb_bias.*`.
final class FeatureModulation: Module {
    /// `film_affine_emb_scale`: `Linear(D → 1)`, γ.
    let scale: Linear
    /// `film_affine_emb_bias`: `Linear(D → 1)`, β.
    let shift: Linear

    /// Layers for `z [B, dimension]`; zero until `resetAllParameters(using:)` draws PyTorch's defaults.
    init(dimension: Int) {
        scale = Linear(inFeatures: dimension, outFeatures: 1)
        shift = Linear(inFeatures: dimension, outFeatures: 1)
        super.init()
    }

    override var namedChildren: [(String, Module)] {
        [("film_affine_emb_scale", scale), ("film_affine_emb_bias", shift)]
    }

    /// `γ` and `β`, each `[B, 1]`, for `z [B, D]`.
    func coefficients(_ z: Variable) -> (gamma: Variable, beta: Variable) {
        (scale(z), shift(z))
    }

    /// Wraps `embedItems` so that every lookup of ids `[B, …]` returns `γ · x + β`, with row b's
    /// scalars applied to all of row b's positions.
    func modulating(_ embedItems: @escaping ItemEmbedder, z: Variable) -> ItemEmbedder {
        let (gamma, beta) = coefficients(z)
        let rows = z.shape[0]
        return { ids in
            let x = embedItems(ids)
            precondition(ids.rank >= 1 && ids.shape[0] == rows,
                         "FiLM: item ids \(ids.shape) must have the batch size \(rows) as their first axis")
            let perRow = [rows] + [Int](repeating: 1, count: x.shape.count - 1)   // [B, 1, …, 1]
            return x * gamma.reshaped(perRow) + beta.reshaped(perRow)
        }
    }
}
