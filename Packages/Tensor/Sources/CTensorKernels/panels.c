#include <stdlib.h>
#include "tensor_kernels.h"
#include "tensor_vector8.h"

// The products `a · bᵀ` of `adr_sgemm_rows_packed` and `adr_sgemm_rows_prefix`: b `[n, k]` re-laid out
// once (`adr_pack_transposed_panels`) in panels of W columns (W = 16 on the AVX-512 path, 8 on the
// AVX2 path), each panel `k · W` floats: first the rows i ≡ l (mod 8) of each lane l (l = 0 … 7,
// i = l, l + 8, … below k − k mod 8), then the tail rows i ≥ k − k mod 8 at offset i · W. A register
// then holds one lane sum of W columns, so the eight lane sums of an entry sit in eight registers and
// `sum8`'s additions become additions of whole registers — the same operations in the same order as
// `adr_sgemm_rows` with b transposed, without its shuffles, and with one broadcast of a[r, i] shared
// by W columns instead of a load of b per column. The last `n mod W` columns are read from b itself.

/// Where row i = l + 8·t of b (lane l, step t of `steps = k / 8`) sits in a panel of `width` columns.
INLINE long panel_offset(long l, long t, long steps, long width) { return (l * steps + t) * width; }

#if defined(__x86_64__)
#define PANEL_WIDTH 16
#define PANEL_GROUP 4
#define PANEL_VEC f16v
#define PANEL_LOAD load16
#define PANEL_SPLAT splat16
#define PANEL_FINISH finish16
#define PANEL_NAME(x) panels16_##x
#include "panel_kernels.h"

#define PANEL_WIDTH 8
#define PANEL_GROUP 2
#define PANEL_VEC f8
#define PANEL_LOAD load8
#define PANEL_SPLAT splat
#define PANEL_FINISH finish8
#define PANEL_NAME(x) panels8_##x
#include "panel_kernels.h"

AVX512_TARGET static void product_avx512(long m, long n, long k, float alpha, const float *a, long lda,
                                         const float *panels, float beta, float *c, long ldc) {
    panels16_product(m, n, k, alpha, a, lda, panels, beta, c, ldc);
}

AVX2_TARGET static void product_avx2(long m, long n, long k, float alpha, const float *a, long lda,
                                     const float *panels, float beta, float *c, long ldc) {
    panels8_product(m, n, k, alpha, a, lda, panels, beta, c, ldc);
}

AVX512_TARGET static void prefix_product_avx512(long m, long n, long k, long k0, float alpha, const float *prefix,
                                                const float *a, long lda, const float *panels, float beta,
                                                float *c, long ldc) {
    panels16_prefix_product(m, n, k, k0, alpha, prefix, a, lda, panels, beta, c, ldc);
}

AVX2_TARGET static void prefix_product_avx2(long m, long n, long k, long k0, float alpha, const float *prefix,
                                            const float *a, long lda, const float *panels, float beta,
                                            float *c, long ldc) {
    panels8_prefix_product(m, n, k, k0, alpha, prefix, a, lda, panels, beta, c, ldc);
}
#endif

int adr_transposed_panels_width(void) {
#if defined(__x86_64__)
    if (adr_tensor_kernels_use_avx512()) return 16;
    if (adr_tensor_kernels_use_avx2()) return 8;
#endif
    return 0;
}

long adr_transposed_panels_count(long n, long k, int width) { return width > 0 ? n / width * width * k : 0; }

void adr_pack_transposed_panels(long n, long k, const float *b, long ldb, int width, float *panels) {
    const long steps = k / 8, full = steps * 8;
    for (long p = 0; width > 0 && p < n / width; p++) {
        float *panel = panels + p * k * width;
        for (long l = 0; l < 8; l++)
            for (long t = 0; t < steps; t++)
                for (long q = 0; q < width; q++) panel[panel_offset(l, t, steps, width) + q] = b[(p * width + q) * ldb + l + 8 * t];
        for (long i = full; i < k; i++)
            for (long q = 0; q < width; q++) panel[i * width + q] = b[(p * width + q) * ldb + i];
    }
}

/// Whether `panels`, laid out for `width`, are read by the path in use (else the plain kernel runs).
static int panels_readable(const float *panels, int width) {
    return panels && width > 0 && width == adr_transposed_panels_width();
}

void adr_sgemm_rows_packed(long m, long n, long k, float alpha, const float *a, long lda, const float *panels, int width,
                           const float *b, long ldb, float beta, float *c, long ldc) {
    long j = 0;
#if defined(__x86_64__)
    if (panels_readable(panels, width)) {
        if (width == 16) product_avx512(m, n, k, alpha, a, lda, panels, beta, c, ldc);
        else product_avx2(m, n, k, alpha, a, lda, panels, beta, c, ldc);
        j = n / width * width;
    }
#endif
    if (j < n) adr_sgemm_rows(1, m, n - j, k, alpha, a, lda, b + j * ldb, ldb, beta, c + j, ldc);
}

void adr_sgemm_rows_prefix(long m, long n, long k, long k0, float alpha, const float *prefix, const float *a, long lda,
                           const float *panels, int width, const float *b, long ldb, float beta, float *c, long ldc) {
    long j = 0;
#if defined(__x86_64__)
    if (panels_readable(panels, width) && k0 % 8 == 0) {
        if (width == 16) prefix_product_avx512(m, n, k, k0, alpha, prefix, a, lda, panels, beta, c, ldc);
        else prefix_product_avx2(m, n, k, k0, alpha, prefix, a, lda, panels, beta, c, ldc);
        j = n / width * width;
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
