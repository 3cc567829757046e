#include <stdlib.h>
#include "tensor_kernels.h"
#include "tensor_vector8.h"

INLINE void finish(float *y, long j, float dot, float alpha, float beta) {
    y[j] = beta == 0.0f ? alpha * dot : alpha * dot + beta * y[j];
}

/// `finish` for eight consecutive entries y[0 ..< 8].
INLINE void finish8(float *y, f8 dot, float alpha, float beta) {
    f8 out = beta == 0.0f ? splat(alpha) * dot : splat(alpha) * dot + splat(beta) * load8(y);
    memcpy(y, &out, sizeof out);
}

/// Where row i = l + 8·t of b (for lane l, step t of `steps = k / 8`) sits in a sixteen-column panel of
/// `adr_pack_transposed_panels`: (l · steps + t) · 16.
INLINE long panel_offset(long l, long t, long steps) { return (l * steps + t) * 16; }

/// Four rows at a time share each load of x; the last `k mod 8` columns and `n mod 4` rows run as
/// scalars.
INLINE void sgemv_rows(long n, long k, float alpha, const float *a, long lda, const float *x, float beta, float *y) {
    const long full = k - k % 8;
    long j = 0;
    for (; j + 4 <= n; j += 4) {
        const float *r0 = a + j * lda, *r1 = r0 + lda, *r2 = r1 + lda, *r3 = r2 + lda;
        f8 s0 = {0}, s1 = {0}, s2 = {0}, s3 = {0};
        for (long i = 0; i < full; i += 8) {
            f8 xv = load8(x + i);
            s0 += load8(r0 + i) * xv;
            s1 += load8(r1 + i) * xv;
            s2 += load8(r2 + i) * xv;
            s3 += load8(r3 + i) * xv;
        }
        float d0 = sum8(s0), d1 = sum8(s1), d2 = sum8(s2), d3 = sum8(s3);
        for (long i = full; i < k; i++) {
            d0 += r0[i] * x[i];
            d1 += r1[i] * x[i];
            d2 += r2[i] * x[i];
            d3 += r3[i] * x[i];
        }
        finish(y, j, d0, alpha, beta);
        finish(y, j + 1, d1, alpha, beta);
        finish(y, j + 2, d2, alpha, beta);
        finish(y, j + 3, d3, alpha, beta);
    }
    for (; j < n; j++) {
        const float *r = a + j * lda;
        f8 s = {0};
        for (long i = 0; i < full; i += 8) s += load8(r + i) * load8(x + i);
        float d = sum8(s);
        for (long i = full; i < k; i++) d += r[i] * x[i];
        finish(y, j, d, alpha, beta);
    }
}

/// The column blocks of `R` rows of `a · b` with b `[k, n]` from column `j` on: blocks of two
/// `VEC` registers (2·W columns), then of one (W columns), advancing `j` past them. Every entry is
/// `s = 0; s += a[r, i] · b[i, j] for i = 0 ..< k` in this order, whatever its block and width.
#define NN_COLUMN_BLOCKS(VEC, W, LOAD, SPLAT, FINISH)                                                   \
    for (; j + 2 * W <= n; j += 2 * W) {                                                                \
        VEC s[4][2] = {{{0}}};                                                                          \
        for (long i = 0; i < k; i++) {                                                                  \
            VEC b0 = LOAD(b + i * ldb + j), b1 = LOAD(b + i * ldb + j + W);                             \
            for (int r = 0; r < R; r++) {                                                               \
                VEC av = SPLAT(a[r * lda + i]);                                                         \
                s[r][0] += av * b0;                                                                     \
                s[r][1] += av * b1;                                                                     \
            }                                                                                           \
        }                                                                                               \
        for (int r = 0; r < R; r++) {                                                                   \
            FINISH(c + r * ldc + j, s[r][0], alpha, beta);                                              \
            FINISH(c + r * ldc + j + W, s[r][1], alpha, beta);                                          \
        }                                                                                               \
    }                                                                                                   \
    for (; j + W <= n; j += W) {                                                                        \
        VEC s[4] = {{0}};                                                                               \
        for (long i = 0; i < k; i++) {                                                                  \
            VEC b0 = LOAD(b + i * ldb + j);                                                             \
            for (int r = 0; r < R; r++) s[r] += SPLAT(a[r * lda + i]) * b0;                             \
        }                                                                                               \
        for (int r = 0; r < R; r++) FINISH(c + r * ldc + j, s[r], alpha, beta);                         \
    }

