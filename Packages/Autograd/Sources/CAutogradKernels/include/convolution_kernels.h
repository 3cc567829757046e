#ifndef ADARANKER_CONVOLUTION_KERNELS_H
#define ADARANKER_CONVOLUTION_KERNELS_H

/// Direct (im2col-free) kernels of the causal dilated convolution (Autograd `causalConv1d`).
///
/// Both kernels walk "rows" over `rowCount = sequences · rowLength` flattened positions. Row
/// `(b, r)` reads, through tap `j` (0 ≤ j < taps), the `k` floats of `source[b, r + offsets[j]]`,
/// where each sequence of `source` holds `sourceLength` rows of `k` floats; a position outside
/// `0..<sourceLength` reads zeros (the causal padding). The forward pass and ∂x are both
///     out[row, 0..<n] = bias (or 0) + Σ_j Σ_i source(row, j)[i] · w[j, i, 0..<n],
/// and ∂W is
///     dw[j, i, 0..<n] = Σ_row source(row, j)[i] · g[row, 0..<n].
/// Every output entry is one fused multiply-add chain in that order (taps, then i; rows in order),
/// so results do not depend on the batch, the blocking or the vector width: the AVX-512 and AVX2
/// paths give the same bits.

/// Floats of the packed right-hand side for `adr_conv_rows`: ⌈n / 64⌉ groups of `taps · k · 64`.
long adr_conv_packed_count(long taps, long k, long n);

/// Packs `w` for `adr_conv_rows`: entry (j, i, col) is read at `w[j·tapStride + i·rowStride +
/// col·columnStride]` and written to group ⌊col / 64⌋, at `((j · k + i) · 64 + col mod 64)`; the
/// columns past `n` in the last group are zero.
void adr_conv_pack(long taps, long k, long n, const float *w, long tapStride, long rowStride, long columnStride,
                   float *packed);

/// `out [rowCount, n] = bias + Σ_j source(row, j) · w[j]` (see above) with `packed` from
/// `adr_conv_pack`; `bias` (n floats) may be null.
void adr_conv_rows(long rowCount, long rowLength, long sourceLength, long taps, const long *offsets, long k, long n,
                   const float *source, const float *packed, const float *bias, float *out);

/// `dw [taps, k, n] = Σ_row source(row, j)ᵀ · g[row]` (see above), overwriting `dw`; `g` is
/// `[rowCount, n]`. When `dbias` is not null it gets the column sums of g, `Σ_row g[row]` (rows in order).
void adr_conv_weight_gradient(long rowCount, long rowLength, long sourceLength, long taps, const long *offsets,
                              long k, long n, const float *source, const float *g, float *dw, float *dbias);

#endif
