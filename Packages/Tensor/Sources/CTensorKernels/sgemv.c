#include "tensor_kernels.h"
#include "tensor_vector8.h"

INLINE void finish(float *y, long j, float dot, float alpha, float beta) {
    y[j] = beta == 0.0f ? alpha * dot : alpha * dot + beta * y[j];
}

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

static _Thread_local int batch_invariant_products = 0;

int adr_batch_invariant_products(void) { return batch_invariant_products; }

void adr_set_batch_invariant_products(int enabled) { batch_invariant_products = enabled; }
