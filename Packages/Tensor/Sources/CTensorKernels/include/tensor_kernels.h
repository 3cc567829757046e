#ifndef ADARANKER_TENSOR_KERNELS_H
#define ADARANKER_TENSOR_KERNELS_H

/// Small kernels of the Tensor package in C, so that they can use AVX2 + FMA (chosen once at run
/// time when the CPU has them; portable code otherwise).

/// Matrix-vector product over the rows of `a`: for j < n,
///   y[j] = alpha · Σ_{i<k} a[j·lda + i] · x[i] + beta · y[j]     (y is not read when beta == 0).
/// This is a GEMM with a single output row, `[1, k] · aᵀ`, the shape of one-request inference
/// (e.g. a recurrent step at batch size 1), where OpenBLAS's small-matrix GEMM kernels are slower.
void adr_sgemv_rows(long n, long k, float alpha, const float *a, long lda, const float *x, float beta, float *y);

/// Softmax (or, with `logarithm` ≠ 0, log-softmax) of each of `rows` contiguous rows of length `n`:
/// with m the row maximum, y = e^(x − m) / Σ e^(x − m), or (x − m) − log Σ e^(x − m). The
/// exponential is Tensor's vectorised one (Cephes polynomial, ≈ 1 ulp); a row whose maximum is
/// −inf or NaN gives NaN, as in PyTorch.
void adr_softmax_rows(long rows, long n, const float *x, float *y, int logarithm);

/// 1 when the AVX2 + FMA path is in use; `adr_tensor_kernels_allow_avx2(0)` forbids it (for tests).
int adr_tensor_kernels_use_avx2(void);
void adr_tensor_kernels_allow_avx2(int allowed);

#endif
