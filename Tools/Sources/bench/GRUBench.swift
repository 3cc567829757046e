import Autograd
import Foundation
import Tensor

/// One GRU layer (`GRU(inputSize: 64, hiddenSize: 128)`, with biases) forward + backward on a batch
/// of 1024 sequences of length 50 and 200, in sequences per second. The backward pass starts from
/// an upstream gradient of ones (the loss is the sum of all outputs) and produces the gradients of
/// all four weights and of the input. With 2 threads the op splits the batch in two.
///
/// A second line reports the process CPU time per call and the throughput it implies on otherwise
/// idle cores (`B · threads / cpu`), which stays meaningful when other work shares the machine.
struct GRUBench: BenchCase {
    let name = "gru"
    let summary = "GRU(64 → 128) forward+backward, B = 1024, L = 50 and 200, sequences/s"

    func run(_ context: BenchContext) {
        let (batch, inputSize, hiddenSize) = (1024, 64, 128)
        var rng = SeededGenerator(seed: 7)
        let gru = GRU(inputSize: inputSize, hiddenSize: hiddenSize, rng: &rng)
        for length in [50, 200] {
            let x = Variable(.uniform([batch, length, inputSize], low: -1, high: 1, using: &rng), requiresGrad: true)
            let upstream = Tensor.ones([batch, length, hiddenSize])
            var calls = 0
            let cpuStart = Self.processCPUSeconds()
            let seconds = context.measure(minimumRunSeconds: 0) {
                gru(x).backward(seed: upstream)
                x.grad = nil
                gru.zeroGrad()
                calls += 1
            }
            let cpu = (Self.processCPUSeconds() - cpuStart) / Double(calls)
            let label = "fwd+bwd B=\(batch) L=\(length)"
            context.report(label: label, seconds: seconds, throughput: (Double(batch) / seconds, "seq/s"))
            context.report(label: label + " (cpu time)", seconds: cpu,
                           throughput: (Double(batch * context.threads) / cpu, "seq/s on idle cores"))
        }
    }

    /// User + system CPU time of the whole process.
    static func processCPUSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
    }
}
