import Autograd
import Tensor

/// The neural-process encoder that summarises a candidate list into a distribution vector `z`
/// (AdaLayers README § What an Ada-Ranker computes, reference name `extract_distribution_layer`).
///
/// For candidate embeddings `x [B, C, D]` (the raw item embeddings of `[item_id, neg_items…]`):
///
///     r         = mean_c input_to_hidden(x)        input_to_hidden = Linear → dropout → ReLU → Linear
///     h         = relu(z_to_hidden(r))             [B, D]
///     mu        = hidden_to_mu(h)                  [B, D]
///     log_sigma = hidden_to_logsigma(h)            [B, D]  (a log-variance)
///     z         = mu + ε ⊙ exp(0.5 · min(log_sigma, s)),  ε ~ N(0, 1)   in training mode
///     z         = mu                                                   in evaluation mode
///
/// Evaluation returning `mu` is a decision (the reference samples there too, which makes its test
/// metrics random). So is the bound `s` (`logSigmaLimit`, config `log_sigma_max`, default 60; `nil`
/// = the reference's unbounded form): without a KL term nothing bounds `log_sigma`, and a row
/// whose `log_sigma` passes 177 overflows `exp` to infinity and turns the loss into NaN (NARM
/// Ada-Ranker on ML-100K after 77 epochs). Below the bound the maths is the reference's.
///
/// Parameter names: `input_to_hidden.0.*` and `input_to_hidden.3.*` (positions 1 and 2 of the
/// reference's `Sequential` are the parameter-free Dropout and ReLU), `z_to_hidden.*`,
/// `hidden_to_mu.*`, `hidden_to_logsigma.*`. The dropout is the `Variable.dropout` op in training
/// mode, drawn from `randomSource` as every dropout of the model.
final class DistributionExtractor: Module {
    /// The two `Linear(D, D)` layers of `input_to_hidden` (`Linear → dropout → ReLU → Linear`, applied
    /// per candidate), stored as `input_to_hidden.0` and `input_to_hidden.3`.
    let inputToHiddenLayers: [Linear]
    /// The dropout probability inside `input_to_hidden`.
    let dropoutProbability: Float
    /// `z_to_hidden`: `Linear(D, D)`.
    let zToHidden: Linear
    /// `hidden_to_mu`: `Linear(D, D)`.
    let hiddenToMu: Linear
    /// `hidden_to_logsigma`: `Linear(D, D)`.
    let hiddenToLogSigma: Linear
    /// Where ε (and the dropout masks of `input_to_hidden`) come from: the model's shared stream.
    let randomSource: RandomSource
    /// The bound `s` on `log_sigma` in the sample's noise scale; `nil`: unbounded (reference).
    var logSigmaLimit: Float?

    /// - Parameters:
    ///   - dimension: D, the item-embedding size, which is also the size of `z`.
    ///   - dropoutProbability: the dropout inside `input_to_hidden`.
    ///   - randomSource: the model's random stream (used in training mode only).
    /// Parameters are zero until `resetAllParameters(using:)` draws PyTorch's Linear defaults.
    init(dimension: Int, dropoutProbability: Float, randomSource: RandomSource) {
        precondition(dropoutProbability >= 0 && dropoutProbability < 1,
                     "dropout probability must be in [0, 1), got \(dropoutProbability)")
        inputToHiddenLayers = [Linear(inFeatures: dimension, outFeatures: dimension),
                               Linear(inFeatures: dimension, outFeatures: dimension)]
        self.dropoutProbability = dropoutProbability
        zToHidden = Linear(inFeatures: dimension, outFeatures: dimension)
        hiddenToMu = Linear(inFeatures: dimension, outFeatures: dimension)
        hiddenToLogSigma = Linear(inFeatures: dimension, outFeatures: dimension)
        self.randomSource = randomSource
        super.init()
    }

    override var namedChildren: [(String, Module)] {
        [("input_to_hidden.0", inputToHiddenLayers[0]), ("input_to_hidden.3", inputToHiddenLayers[1]),
         ("z_to_hidden", zToHidden),
         ("hidden_to_mu", hiddenToMu), ("hidden_to_logsigma", hiddenToLogSigma)]
    }

    /// The extractor's result for a batch.
    struct Output {
        /// `[B, D]` the distribution vector: a sample in training mode, `mu` in evaluation mode.
        var z: Variable
        /// `[B, D]` the mean.
        var mu: Variable
        /// `[B, D]` the log-variance; `nil` in evaluation mode, where it is not needed.
        var logSigma: Variable?

        /// `KL(N(mu, exp(log_sigma)) ‖ N(0, I))` summed over D and averaged over rows,
        /// `−½ · mean_b Σ_d (1 + log_sigma − mu² − exp(log_sigma))`; `nil` in evaluation mode.
        var klDivergence: Variable? {
            guard let logSigma else { return nil }
            let perEntry = (logSigma + 1) - mu.squared() - logSigma.exp()
            return perEntry.sum(axis: 1).mean() * -0.5
        }
    }

    /// Encodes candidate embeddings `[B, C, D]` into `z [B, D]`.
    func callAsFunction(_ candidateEmbeddings: Variable) -> Output {
        precondition(candidateEmbeddings.shape.count == 3,
                     "DistributionExtractor expects [B, C, D] candidate embeddings, got \(candidateEmbeddings.shape)")
        let hidden = inputToHiddenLayers[0](candidateEmbeddings)
            .dropout(probability: dropoutProbability, training: isTraining, rng: &randomSource.generator)
            .relu()
        let r = inputToHiddenLayers[1](hidden).mean(axis: 1)   // [B, D]
        let h = zToHidden(r).relu()
        let mu = hiddenToMu(h)
        guard isTraining else { return Output(z: mu, mu: mu, logSigma: nil) }
        let logSigma = hiddenToLogSigma(h)
        let epsilon = Variable(Tensor.normal(mu.shape, using: &randomSource.generator))
        let boundedLogSigma = logSigmaLimit.map { logSigma.clamped(max: $0) } ?? logSigma
        return Output(z: mu + epsilon * (boundedLogSigma * 0.5).exp(), mu: mu, logSigma: logSigma)
    }
}
