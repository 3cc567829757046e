import Tensor

/// The seeds of a run's random streams, each derived from the run seed, the stream's purpose and
/// the epoch, so that epoch k draws the same numbers whether or not the run was interrupted and
/// resumed before it (no generator state has to be carried across epochs or checkpoints).
/// Model initialisation uses the run seed itself (`ModelConfig.seed`).
struct RunSeeds: Sendable, Equatable {
    /// What a stream is used for.
    enum Stream: UInt64, Sendable {
        /// The order of the training rows.
        case shuffle = 2
        /// Dropout masks and the Ada-Ranker's neural-process samples.
        case modelNoise = 3
    }

    /// The `seed` setting.
    public let base: UInt64

    public init(base: UInt64) { self.base = base }

    /// The seed of `stream` in `epoch` (1-based; 0 for streams used before training) on process
    /// `rank` of a distributed run (0, the root, draws what a single process draws).
    public func seed(_ stream: Stream, epoch: Int = 0, rank: Int = 0) -> UInt64 {
        // Two rounds of SplitMix64's finaliser over a combination of the four inputs.
        var x = base &+ stream.rawValue &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(epoch) &* 0xD1B5_4A32_D192_ED03
            &+ UInt64(rank) &* 0x8CB9_2BA7_2F3D_8DD7
        for _ in 0..<2 {
            x = (x ^ (x >> 30)) &* 0xBF58_476D_1CE4_E5B9
            x = (x ^ (x >> 27)) &* 0x94D0_49BB_1331_11EB
            x ^= x >> 31
        }
        return x
    }

    /// A generator for `stream` in `epoch` on process `rank`.
    public func generator(_ stream: Stream, epoch: Int = 0, rank: Int = 0) -> SeededGenerator {
        SeededGenerator(seed: seed(stream, epoch: epoch, rank: rank))
    }
}
