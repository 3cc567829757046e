import CBLAS

/// Raw single-precision GEMM on row-major buffers: `C = alpha · op(A) · op(B) + beta · C`,
/// with `op(A)` of shape `[m, k]`, `op(B)` `[k, n]` and `C` `[m, n]` (leading dimensions are the
/// row lengths of the stored, untransposed matrices). Thin wrapper over OpenBLAS `cblas_sgemm`.
@inlinable
public func sgemm(
    transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
    alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
    b: UnsafePointer<Float>, ldb: Int,
    beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int
) {
    guard m > 0, n > 0 else { return }
    cblas_sgemm(CblasRowMajor,
                transposeA ? CblasTrans : CblasNoTrans,
                transposeB ? CblasTrans : CblasNoTrans,
                Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
}

extension Tensor {
    /// Matrix product of the last two axes, with optional transposition of either operand.
    ///
    /// - `[M, K] · [K, N] → [M, N]`
    /// - `[..., M, K] · [K, N] → [..., M, N]` (a shared right matrix: one GEMM over all leading rows)
    /// - `[B, M, K] · [B, K, N] → [B, M, N]` (batched; leading axes must match exactly)
    ///
    /// `transposeA` / `transposeB` use the transpose of that operand's last two axes.
    public static func matmul(_ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false) -> Tensor {
        precondition(a.rank >= 2 && b.rank >= 2, "matmul needs rank ≥ 2 operands, got \(a.shape) and \(b.shape)")
        let aRows = a.shape[a.rank - 2], aCols = a.shape[a.rank - 1]
        let bRows = b.shape[b.rank - 2], bCols = b.shape[b.rank - 1]
        let (m, k) = transposeA ? (aCols, aRows) : (aRows, aCols)
        let (kb, n) = transposeB ? (bCols, bRows) : (bRows, bCols)
        precondition(k == kb, "matmul inner dimensions differ: \(a.shape)\(transposeA ? "ᵀ" : "") · \(b.shape)\(transposeB ? "ᵀ" : "")")

        if b.rank == 2 && !transposeA {
            // Flatten every leading axis of `a` into rows: one large GEMM.
            let rows = a.count / aCols
            let outShape = Array(a.shape.dropLast(2)) + [m, n]
            return Tensor(shape: outShape, unsafeUninitializedScalars: { out in
                a.scalars.withUnsafeBufferPointer { pa in
                    b.scalars.withUnsafeBufferPointer { pb in
                        sgemm(transposeA: false, transposeB: transposeB, m: rows, n: n, k: k,
                              a: pa.baseAddress!, lda: aCols, b: pb.baseAddress!, ldb: bCols,
                              c: out.baseAddress!, ldc: n)
                    }
                }
            })
        }

        let batchShape = Array(a.shape.dropLast(2))
        let bBatchShape = Array(b.shape.dropLast(2))
        let sharedB = b.rank == 2
        precondition(sharedB || batchShape == bBatchShape,
                     "batched matmul needs equal batch axes, got \(a.shape) and \(b.shape)")
        let batch = batchShape.reduce(1, *)
        let aStride = aRows * aCols, bStride = sharedB ? 0 : bRows * bCols, cStride = m * n
        return Tensor(shape: batchShape + [m, n], unsafeUninitializedScalars: { out in
            a.scalars.withUnsafeBufferPointer { pa in
                b.scalars.withUnsafeBufferPointer { pb in
                    for i in 0..<batch {
                        sgemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                              a: pa.baseAddress! + i * aStride, lda: aCols,
                              b: pb.baseAddress! + i * bStride, ldb: bCols,
                              c: out.baseAddress! + i * cStride, ldc: n)
                    }
                }
            }
        })
    }
}

/// Sets the number of threads OpenBLAS uses (the `OPENBLAS_NUM_THREADS` environment variable sets
/// the default at start-up).
public func setBLASThreads(_ count: Int) { openblas_set_num_threads(Int32(count)) }
