import CTensorKernels

/// A matrix `B [n, k]` re-laid out for the batch-invariant products `A · Bᵀ` (`sgemm` with
/// `transposeB` inside `withBatchInvariantProducts`, given `panels:`): the same bits as without,
/// 1.2–1.9× faster at the shapes of inference.
///
/// `B` is cut into panels of W of its rows (W output columns, W the register width); within a panel
/// the entries `B[j, i]` for `i = l, l + 8, l + 16, …` come together for each of the eight lanes `l`
/// of the dot products, so one register holds one lane sum of W outputs and the lane sums are
/// combined by adding whole registers, in the order of the plain kernel. The last `n mod W` rows of
/// `B` are not copied: products read them from `B` itself, so `sgemm` still needs `B`.
///
/// Panels are sixteen columns wide on the AVX-512 path and eight on the AVX2 path (whichever is in use
/// when they are built); without either they are empty and the products are the plain ones, as when
/// the path in use differs from the one they were built for. Build them once per weight matrix
/// (Autograd keeps them for parameters); they describe `B`'s values when built and must be rebuilt
/// when `B` changes.
public struct TransposedPanels: Sendable {
    /// `n`, the rows of `B` (columns of the product).
    public let rows: Int
    /// `k`, the columns of `B` (the summed axis).
    public let columns: Int
    /// Columns per panel: 16 on the AVX-512 path, 8 on the AVX2 path, 0 without either.
    @usableFromInline let width: Int32
    /// The panels, `(n / width) · width · k` floats (none without a vector path), 64-byte aligned.
    @usableFromInline let storage: PanelStorage

    /// The panels of a rank-2 `matrix` `[n, k]`.
    public init(of matrix: Tensor) {
        precondition(matrix.rank == 2, "TransposedPanels needs a [n, k] matrix, got shape \(matrix.shape)")
        let (n, k) = (matrix.shape[0], matrix.shape[1])
        rows = n
        columns = k
        let width = adr_transposed_panels_width()
        self.width = width
        let count = adr_transposed_panels_count(n, k, width)
        storage = PanelStorage(count: count)
        if count > 0 {
            matrix.scalars.withUnsafeBufferPointer { b in
                adr_pack_transposed_panels(n, k, b.baseAddress!, k, width, storage.pointer)
            }
        }
    }

    /// Whether the panels are used for a product with `n` columns summed over `k` (the shape they
    /// were built for, and a CPU whose kernel reads them).
    @inlinable
    func fits(n: Int, k: Int) -> Bool { storage.count > 0 && rows == n && columns == k }
}

/// The floats of one `TransposedPanels`, on 64-byte boundaries so that every sixteen-float load of a
/// panel reads one cache line (unaligned, each would straddle two: 5–10 % slower, most for a GRU step,
/// whose weights stream from L2). Written once when built, read-only afterwards, so sharing it between
/// threads is safe.
@usableFromInline
final class PanelStorage: @unchecked Sendable {
    @usableFromInline let pointer: UnsafeMutablePointer<Float>
    @usableFromInline let count: Int

    init(count: Int) {
        self.count = count
        let bytes = Swift.max(1, count) * MemoryLayout<Float>.stride
        pointer = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64).bindMemory(to: Float.self, capacity: Swift.max(1, count))
    }

    deinit { pointer.deallocate() }
}

/// Batch-invariant `C[r, :] = alpha · [prefix, A[r, :]] · Bᵀ + beta · C[r, :]` for `r < m`: rows of
/// the left operand that all begin with the same `prefixCount` entries (`prefix`), followed by
/// their own `k − prefixCount` entries (row `r` of `A`, row length `lda`), against `B [n, k]`
/// (row length `ldb`) and its `panels`. Each entry has exactly the bits of the batch-invariant
/// product of its whole row (`sgemm` inside `withBatchInvariantProducts`), but the shared part of
/// every lane sum is computed once: the first layer of a scoring head, `W · [s, e_c]` for one
/// sequence embedding `s` and many candidates `e_c`, costs the candidates' half of the product.
/// The saving needs panels for the current path and `prefixCount` a multiple of 8; otherwise (and for
/// the last `n mod W` columns) each whole row is multiplied on its own, with the same bits.
public func sharedPrefixProduct(m: Int, n: Int, k: Int, prefixCount: Int, alpha: Float = 1,
                                prefix: UnsafePointer<Float>, a: UnsafePointer<Float>, lda: Int,
                                b: UnsafePointer<Float>, ldb: Int, panels: TransposedPanels?,
                                beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
    precondition(prefixCount >= 0 && prefixCount <= k, "sharedPrefixProduct: prefix of \(prefixCount) entries, rows of \(k)")
    guard m > 0, n > 0 else { return }
    let usable = panels.map { $0.fits(n: n, k: k) } ?? false
    if usable, let panels {
        adr_sgemm_rows_prefix(m, n, k, prefixCount, alpha, prefix, a, lda, panels.storage.pointer, panels.width,
                              b, ldb, beta, c, ldc)
    } else {
        adr_sgemm_rows_prefix(m, n, k, prefixCount, alpha, prefix, a, lda, nil, 0, b, ldb, beta, c, ldc)
    }
}
