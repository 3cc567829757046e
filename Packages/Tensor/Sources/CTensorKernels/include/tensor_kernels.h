#ifndef ADARANKER_TENSOR_KERNELS_H
#define ADARANKER_TENSOR_KERNELS_H

/// Small kernels of the Tensor package in C, so that they can use AVX2 + FMA (chosen once at run
/// time when the CPU has them; portable code otherwise).

/// Matrix-vector product over the rows of `a`: for j < n,
///   y[j] = alpha · Σ_{i<k} a[j·lda + i] · x[i] + beta · y[j]     (y is not read when beta == 0).
/// This is a GEMM with a single output row, `[1, k] · aᵀ`, the shape of one-request inference
/// (e.g. a recurrent step at batch size 1), where OpenBLAS's small-matrix GEMM kernels are slower.
void adr_sgemv_rows(long n, long k, float alpha, const float *a, long lda, const float *x, float beta, float *y);

/// Row-invariant GEMM: C = alpha · A · op(B) + beta · C with row-major A `[m, k]` (`lda`), C `[m, n]`
/// (`ldc`) and B `[k, n]` (`transpose_b` = 0) or `[n, k]` (`transpose_b` = 1), `ldb` its row length
/// (C is not read when beta == 0). Every entry C[r, j] is computed by one fixed sequence of
/// operations that depends only on j, n and k — never on m or on r — so a row of A gives bit-for-bit
/// the same row of C alone or among any other rows. With B `[n, k]` an entry is the dot product of
/// `adr_sgemv_rows` (eight lane sums, then the `k mod 8` tail); with B `[k, n]` it is the sum over
/// i = 0 ..< k in order. OpenBLAS's sgemm does not promise this (its kernels differ with m).
void adr_sgemm_rows(int transpose_b, long m, long n, long k, float alpha, const float *a, long lda,
                    const float *b, long ldb, float beta, float *c, long ldc);

/// `adr_sgemm_rows` for b `[n, k]` (`transpose_b` = 1) with the same bits, faster (1.2–1.9× at the
/// shapes of inference) by reading b from `panels`, a copy of b re-laid out by
/// `adr_pack_transposed_panels` for `width` (panels of `width` columns whose registers hold one lane
/// sum of `width` columns). The panels are read only when `width` is the current path's
/// (`adr_transposed_panels_width`); otherwise, and with `panels == NULL`, this is `adr_sgemm_rows` on
/// b. The last `n mod width` columns are always read from b.
void adr_sgemm_rows_packed(long m, long n, long k, float alpha, const float *a, long lda, const float *panels, int width,
                           const float *b, long ldb, float beta, float *c, long ldc);

/// `adr_sgemm_rows_packed` for rows that share their first `k0` entries: row r of the left operand is
/// `[prefix (k0 entries), a[r] (k − k0 entries)]`, and C[r, j] gets exactly the bits of the product
/// of that whole row. With usable panels and k0 a multiple of 8 (whole steps of every lane sum), the
/// lane sums over the prefix are computed once for all m rows and each row's sums go on from them;
/// the other columns are computed row by row from the whole rows.
void adr_sgemm_rows_prefix(long m, long n, long k, long k0, float alpha, const float *prefix, const float *a, long lda,
                           const float *panels, int width, const float *b, long ldb, float beta, float *c, long ldc);

/// The panel width of the current path: 16 with AVX-512, 8 with AVX2, 0 without either (no panels).
int adr_transposed_panels_width(void);

/// Number of floats of the panels of a `[n, k]` matrix for `width`: `(n / width) · width · k` (0 for width 0).
long adr_transposed_panels_count(long n, long k, int width);

/// Writes the panels of b `[n, k]` (row length `ldb`) for `width` into `panels` (`adr_transposed_panels_count` floats).
void adr_pack_transposed_panels(long n, long k, const float *b, long ldb, int width, float *panels);

/// Whether this thread's `Tensor.sgemm` calls use `adr_sgemm_rows` (1) or OpenBLAS (0, the start);
/// a thread-local flag, set by Tensor's `withBatchInvariantProducts`.
int adr_batch_invariant_products(void);
void adr_set_batch_invariant_products(int enabled);

/// Softmax (or, with `logarithm` ≠ 0, log-softmax) of each of `rows` contiguous rows of length `n`:
/// with m the row maximum, y = e^(x − m) / Σ e^(x − m), or (x − m) − log Σ e^(x − m). The
/// exponential is Tensor's vectorised one (Cephes polynomial, ≈ 1 ulp); a row whose maximum is
/// −inf or NaN gives NaN, as in PyTorch. `x == y` (in place) is allowed for the softmax, not for
/// the log-softmax.
void adr_softmax_rows(long rows, long n, const float *x, float *y, int logarithm);

/// `y[i] = eˣ`, `1 / (1 + e⁻ˣ)` or `tanh x` of `x[i]` for `i < n`, with exactly the bits of Tensor's Swift
/// functions `vectorExp`, `vectorSigmoid` and `vectorTanh` (the same operations in the same order,
/// no fused multiply-adds), on AVX-512 or AVX2 registers. Return 1, or 0 without writing anything
/// when the CPU has neither (the caller then runs the Swift functions). `x == y` is allowed.
int adr_vector_exp(long n, const float *x, float *y);
int adr_vector_sigmoid(long n, const float *x, float *y);
int adr_vector_tanh(long n, const float *x, float *y);

/// 1 when the AVX2 + FMA path is in use; `adr_tensor_kernels_allow_avx2(0)` forbids it (for tests).
int adr_tensor_kernels_use_avx2(void);
void adr_tensor_kernels_allow_avx2(int allowed);

/// 1 when the AVX-512 paths (of `adr_sgemm_rows` and `adr_vector_*`) are in use (AVX-512 F, VL, DQ;
/// never without the AVX2 path): the same bits as the AVX2 paths, in 512-bit registers.
/// `adr_tensor_kernels_allow_avx512(0)` forbids them (for tests).
int adr_tensor_kernels_use_avx512(void);
void adr_tensor_kernels_allow_avx512(int allowed);

#endif
