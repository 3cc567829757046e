/// How an Ada-Ranker's adaptation layers start (`ada_init`); `ModelFactory.makeModel` hands it to AdaLayers'
/// `makeRankingModel` (`identity` as `AdaRankerOptions.startsAsBaseRanker`).
///
/// - `identity` (the default; a deliberate difference from the paper's code): `AdaRanker.startAsBaseRanker()`, γ ≡ 1 and β ≡ 0
///   (FiLM weights 0, scale bias 1, shift bias 0), weight memories ≡ 1 and bias memories ≡ 0,
///   slot keys unchanged (Xavier). The Ada-Ranker then computes exactly its Base ranker's scores at
///   the start — also right after loading a Base checkpoint for fine-tuning — so the adaptation can
///   only be learned on top of the Base ranker; the slots differ through their keys, so their
///   contents diverge with training. This is the fair protocol's setting (Trainer README
///   § Training procedure).
/// - `reference`: as the paper's implementation — FiLM's two `Linear(D→1)` with PyTorch's
///   default initialisation and the memory units Xavier-uniform (AdaLayers README § What an
///   Ada-Ranker computes). The model then starts far from its Base ranker: the scoring head's
///   weights are multiplied by memory read-outs of about ±0.03 (`W' = mem ⊙ W`) and the encoder's
///   inputs by a random γ with a random shift β. It needs thousands of steps before it uses the
///   history at all; on small data the FiLM coefficients can grow until the encoder's input
///   saturates and the history is ignored. The paper protocol (`--protocol paper`) selects it.
enum AdaptationInitialisation: String, Sendable, CaseIterable {
    case reference, identity

    /// The initialisation used when `ada_init` is not set.
    public static let `default` = AdaptationInitialisation.identity
}
