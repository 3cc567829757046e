import Foundation
import Tensor

/// Parameter initialisers with PyTorch's definitions, drawing from a `SeededGenerator`.
///
/// Fans follow `torch.nn.init._calculate_fan_in_and_fan_out`: for a weight of shape
/// `[out, in, k…]`, `fanIn = in · Πk` and `fanOut = out · Πk` (a Linear weight `[out, in]`, a
/// convolution `[out, in, 1, k]`).
///
/// PyTorch's defaults, per layer:
/// - Linear / Conv weight: `kaimingUniform(a: √5)`, which is U(±1/√fanIn); bias U(±1/√fanIn);
/// - Embedding: N(0, 1);
/// - GRU: every weight and bias U(±1/√H);
/// - LayerNorm: weight 1, bias 0.
///
/// RecBole's SASRec re-initialises its Linear and Embedding weights with N(0, 0.02) and zero biases
/// (`normal(std: 0.02)`); whether a model follows that is the model's choice.
public enum Initializer {
    /// `(fanIn, fanOut)` of a weight shape of rank ≥ 2 (rank 1: both are the length).
    public static func fans(_ shape: [Int]) -> (fanIn: Int, fanOut: Int) {
        precondition(!shape.isEmpty, "fans need a shape of rank ≥ 1")
        if shape.count == 1 { return (shape[0], shape[0]) }
        let receptive = shape.dropFirst(2).reduce(1, *)
        return (shape[1] * receptive, shape[0] * receptive)
    }

    /// U(−bound, bound).
    public static func uniform(_ shape: [Int], bound: Float, using rng: inout SeededGenerator) -> Tensor {
        Tensor.uniform(shape, low: -bound, high: bound, using: &rng)
    }

    /// N(mean, std²).
    public static func normal(_ shape: [Int], mean: Float = 0, std: Float = 1, using rng: inout SeededGenerator) -> Tensor {
        Tensor.normal(shape, mean: mean, std: std, using: &rng)
    }

    /// Kaiming (He) uniform for a leaky-ReLU slope `a`, fan-in mode: U(±gain·√(3/fanIn)) with
    /// gain = √(2/(1 + a²)). With PyTorch's Linear default `a = √5` the bound is `1/√fanIn`.
    public static func kaimingUniform(_ shape: [Int], a: Double = 5.0.squareRoot(), using rng: inout SeededGenerator) -> Tensor {
        let fanIn = fans(shape).fanIn
        let gain = (2 / (1 + a * a)).squareRoot()
        return uniform(shape, bound: Float(gain * (3 / Double(fanIn)).squareRoot()), using: &rng)
    }

    /// The bias of a Linear/Conv layer whose weight has `fanIn` inputs: U(±1/√fanIn).
    public static func fanInBias(_ shape: [Int], fanIn: Int, using rng: inout SeededGenerator) -> Tensor {
        uniform(shape, bound: fanIn > 0 ? Float(1 / Double(fanIn).squareRoot()) : 0, using: &rng)
    }

    /// Xavier (Glorot) uniform: U(±gain·√(6/(fanIn + fanOut))).
    public static func xavierUniform(_ shape: [Int], gain: Double = 1, using rng: inout SeededGenerator) -> Tensor {
        let (fanIn, fanOut) = fans(shape)
        return uniform(shape, bound: Float(gain * (6 / Double(fanIn + fanOut)).squareRoot()), using: &rng)
    }

    /// Xavier (Glorot) normal: N(0, (gain·√(2/(fanIn + fanOut)))²).
    public static func xavierNormal(_ shape: [Int], gain: Double = 1, using rng: inout SeededGenerator) -> Tensor {
        let (fanIn, fanOut) = fans(shape)
        return normal(shape, std: Float(gain * (2 / Double(fanIn + fanOut)).squareRoot()), using: &rng)
    }
}