/// `R` rows (1…4, a constant after inlining) of `a · b` with b `[k, n]`: blocks of 16 and 8
/// columns (`NN_COLUMN_BLOCKS`), then the scalar tail by the same sum, then `finish`.
INLINE void sgemm_nn_rows(int R, long n, long k, float alpha, const float *a, long lda, const float *b, long ldb,
                          float beta, float *c, long ldc) {
    long j = 0;
    NN_COLUMN_BLOCKS(f8, 8, load8, splat, finish8)
    for (; j < n; j++)
        for (int r = 0; r < R; r++) {
            float s = 0;
            for (long i = 0; i < k; i++) s += a[r * lda + i] * b[i * ldb + j];
            finish(c + r * ldc, j, s, alpha, beta);
        }
}

typedef float f4 __attribute__((vector_size(16)));

INLINE f4 load4(const float *p) { f4 v; memcpy(&v, p, sizeof v); return v; }

/// `sum8` of four vectors at once, lane q = sum8(s_q) with the very same additions in the same
/// order: (v0 + v4, v1 + v5, v2 + v6, v3 + v7), then pairs of those, then the two pair sums.
INLINE f4 sum8x4(f8 s0, f8 s1, f8 s2, f8 s3) {
#define HALVES(s) (__builtin_shufflevector(s, s, 0, 1, 2, 3) + __builtin_shufflevector(s, s, 4, 5, 6, 7))
    f4 t0 = HALVES(s0), t1 = HALVES(s1), t2 = HALVES(s2), t3 = HALVES(s3);
#undef HALVES
    f4 u01 = __builtin_shufflevector(t0, t1, 0, 2, 4, 6) + __builtin_shufflevector(t0, t1, 1, 3, 5, 7);
    f4 u23 = __builtin_shufflevector(t2, t3, 0, 2, 4, 6) + __builtin_shufflevector(t2, t3, 1, 3, 5, 7);
    return __builtin_shufflevector(u01, u23, 0, 2, 4, 6) + __builtin_shufflevector(u01, u23, 1, 3, 5, 7);
}

/// Finishes the entries (r, j ..< j + 4) of `a · bᵀ` from their eight-lane sums s0…s3: `sum8`
/// each (`sum8x4`), add the last `k − full` products in order, then `finish`.
INLINE void finish_nt4(f8 s0, f8 s1, f8 s2, f8 s3, long full, long k, float alpha, const float *ar,
                       const float *bj, long ldb, float beta, float *cr) {
    float dot[4];
    f4 sums = sum8x4(s0, s1, s2, s3);
    memcpy(dot, &sums, sizeof dot);
    for (long i = full; i < k; i++)
        for (int q = 0; q < 4; q++) dot[q] += ar[i] * bj[q * ldb + i];
    memcpy(&sums, dot, sizeof dot);
    f4 out = beta == 0.0f ? (f4){alpha, alpha, alpha, alpha} * sums
                          : (f4){alpha, alpha, alpha, alpha} * sums + (f4){beta, beta, beta, beta} * load4(cr);
    memcpy(cr, &out, sizeof out);
}

/// The columns j ≥ `from` of `R` rows of `a · bᵀ`, one at a time, by the same arithmetic as a group of four.
INLINE void sgemm_nt_columns(int R, long from, long n, long k, float alpha, const float *a, long lda,
                             const float *b, long ldb, float beta, float *c, long ldc) {
    const long full = k - k % 8;
    for (long j = from; j < n; j++)
        for (int r = 0; r < R; r++) {
            const float *bj = b + j * ldb, *ar = a + r * lda;
            f8 s = {0};
            for (long i = 0; i < full; i += 8) s += load8(ar + i) * load8(bj + i);
            float dot = sum8(s);
            for (long i = full; i < k; i++) dot += ar[i] * bj[i];
            finish(c + r * ldc, j, dot, alpha, beta);
        }
}

