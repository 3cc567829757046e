import CTensorKernels

/// A matrix `B [n, k]` re-laid out for the batch-invariant products `A · Bᵀ` (`sgemm` with
/// `transposeB` inside `withBatchInvariantProducts`, given `panels:`): the same bits as without,
/// 1.2–1.9× faster at the shapes of inference.
///
/// `B` is cut into panels of sixteen of its rows (sixteen output columns); within a panel the
/// entries `B[j, i]` for `i = l, l + 8, l + 16, …` come together for each of the eight lanes `l`
/// of the dot products, so one register holds one lane sum of sixteen outputs and the lane sums
/// are combined by adding whole registers, in the order of the plain kernel. The last `n mod 16`
/// rows of `B` are not copied: products read them from `B` itself, so `sgemm` still needs `B`.
///
/// Only the AVX-512 path uses panels; on other CPUs they are empty and the products are the plain
/// ones. Build them once per weight matrix (Autograd keeps them for parameters); they describe
/// `B`'s values when built and must be rebuilt when `B` changes.
public struct TransposedPanels: Sendable {
    /// `n`, the rows of `B` (columns of the product).
    public let rows: Int
    /// `k`, the columns of `B` (the summed axis).
    public let columns: Int
    /// The panels, `(n / 16) · 16 · k` floats (empty without the AVX-512 path).
    @usableFromInline let scalars: [Float]

    /// The panels of a rank-2 `matrix` `[n, k]`.
    public init(of matrix: Tensor) {
        precondition(matrix.rank == 2, "TransposedPanels needs a [n, k] matrix, got shape \(matrix.shape)")
        let (n, k) = (matrix.shape[0], matrix.shape[1])
        rows = n
        columns = k
        let count = adr_transposed_panels_count(n, k)
        scalars = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            if count > 0 {
                matrix.scalars.withUnsafeBufferPointer { b in adr_pack_transposed_panels(n, k, b.baseAddress!, k, buffer.baseAddress!) }
            }
            initialized = count
        }
    }

    /// Whether the panels are used for a product with `n` columns summed over `k` (the shape they
    /// were built for, and a CPU whose kernel reads them).
    @inlinable
    func fits(n: Int, k: Int) -> Bool { !scalars.isEmpty && rows == n && columns == k }
}
