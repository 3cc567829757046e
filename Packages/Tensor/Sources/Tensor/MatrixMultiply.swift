import CBLAS
import CTensorKernels
import Dispatch

/// Raw single-precision GEMM on row-major buffers: `C = alpha · op(A) · op(B) + beta · C`,
/// with `op(A)` of shape `[m, k]`, `op(B)` `[k, n]` and `C` `[m, n]` (leading dimensions are the
/// row lengths of the stored, untransposed matrices). A wrapper over OpenBLAS `cblas_sgemm`,
/// except for a single row times a transposed matrix (`m == 1`, `A` untransposed, `B` transposed
/// and at most `singleRowProductLimit` entries), the shape of one-request inference (a GRU step,
/// a Linear layer at batch size 1): that runs as one-row dot products in C (`adr_sgemv_rows`,
/// AVX2 + FMA when available), about 20 % faster than OpenBLAS's small-matrix kernels there.
///
/// Inside `withBatchInvariantProducts` every call runs on `adr_sgemm_rows` instead, whose rows of
/// `C` do not depend on `m` or on the other rows of `A` (OpenBLAS's do, in the last bits). There,
/// `panels` (`B`'s `TransposedPanels`, for `A · Bᵀ`) give the same bits faster; elsewhere they are
/// ignored.
@inlinable
public func sgemm(
    transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
    alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
    b: UnsafePointer<Float>, ldb: Int,
    beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int, panels: TransposedPanels? = nil
) {
    guard m > 0, n > 0 else { return }
    if adr_batch_invariant_products() != 0 {
        if let panels, transposeB, !transposeA, panels.fits(n: n, k: k) {
            rowInvariantProduct(m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, panels: panels, b: b, ldb: ldb,
                                beta: beta, c: c, ldc: ldc)
            return
        }
        rowInvariantProduct(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                            a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
        return
    }
    if m == 1 && !transposeA && transposeB && k > 0 && n * k <= singleRowProductLimit {
        singleRowProduct(n: n, k: k, alpha: alpha, a: a, b: b, ldb: ldb, beta: beta, c: c)
        return
    }
    cblas_sgemm(CblasRowMajor,
                transposeA ? CblasTrans : CblasNoTrans,
                transposeB ? CblasTrans : CblasNoTrans,
                Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
}

/// Largest `n · k` (entries of `B`) sent to `singleRowProduct`: 4 MB of weights, still a cache-
/// and single-thread-sized problem; larger ones stay with OpenBLAS, which may use several threads.
@usableFromInline let singleRowProductLimit = 1 << 20

/// `c[0, j] = alpha · Σ_i a[i] · b[j, i] + beta · c[0, j]` for `j < n` (see `sgemm`).
@usableFromInline
func singleRowProduct(n: Int, k: Int, alpha: Float, a: UnsafePointer<Float>, b: UnsafePointer<Float>, ldb: Int,
                      beta: Float, c: UnsafeMutablePointer<Float>) {
    adr_sgemv_rows(n, k, alpha, b, ldb, a, beta, c)
}

/// `sgemm` on `adr_sgemm_rows`; a transposed `A` is first copied into `[m, k]` rows. Products of
/// at least `rowSplitMinimumWork` multiply-adds are split into row ranges run on up to
/// `blasThreads()` threads, which changes nothing in any row's arithmetic.
@usableFromInline
func rowInvariantProduct(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float,
                         a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                         beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
    var rowsA = a, strideA = lda
    var copy: UnsafeMutablePointer<Float>?
    if transposeA {
        let rows = UnsafeMutablePointer<Float>.allocate(capacity: max(1, m * k))
        for r in 0..<m { for i in 0..<k { rows[r * k + i] = a[i * lda + r] } }
        (rowsA, strideA, copy) = (UnsafePointer(rows), k, rows)
    }
    defer { copy?.deallocate() }
    let parts = m * n * k >= rowSplitMinimumWork ? max(1, min(blasThreads(), m)) : 1
    let run = { (rows: Range<Int>) in
        adr_sgemm_rows(transposeB ? 1 : 0, rows.count, n, k, alpha, rowsA + rows.lowerBound * strideA, strideA,
                       b, ldb, beta, c + rows.lowerBound * ldc, ldc)
    }
    if parts == 1 { return run(0..<m) }
    DispatchQueue.concurrentPerform(iterations: parts) { part in run((m * part / parts) ..< (m * (part + 1) / parts)) }
}

/// `rowInvariantProduct` for `A · Bᵀ` with `B`'s panels (`adr_sgemm_rows_packed`): the same bits,
/// the same sharing of rows among threads.
@usableFromInline
func rowInvariantProduct(m: Int, n: Int, k: Int, alpha: Float, a: UnsafePointer<Float>, lda: Int,
                         panels: TransposedPanels, b: UnsafePointer<Float>, ldb: Int,
                         beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
    let packed = panels.storage.pointer
    let parts = m * n * k >= rowSplitMinimumWork ? max(1, min(blasThreads(), m)) : 1
    let run = { (rows: Range<Int>) in
        adr_sgemm_rows_packed(rows.count, n, k, alpha, a + rows.lowerBound * lda, lda, packed, panels.width,
                              b, ldb, beta, c + rows.lowerBound * ldc, ldc)
    }
    if parts == 1 { return run(0..<m) }
    DispatchQueue.concurrentPerform(iterations: parts) { part in run((m * part / parts) ..< (m * (part + 1) / parts)) }
}

/// Multiply-adds from which `rowInvariantProduct` shares rows out among threads (about 0.1 ms).
@usableFromInline let rowSplitMinimumWork = 1 << 23

/// Runs `body` with batch-invariant matrix products on the calling thread: every `sgemm` (and so
/// `Tensor.matmul` and the ops built on them) computes each output row by the same arithmetic
/// whatever the number of rows, so a row of a batch gets bit-for-bit the values it gets alone.
/// The previous setting is restored afterwards. Used for inference (`RankingModel.scores`); at the
/// small shapes of inference the products run within about 15 % of OpenBLAS's speed.
public func withBatchInvariantProducts<T>(_ enabled: Bool = true, _ body: () throws -> T) rethrows -> T {
    let previous = adr_batch_invariant_products()
    adr_set_batch_invariant_products(enabled ? 1 : 0)
    defer { adr_set_batch_invariant_products(previous) }
    return try body()
}

/// Whether the calling thread is inside `withBatchInvariantProducts` (threads started meanwhile do
/// not inherit it; pass it on with `withBatchInvariantProducts(_:_:)`).
public var batchInvariantProducts: Bool { adr_batch_invariant_products() != 0 }

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

/// The number of threads OpenBLAS currently uses.
public func blasThreads() -> Int { Int(openblas_get_num_threads()) }

/// The kernel family OpenBLAS chose when it loaded (e.g. `Haswell` for AVX2, `SkylakeX` or
/// `Cooperlake` for AVX-512), from the processor or from `OPENBLAS_CORETYPE`. Matrix products, and
/// so trained weights, differ in their last bits between kernel families.
public func blasKernelName() -> String { openblas_get_corename().map { String(cString: $0) } ?? "unknown" }

/// Runs `body` with OpenBLAS limited to at most `count` threads, then restores the previous count.
///
/// For tiny products (one-request inference) a second BLAS thread costs more in hand-over than it
/// saves. The setting is process-wide: BLAS calls made meanwhile on other threads see it too.
public func withBLASThreads<T>(atMost count: Int, _ body: () throws -> T) rethrows -> T {
    let previous = openblas_get_num_threads()
    guard Int(previous) > count else { return try body() }
    openblas_set_num_threads(Int32(count))
    defer { openblas_set_num_threads(previous) }
    return try body()
}