/// `R` rows (1 or 2, a constant after inlining) of `a · bᵀ` with b `[n, k]`: every entry is the
/// dot product of `sgemv_rows` (eight lane sums over the first k − k mod 8 columns, `sum8`, then
/// the tail in order), whether its column falls in a group of four or in the remainder.
INLINE void sgemm_nt_rows(int R, long n, long k, float alpha, const float *a, long lda, const float *b, long ldb,
                          float beta, float *c, long ldc) {
    const long full = k - k % 8;
    long j = 0;
    for (; j + 4 <= n; j += 4) {
        const float *bj = b + j * ldb;
        f8 s[2][4] = {{{0}}};
        for (long i = 0; i < full; i += 8) {
            f8 b0 = load8(bj + i), b1 = load8(bj + ldb + i), b2 = load8(bj + 2 * ldb + i), b3 = load8(bj + 3 * ldb + i);
            for (int r = 0; r < R; r++) {
                f8 av = load8(a + r * lda + i);
                s[r][0] += av * b0;
                s[r][1] += av * b1;
                s[r][2] += av * b2;
                s[r][3] += av * b3;
            }
        }
        for (int r = 0; r < R; r++)
            finish_nt4(s[r][0], s[r][1], s[r][2], s[r][3], full, k, alpha, a + r * lda, bj, ldb, beta, c + r * ldc + j);
    }
    sgemm_nt_columns(R, j, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

/// The row-invariant GEMM (see `adr_sgemm_rows`): rows in groups that share each load of b (four
/// for b `[k, n]`, two for b `[n, k]`), then one at a time; an entry's arithmetic is the same in both.
INLINE void sgemm_rows(int transpose_b, long m, long n, long k, float alpha, const float *a, long lda,
                       const float *b, long ldb, float beta, float *c, long ldc) {
    long r = 0;
    if (transpose_b) {
        for (; r + 2 <= m; r += 2) sgemm_nt_rows(2, n, k, alpha, a + r * lda, lda, b, ldb, beta, c + r * ldc, ldc);
        for (; r < m; r++) sgemm_nt_rows(1, n, k, alpha, a + r * lda, lda, b, ldb, beta, c + r * ldc, ldc);
        return;
    }
    for (; r + 4 <= m; r += 4) sgemm_nn_rows(4, n, k, alpha, a + r * lda, lda, b, ldb, beta, c + r * ldc, ldc);
    for (; r < m; r++) sgemm_nn_rows(1, n, k, alpha, a + r * lda, lda, b, ldb, beta, c + r * ldc, ldc);
}

#if defined(__x86_64__)
AVX2_TARGET static void sgemv_rows_avx2(long n, long k, float alpha, const float *a, long lda, const float *x, float beta, float *y) {
    sgemv_rows(n, k, alpha, a, lda, x, beta, y);
}

AVX2_TARGET static void sgemm_rows_avx2(int transpose_b, long m, long n, long k, float alpha, const float *a, long lda,
                                        const float *b, long ldb, float beta, float *c, long ldc) {
    sgemm_rows(transpose_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

// The row-invariant GEMM on 512-bit registers, giving exactly the AVX2 path's bits: every lane of
// a 16-lane accumulator takes the very multiply-adds, in the same order, that a lane of an
// eight-lane accumulator takes there. For b `[n, k]` the two halves of a register hold the eight
// lane sums of two neighbouring columns; for b `[k, n]` a register holds sixteen columns.

INLINE f16v halves(f8 lo, f8 hi) { return __builtin_shufflevector(lo, hi, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15); }
INLINE f8 low_half(f16v v) { return __builtin_shufflevector(v, v, 0, 1, 2, 3, 4, 5, 6, 7); }
INLINE f8 high_half(f16v v) { return __builtin_shufflevector(v, v, 8, 9, 10, 11, 12, 13, 14, 15); }
INLINE f16v load16(const float *p) { f16v v; memcpy(&v, p, sizeof v); return v; }
INLINE void store16(float *p, f16v v) { memcpy(p, &v, sizeof v); }
INLINE f16v splat16(float x) { return (f16v){x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x}; }

/// `finish8` for sixteen consecutive entries.
INLINE void finish16(float *y, f16v dot, float alpha, float beta) {
    f16v out = beta == 0.0f ? splat16(alpha) * dot : splat16(alpha) * dot + splat16(beta) * load16(y);
    store16(y, out);
}

/// Columns j ..< j + 4·G of `R` rows (R · G ≤ 8) of `a · bᵀ`: columns j + 2q and j + 2q + 1 share a
/// register (its halves). The R · 2G accumulators are independent chains of multiply-adds, enough
/// of them to hide the multiply-add latency even for a single row (R = 1, G = 4).
INLINE void sgemm_nt_block16(int R, int G, long j, long k, float alpha, const float *a, long lda, const float *b,
                             long ldb, float beta, float *c, long ldc) {
    const long full = k - k % 8;
    const float *bj = b + j * ldb;
    f16v s[4][8] = {{{0}}};
    for (long i = 0; i < full; i += 8) {
        f16v bv[8];
        for (int q = 0; q < 2 * G; q++) bv[q] = halves(load8(bj + 2 * q * ldb + i), load8(bj + (2 * q + 1) * ldb + i));
        for (int r = 0; r < R; r++) {
            f8 a8 = load8(a + r * lda + i);
            f16v av = halves(a8, a8);
            for (int q = 0; q < 2 * G; q++) s[r][q] += av * bv[q];
        }
    }
    for (int r = 0; r < R; r++)
        for (int g = 0; g < G; g++)
            finish_nt4(low_half(s[r][2 * g]), high_half(s[r][2 * g]), low_half(s[r][2 * g + 1]), high_half(s[r][2 * g + 1]),
                       full, k, alpha, a + r * lda, bj + 4 * g * ldb, ldb, beta, c + r * ldc + j + 4 * g);
}

/// `sgemm_nt_rows` for one row or four: blocks of 16 (one row) or 8 (four rows) columns, then of four,
/// then the remaining columns one at a time.
INLINE void sgemm_nt_rows16(int R, long n, long k, float alpha, const float *a, long lda, const float *b, long ldb,
                            float beta, float *c, long ldc) {
    const int G = R == 1 ? 4 : 2;
    long j = 0;
    for (; j + 4 * G <= n; j += 4 * G) sgemm_nt_block16(R, G, j, k, alpha, a, lda, b, ldb, beta, c, ldc);
    for (; j + 4 <= n; j += 4) sgemm_nt_block16(R, 1, j, k, alpha, a, lda, b, ldb, beta, c, ldc);
    sgemm_nt_columns(R, j, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

/// `sgemm_nn_rows` for `R` (1…4) rows with sixteen-lane registers: blocks of 32 and 16 columns, then
/// the eight-wide block and the scalar tail as there.
INLINE void sgemm_nn_rows16(int R, long n, long k, float alpha, const float *a, long lda, const float *b, long ldb,
                            float beta, float *c, long ldc) {
    long j = 0;
    NN_COLUMN_BLOCKS(f16v, 16, load16, splat16, finish16)
    sgemm_nn_rows(R, n - j, k, alpha, a, lda, b + j, ldb, beta, c + j, ldc);
}

// The products `a · bᵀ` of `adr_sgemm_rows_packed`: b `[n, k]` re-laid out once (`adr_pack_transposed_panels`)
// in panels of sixteen columns, each panel `k · 16` floats: first the rows i ≡ l (mod 8) of each lane l
// (l = 0 … 7, i = l, l + 8, … below k − k mod 8), then the tail rows i ≥ k − k mod 8 at offset i · 16.
// A register then holds one lane sum of sixteen columns, so the eight lane sums of an entry sit in
// eight registers and `sum8`'s additions become additions of whole registers — the same operations in
// the same order as `sgemm_nt_rows`, without its shuffles, and with a broadcast of a[r, i] shared by
// sixteen columns instead of a load of b per column.

/// Columns 16·q ..< 16·q + 16 (q < C ≤ 4) of `R` (1…4) rows of `a · bᵀ` from `C` consecutive panels,
/// for rows `[prefix, a[r]]` that share their first `k0` entries (k0 a multiple of 8, whole steps of
/// every lane): each lane sum starts from the prefix's, `start[l][q]` (zero when `start` is NULL and
/// k0 = 0), and goes on over the steps t ≥ k0 / 8, which read `a[r, i − k0]`.
INLINE void nt_panels_block(int R, int C, long k0, long k, float alpha, f16v (*start)[4], const float *a,
                            long lda, const float *panels, float beta, float *c, long ldc) {
    const long steps = k / 8, full = steps * 8, size = k * 16;
    f16v lanes[8][4][4];
    for (int l = 0; l < 8; l++) {
        f16v s[4][4];
        for (int r = 0; r < R; r++)
            for (int q = 0; q < C; q++) s[r][q] = start ? start[l][q] : (f16v){0};
        for (long t = k0 / 8; t < steps; t++) {
            f16v bv[4];
            for (int q = 0; q < C; q++) bv[q] = load16(panels + q * size + panel_offset(l, t, steps));
            for (int r = 0; r < R; r++) {
                f16v av = splat16(a[r * lda + l + 8 * t - k0]);
                for (int q = 0; q < C; q++) s[r][q] += av * bv[q];
            }
        }
        for (int r = 0; r < R; r++)
            for (int q = 0; q < C; q++) lanes[l][r][q] = s[r][q];
    }
    for (int r = 0; r < R; r++)
        for (int q = 0; q < C; q++) {
            f16v dot = ((lanes[0][r][q] + lanes[4][r][q]) + (lanes[1][r][q] + lanes[5][r][q]))
                     + ((lanes[2][r][q] + lanes[6][r][q]) + (lanes[3][r][q] + lanes[7][r][q]));
            for (long i = full; i < k; i++) dot += splat16(a[r * lda + i - k0]) * load16(panels + q * size + i * 16);
            finish16(c + r * ldc + 16 * q, dot, alpha, beta);
        }
}

/// `R` rows of `a · bᵀ` over the `n / 16` panels (four at a time, then the rest), then the last
/// `n mod 16` columns from b itself by `sgemm_nt_rows`.
INLINE void nt_panels_rows(int R, long n, long k, float alpha, const float *a, long lda, const float *panels,
                           const float *b, long ldb, float beta, float *c, long ldc) {
    const long count = n / 16;
    long p = 0;
    for (; p + 4 <= count; p += 4) nt_panels_block(R, 4, 0, k, alpha, NULL, a, lda, panels + p * k * 16, beta, c + p * 16, ldc);
    for (; p + 2 <= count; p += 2) nt_panels_block(R, 2, 0, k, alpha, NULL, a, lda, panels + p * k * 16, beta, c + p * 16, ldc);
    for (; p < count; p++) nt_panels_block(R, 1, 0, k, alpha, NULL, a, lda, panels + p * k * 16, beta, c + p * 16, ldc);
    const long j = count * 16;
    if (j == n) return;
    for (int r = 0; r < R; r++)
        sgemm_nt_rows(1, n - j, k, alpha, a + r * lda, lda, b + j * ldb, ldb, beta, c + r * ldc + j, ldc);
}

AVX512_TARGET static void sgemm_rows_packed_avx512(long m, long n, long k, float alpha, const float *a, long lda,
                                                   const float *panels, const float *b, long ldb, float beta,
                                                   float *c, long ldc) {
    long r = 0;
    for (; r + 4 <= m; r += 4) nt_panels_rows(4, n, k, alpha, a + r * lda, lda, panels, b, ldb, beta, c + r * ldc, ldc);
    switch (m - r) {
    case 3: nt_panels_rows(3, n, k, alpha, a + r * lda, lda, panels, b, ldb, beta, c + r * ldc, ldc); break;
    case 2: nt_panels_rows(2, n, k, alpha, a + r * lda, lda, panels, b, ldb, beta, c + r * ldc, ldc); break;
    case 1: nt_panels_rows(1, n, k, alpha, a + r * lda, lda, panels, b, ldb, beta, c + r * ldc, ldc); break;
    default: break;
    }
}

/// The eight lane sums of a shared `prefix` (`k0` entries, k0 a multiple of 8: whole steps of every
/// lane) against `C` panels: `lanes[l][q]` is lane l's sum over i = l, l + 8, … < k0.
INLINE void nt_panels_prefix_lanes(int C, long k0, long k, const float *prefix, const float *panels, f16v lanes[8][4]) {
    const long steps = k / 8, size = k * 16;
    for (int l = 0; l < 8; l++) {
        f16v s[4] = {{0}};
        for (long t = 0; t < k0 / 8; t++) {
            f16v av = splat16(prefix[l + 8 * t]);
            for (int q = 0; q < C; q++) s[q] += av * load16(panels + q * size + panel_offset(l, t, steps));
        }
        for (int q = 0; q < C; q++) lanes[l][q] = s[q];
    }
}

/// All `m` rows against `C` panels from `panels` on (output columns from `c` on).
INLINE void nt_panels_prefix_columns(int C, long m, long k0, long k, float alpha, const float *prefix, const float *a,
                                     long lda, const float *panels, float beta, float *c, long ldc) {
    f16v start[8][4];
    nt_panels_prefix_lanes(C, k0, k, prefix, panels, start);
    long r = 0;
    for (; r + 4 <= m; r += 4) nt_panels_block(4, C, k0, k, alpha, start, a + r * lda, lda, panels, beta, c + r * ldc, ldc);
    switch (m - r) {
    case 3: nt_panels_block(3, C, k0, k, alpha, start, a + r * lda, lda, panels, beta, c + r * ldc, ldc); break;
    case 2: nt_panels_block(2, C, k0, k, alpha, start, a + r * lda, lda, panels, beta, c + r * ldc, ldc); break;
    case 1: nt_panels_block(1, C, k0, k, alpha, start, a + r * lda, lda, panels, beta, c + r * ldc, ldc); break;
    default: break;
    }
}

AVX512_TARGET static void sgemm_rows_prefix_avx512(long m, long n, long k, long k0, float alpha, const float *prefix,
                                                   const float *a, long lda, const float *panels, float beta,
                                                   float *c, long ldc) {
    const long count = n / 16;
    long p = 0;
    for (; p + 4 <= count; p += 4)
        nt_panels_prefix_columns(4, m, k0, k, alpha, prefix, a, lda, panels + p * k * 16, beta, c + p * 16, ldc);
    for (; p < count; p++)
        nt_panels_prefix_columns(1, m, k0, k, alpha, prefix, a, lda, panels + p * k * 16, beta, c + p * 16, ldc);
}

AVX512_TARGET static void sgemm_rows_avx512(int transpose_b, long m, long n, long k, float alpha, const float *a,
                                            long lda, const float *b, long ldb, float beta, float *c, long ldc) {
    long r = 0;
    if (transpose_b) {
        for (; r + 4 <= m; r += 4) sgemm_nt_rows16(4, n, k, alpha, a + r * lda, lda, b, ldb, beta, c + r * ldc, ldc);
        // A lone row reads b once from the cache, which limits it more than the register width: the
        // eight-lane kernel is as fast there.
        for (; r + 2 <= m; r += 2) sgemm_nt_rows(2, n, k, alpha, a + r * lda, lda, b, ldb, beta, c + r * ldc, ldc);
        for (; r < m; r++) sgemm_nt_rows(1, n, k, alpha, a + r * lda, lda, b, ldb, beta, c + r * ldc, ldc);
        return;
    }
    for (; r + 4 <= m; r += 4) sgemm_nn_rows16(4, n, k, alpha, a + r * lda, lda, b, ldb, beta, c + r * ldc, ldc);
    for (; r < m; r++) sgemm_nn_rows16(1, n, k, alpha, a + r * lda, lda, b, ldb, beta, c + r * ldc, ldc);
}
#endif

void adr_sgemv_rows(long n, long k, float alpha, const float *a, long lda, const float *x, float beta, float *y) {
#if defined(__x86_64__)
    if (adr_tensor_kernels_use_avx2()) { sgemv_rows_avx2(n, k, alpha, a, lda, x, beta, y); return; }
#endif
    sgemv_rows(n, k, alpha, a, lda, x, beta, y);
}

void adr_sgemm_rows(int transpose_b, long m, long n, long k, float alpha, const float *a, long lda,
                    const float *b, long ldb, float beta, float *c, long ldc) {
#if defined(__x86_64__)
    if (adr_tensor_kernels_use_avx512()) { sgemm_rows_avx512(transpose_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc); return; }
    if (adr_tensor_kernels_use_avx2()) { sgemm_rows_avx2(transpose_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc); return; }
#endif
    sgemm_rows(transpose_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

long adr_transposed_panels_count(long n, long k) {
#if defined(__x86_64__)
    if (adr_tensor_kernels_use_avx512()) return (n / 16) * 16 * k;
#endif
    (void)n; (void)k;
    return 0;
}

void adr_pack_transposed_panels(long n, long k, const float *b, long ldb, float *panels) {
    const long steps = k / 8, full = steps * 8;
    for (long p = 0; p < n / 16; p++) {
        float *panel = panels + p * k * 16;
        for (long l = 0; l < 8; l++)
            for (long t = 0; t < steps; t++)
                for (long q = 0; q < 16; q++) panel[panel_offset(l, t, steps) + q] = b[(p * 16 + q) * ldb + l + 8 * t];
        for (long i = full; i < k; i++)
            for (long q = 0; q < 16; q++) panel[i * 16 + q] = b[(p * 16 + q) * ldb + i];
    }
}

void adr_sgemm_rows_packed(long m, long n, long k, float alpha, const float *a, long lda, const float *panels,
                           const float *b, long ldb, float beta, float *c, long ldc) {
#if defined(__x86_64__)
    if (panels && adr_tensor_kernels_use_avx512()) {
        sgemm_rows_packed_avx512(m, n, k, alpha, a, lda, panels, b, ldb, beta, c, ldc);
        return;
    }
#endif
    adr_sgemm_rows(1, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

void adr_sgemm_rows_prefix(long m, long n, long k, long k0, float alpha, const float *prefix, const float *a, long lda,
                           const float *panels, const float *b, long ldb, float beta, float *c, long ldc) {
    long j = 0;
#if defined(__x86_64__)
    if (panels && k0 % 8 == 0 && adr_tensor_kernels_use_avx512()) {
        sgemm_rows_prefix_avx512(m, n, k, k0, alpha, prefix, a, lda, panels, beta, c, ldc);
        j = n / 16 * 16;
    }
#endif
    if (j == n || m <= 0) return;
    // The other columns (all of them without panels) from each whole row [prefix, a[r]].
    float *row = malloc((size_t)k * sizeof(float));
    memcpy(row, prefix, (size_t)k0 * sizeof(float));
    for (long r = 0; r < m; r++) {
        memcpy(row + k0, a + r * lda, (size_t)(k - k0) * sizeof(float));
        adr_sgemm_rows(1, 1, n - j, k, alpha, row, k, b + j * ldb, ldb, beta, c + r * ldc + j, ldc);
    }
    free(row);
}

static _Thread_local int batch_invariant_products = 0;

int adr_batch_invariant_products(void) { return batch_invariant_products; }

void adr_set_batch_invariant_products(int enabled) { batch_invariant_products = enabled; }
