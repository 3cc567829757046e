/// The Ada-Ranker's settings that are not SeqModels hyper-parameters, decoded from a `Configuration`
/// by `AdaptationSettings.keys`; `ModelFactory.makeModel` applies them to a new Ada-Ranker.
struct AdaptationSettings: DeclaredSettings, Equatable {
    /// `ada_init`: how the adaptation layers start (default `AdaptationInitialisation.default`).
    var initialisation: AdaptationInitialisation
    /// `kl_weight`: `AdaRanker.klWeight` (default 0, the reference's objective).
    var klWeight: Float
    /// `log_sigma_max`: `AdaRanker.logSigmaLimit` (unset or `~`: nil, the reference's unbounded form).
    var logSigmaLimit: Float?

    /// The Ada-Ranker's model-building keys, declared once (see `TrainingSettings.keys`).
    static let keys: [SettingKey<AdaptationSettings>] = [
        .choice("ada_init", \.initialisation, default: .value(.default),
                "Ada-Ranker adaptation layers' initialisation: identity (default; starts as its Base ranker) or reference (PyTorch/Xavier, the paper's)"),
        .number("kl_weight", \.klWeight, .atLeast(0), default: .value(0),
                "Ada-Ranker: weight of KL(q(z) ‖ N(0, I)) added to the loss (0 = the reference's objective)"),
        .optionalNumber("log_sigma_max", \.logSigmaLimit, minimum: 0,
                        "Ada-Ranker: bound on log_sigma in the sample's noise scale exp(0.5·min(log_sigma, s)) (~ = unbounded, the reference's, which can overflow to NaN)"),
    ]

    /// Where decoding starts; every property is set by its key.
    static let unfilled = AdaptationSettings(initialisation: .default, klWeight: 0, logSigmaLimit: nil)
}
