import Tensor

/// Single-precision GEMM throughput on the model's characteristic shapes: the raw `sgemm` into a
/// preallocated output, and `Tensor.matmul` (which allocates its result) for comparison.
/// Throughput is `2·M·K·N` floating-point operations per call.
struct SgemmBench: BenchCase {
    let name = "sgemm"
    let summary = "C[M,N] = A[M,K]·B[K,N] (raw sgemm, and Tensor.matmul), GFLOP/s"

    /// (M, K, N)
    static let shapes = [(40960, 128, 64), (1024, 64, 384), (1024, 128, 384)]

    func run(_ context: BenchContext) {
        var rng = SeededGenerator(seed: 1)
        for (m, k, n) in Self.shapes {
            let a = Tensor.uniform([m, k], low: -1, high: 1, using: &rng)
            let b = Tensor.uniform([k, n], low: -1, high: 1, using: &rng)
            var c = [Float](repeating: 0, count: m * n)
            let flops = 2 * Double(m) * Double(k) * Double(n)
            let label = "[\(m),\(k)]x[\(k),\(n)]"

            let raw = a.scalars.withUnsafeBufferPointer { pa in
                b.scalars.withUnsafeBufferPointer { pb in
                    c.withUnsafeMutableBufferPointer { pc in
                        context.measure {
                            sgemm(transposeA: false, transposeB: false, m: m, n: n, k: k,
                                  a: pa.baseAddress!, lda: k, b: pb.baseAddress!, ldb: n,
                                  c: pc.baseAddress!, ldc: n)
                        }
                    }
                }
            }
            context.report(label: "sgemm " + label, seconds: raw, throughput: (flops / raw * 1e-9, "GFLOP/s"))

            var sink: Float = 0
            let wrapped = context.measure { sink += Tensor.matmul(a, b).scalars[0] }
            context.report(label: "matmul " + label, seconds: wrapped, throughput: (flops / wrapped * 1e-9, "GFLOP/s"))
            if sink.isNaN { print("unexpected NaN") }
        }
    }
}
