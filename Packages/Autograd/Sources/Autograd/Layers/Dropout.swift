import Tensor

/// Inverted dropout: in training mode each entry is zeroed with probability `p` and the survivors
/// are scaled by 1/(1 − p); in evaluation mode (or with p = 0) the identity.
///
/// Convention for forward-pass randomness in this project: a layer holds the model's shared
/// `RandomSource` and draws from `randomSource.generator`, so one seed reproduces a whole run and
/// several dropout layers draw different masks from one stream.
public final class Dropout: Module, Layer {
    public let probability: Float
    public let randomSource: RandomSource

    public init(probability: Float, randomSource: RandomSource) {
        precondition(probability >= 0 && probability < 1, "dropout probability must be in [0, 1), got \(probability)")
        self.probability = probability
        self.randomSource = randomSource
        super.init()
    }

    public func callAsFunction(_ input: Variable) -> Variable {
        input.dropout(probability: probability, training: isTraining, rng: &randomSource.generator)
    }
}
