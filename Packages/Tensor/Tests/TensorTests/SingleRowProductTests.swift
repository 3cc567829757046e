import CTensorKernels
import XCTest
@testable import Tensor

/// `sgemm` with one output row times a transposed matrix runs on the C kernel `adr_sgemv_rows`;
/// it must agree with a Double reference for every alpha/beta, odd sizes (partial lane blocks and
/// row groups), a padded leading dimension, and on both kernel paths.
final class SingleRowProductTests: XCTestCase {
    func testSingleRowTimesTransposedMatrixMatchesReference() {
        var rng = SeededGenerator(seed: 41)
        for (n, k) in [(1, 1), (3, 5), (4, 8), (7, 13), (384, 128), (33, 64)] {
            let ldb = k + 3
            let a = Tensor.normal([k], using: &rng), b = Tensor.normal([n, ldb], using: &rng)
            let initial = Tensor.normal([n], using: &rng)
            for (alpha, beta) in [(Float(1), Float(0)), (0.5, 1), (-2, 0.25)] {
                let expected = (0..<n).map { j -> Double in
                    let dot = (0..<k).reduce(0.0) { $0 + Double(a.scalars[$1]) * Double(b.scalars[j * ldb + $1]) }
                    return Double(alpha) * dot + Double(beta) * Double(initial.scalars[j])
                }
                for avx2 in [1, 0] {
                    adr_tensor_kernels_allow_avx2(Int32(avx2))
                    defer { adr_tensor_kernels_allow_avx2(1) }
                    var c = initial.scalars
                    a.scalars.withUnsafeBufferPointer { pa in
                        b.scalars.withUnsafeBufferPointer { pb in
                            c.withUnsafeMutableBufferPointer { pc in
                                sgemm(transposeA: false, transposeB: true, m: 1, n: n, k: k, alpha: alpha,
                                      a: pa.baseAddress!, lda: k, b: pb.baseAddress!, ldb: ldb,
                                      beta: beta, c: pc.baseAddress!, ldc: n)
                            }
                        }
                    }
                    for j in 0..<n {
                        XCTAssertEqual(Double(c[j]), expected[j], accuracy: 1e-4 * max(1, abs(expected[j])),
                                       "n \(n) k \(k) alpha \(alpha) beta \(beta) avx2 \(avx2) j \(j)")
                    }
                }
            }
        }
    }

    /// `beta == 0` must not read the output (it may hold NaN, as uninitialised memory can).
    func testZeroBetaIgnoresOldOutput() {
        let a = Tensor(shape: [1, 3], scalars: [1, 2, 3]), w = Tensor(shape: [2, 3], scalars: [1, 0, 0, 0, 1, 1])
        var c: [Float] = [.nan, .nan]
        a.scalars.withUnsafeBufferPointer { pa in
            w.scalars.withUnsafeBufferPointer { pw in
                c.withUnsafeMutableBufferPointer { pc in
                    sgemm(transposeA: false, transposeB: true, m: 1, n: 2, k: 3, a: pa.baseAddress!, lda: 3,
                          b: pw.baseAddress!, ldb: 3, c: pc.baseAddress!, ldc: 2)
                }
            }
        }
        XCTAssertEqual(c, [1, 5])
        XCTAssertEqual(Tensor.matmul(a, w, transposeB: true), Tensor(shape: [1, 2], scalars: [1, 5]))
    }
}
