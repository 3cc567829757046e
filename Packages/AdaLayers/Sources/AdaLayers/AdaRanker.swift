import Autograd
import SeqModels
import Tensor

/// Ada-Ranker (AdaLayers README § What an Ada-Ranker computes) around any of the seven Base rankers.
///
/// For a batch with candidates `[B, C]`:
///
///     x    = item_embedding(candidates)                 [B, C, D]   (raw, unmodulated)
///     z    = extract_distribution_layer(x)              [B, D]      (sampled in training, mu in evaluation)
///     seq  = encoder(history, lookup: γ(z)·item_embedding(·) + β(z))    [B, D]  (FiLM; MF: no modulation)
///     p    = adaptive head(seq, x, z)                   [B, C]      (mlp_layers modulated by mem_*)
///
/// The model *contains* a Base `Ranker` (registered under the empty name), so its state dict is the
/// Base state dict plus `extract_distribution_layer.*`, `film_affine_emb_{scale,bias}.*` and
/// `mem_{w1,b1,w2,b2}.{index,array}` — exactly the reference's names — and a Base checkpoint loads
/// into it with `loadCheckedStateDict(_:strict: false)` (or into `base` strictly).
///
/// ```swift
/// let model = try AdaRanker(config: ModelConfig(model: .gru4Rec, trainType: .adaRanker, itemNum: 1000, userNum: 500))
/// try model.base.load(from: "gru4rec-base.safetensors")   // stage 1 result
/// model.freezeBaseParameters()                            // stage 2: train only the adaptation
/// ```
public final class AdaRanker: Module, RankingModel {
    /// The hyper-parameters the model was built from.
    public var config: ModelConfig { base.config }
    /// The Base ranker: embedding tables, encoder and the Base scoring head.
    public let base: Ranker
    /// `extract_distribution_layer`.
    let extractor: DistributionExtractor
    /// `film_affine_emb_scale`, `film_affine_emb_bias`.
    let modulation: FeatureModulation
    /// `mem_w1`, `mem_b1`, `mem_w2`, `mem_b2` around the Base head.
    let head: AdaptiveScoringHead
    /// The Base ranker's random stream, shared by the extractor's sampling and every dropout layer.
    public var random: RandomSource { base.random }
    /// Weight of `KL(q(z) ‖ N(0, I))` in `trainingLoss` (0 = the reference's objective).
    public var klWeight: Float = 0
    /// The bound on `log_sigma` in the distribution sample's noise scale `exp(0.5 · min(log_sigma, ·))`
    /// (config `log_sigma_max`); `nil` = the reference's unbounded form, which overflows to NaN once
    /// a row's `log_sigma` passes 177. Training mode only; evaluation uses `z = mu`.
    public var logSigmaLimit: Float? {
        get { extractor.logSigmaLimit }
        set { extractor.logSigmaLimit = newValue }
    }

    /// Builds the Base ranker of `config.model` exactly as `Ranker(config:)` does (same seed, so the
    /// same initial base weights), then initialises the adaptation layers with PyTorch's defaults
    /// (memory units Xavier-uniform) from a generator derived from `config.seed`.
    /// - Throws: `ModelConfigError` for invalid hyper-parameters or table sizes.
    public convenience init(config: ModelConfig) throws {
        try self.init(base: Ranker(config: config))
        var rng = SeededGenerator(seed: config.seed ^ AdaRanker.adaptationSeedSalt)
        resetAdaptationParameters(using: &rng)
    }

    /// Wraps an existing Base ranker (its parameters are kept). The adaptation layers start at zero:
    /// call `resetAdaptationParameters(using:)` to initialise them.
    public init(base: Ranker) {
        let dimension = base.config.embeddingSize
        self.base = base
        extractor = DistributionExtractor(dimension: dimension, dropoutProbability: base.config.dropoutProb,
                                          randomSource: base.random)
        modulation = FeatureModulation(dimension: dimension)
        head = AdaptiveScoringHead(base: base.head, dimension: dimension)
        super.init()
    }

    /// Mixed into `config.seed` for the adaptation layers' initialisation.
    static let adaptationSeedSalt: UInt64 = 0xADA0_5EED

    override public var namedChildren: [(String, Module)] {
        [("", base), ("extract_distribution_layer", extractor), ("", modulation), ("", head)]
    }

