import Autograd
import Tensor

/// The encoder named `name` (the reference's spelling: MF, GRU4Rec, SASRec, NARM, NextItNet, SRGNN,
/// SHAN), built from `config` (whose `model` key is ignored here) and initialised from `config.seed`.
/// - Parameter random: the dropout stream; by default a new one seeded from `config.seed`.
/// - Throws: `ModelConfigError.unknownModel` listing the seven names, or `.invalidValue` for a bad config.
func makeEncoder(name: String, config: ModelConfig, random: RandomSource? = nil) throws -> any SequenceEncoder {
    var config = config
    config.model = try ModelName(validating: name)
    return try makeEncoder(config: config, random: random)
}

/// The encoder for `config.model`, initialised from `config.seed`.
/// - Parameter random: the dropout stream; by default a new one seeded from `config.seed`.
/// - Throws: `ModelConfigError.invalidValue` for a bad config.
func makeEncoder(config: ModelConfig, random: RandomSource? = nil) throws -> any SequenceEncoder {
    try config.validate()
    let encoder = buildEncoder(config: config, random: random ?? RandomSource(seed: config.seed))
    var rng = SeededGenerator(seed: config.seed)
    encoder.resetAllParameters(using: &rng)
    return encoder
}

/// The encoder for `config.model` with its layers constructed but not re-initialised.
func buildEncoder(config: ModelConfig, random: RandomSource) -> any SequenceEncoder {
    switch config.model {
    case .mf: return MFEncoder()
    case .gru4Rec: return GRU4RecEncoder(config: config, random: random)
    case .sasRec: return SASRecEncoder(config: config, random: random)
    case .narm: return NARMEncoder(config: config, random: random)
    case .nextItNet: return NextItNetEncoder(config: config)
    case .srgnn: return SRGNNEncoder(config: config)
    case .shan: return SHANEncoder(config: config)
    }
}
