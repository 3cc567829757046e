import Tensor

/// A shared, mutable handle on a `SeededGenerator` for layers that draw random numbers in the
/// forward pass (dropout, the neural-process sampler). One model holds one source, so a training run
/// is reproducible from its seed, and a checkpoint can store the stream position by re-seeding.
public final class RandomSource {
    /// The underlying generator; draw through `generator.next…` on this property.
    public var generator: SeededGenerator

    public init(seed: UInt64) { generator = SeededGenerator(seed: seed) }
}