    /// The modules that Ada-Ranker adds to the Base ranker.
    public var adaptationModules: [Module] { [extractor, modulation, head] }

    /// Names of the parameters a Base ranker of the same encoder has (frozen by `freezeBaseParameters`).
    public var baseParameterNames: [String] { base.namedParameters().map(\.0) }
    /// Names of the extractor's, FiLM's and the memory units' parameters (all but `baseParameterNames`).
    public var adaptationParameterNames: Set<String> {
        Set(namedParameters().map(\.0)).subtracting(baseParameterNames)
    }
    /// The Base ranker a Base checkpoint is loaded into for fine-tuning: `base`.
    public var baseRanker: Ranker? { base }

    /// Re-draws the extractor, FiLM and memory-unit parameters; the Base part is untouched.
    public func resetAdaptationParameters(using rng: inout SeededGenerator) {
        for module in adaptationModules { module.resetAllParameters(using: &rng) }
    }

    /// Makes the model start exactly as its Base ranker (`ada_init: identity`, Trainer README § The
    /// fair protocol): FiLM's scale ≡ 1 and shift ≡ 0 (both `Linear(D→1)` weights 0, the scale's bias
    /// 1, the shift's bias 0), the weight memories `mem_w1`, `mem_w2` ≡ 1 and the bias memories
    /// `mem_b1`, `mem_b2` ≡ 0; the slot keys (`mem_*.index`) and the extractor keep their values.
    /// The scores then equal the Base ranker's, also after loading a Base checkpoint into `base`.
    public func startAsBaseRanker() {
        func fill(_ parameter: Parameter?, with value: Float) {
            guard let parameter else { return }
            parameter.value = Tensor(repeating: value, shape: parameter.shape)
        }
        fill(modulation.scale.weight, with: 0)
        fill(modulation.scale.bias, with: 1)
        fill(modulation.shift.weight, with: 0)
        fill(modulation.shift.bias, with: 0)
        fill(head.memoryW1.array, with: 1)
        fill(head.memoryW2.array, with: 1)
        fill(head.memoryB1.array, with: 0)
        fill(head.memoryB2.array, with: 0)
    }

    /// Two-stage training: freezes every parameter the Base ranker has (both embedding tables, the
    /// encoder, and the head's `mlp_layers` weights) and leaves only `extract_distribution_layer`,
    /// `film_affine_emb_*` and `mem_*` trainable.
    public func freezeBaseParameters() {
        base.setTrainable(false)
        for module in adaptationModules { module.setTrainable(true) }
    }

    /// Makes every parameter trainable again (finetuning with `freeze = 0`).
    public func unfreezeAllParameters() { setTrainable(true) }

    /// The extractor's output for the candidate embeddings `[B, C, D]`.
    func distribution(ofCandidates candidateEmbeddings: Variable) -> DistributionExtractor.Output {
        extractor(candidateEmbeddings)
    }

    /// Probabilities `[B, C]` (see the type's description).
    public func scoreCandidates(_ batch: RankingBatch) -> Variable {
        scoreCandidatesAndDistribution(batch).probabilities
    }

    /// `BCE + klWeight · KL` in training mode; the plain BCE of `loss(_:)` when `klWeight == 0` or in
    /// evaluation mode.
    public func trainingLoss(_ batch: RankingBatch) -> Variable {
        let (probabilities, distribution) = scoreCandidatesAndDistribution(batch)
        let bce = Variable.binaryCrossEntropy(probabilities, targets: rankingLabels(shape: probabilities.shape))
        guard klWeight != 0, let kl = distribution.klDivergence else { return bce }
        return bce + kl * klWeight
    }

    private func scoreCandidatesAndDistribution(_ batch: RankingBatch)
        -> (probabilities: Variable, distribution: DistributionExtractor.Output) {
        let candidates = base.embedItems(batch.candidates)          // [B, C, D]
        let distribution = extractor(candidates)
        let z = distribution.z
        // MF has no item input to modulate (AdaLayers README § What an Ada-Ranker computes); skip FiLM so γ, β get no graph at all.
        let lookup: ItemEmbedder? = config.model == .mf
            ? nil
            : modulation.modulating({ [unowned base] ids in base.embedItems(ids) }, z: z)
        let sequence = base.sequenceEmbedding(batch, embedItems: lookup)   // [B, D]
        return (head(sequence: sequence, candidates: candidates, z: z), distribution)
    }
}
