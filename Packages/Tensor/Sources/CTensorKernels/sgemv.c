#include "tensor_kernels.h"

#include <string.h>

// Eight-lane float vectors (clang vector extensions): 256-bit instructions inside the AVX2 entry
// point, pairs of SSE instructions (or scalar code) elsewhere.
typedef float f8 __attribute__((vector_size(32)));
#define INLINE static inline __attribute__((always_inline))
#pragma clang diagnostic ignored "-Wpsabi"

INLINE f8 load8(const float *p) { f8 v; memcpy(&v, p, sizeof v); return v; }

INLINE float sum8(f8 v) {
    return ((v[0] + v[4]) + (v[1] + v[5])) + ((v[2] + v[6]) + (v[3] + v[7]));
}

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

static int avx2_allowed = 1;

void adr_tensor_kernels_allow_avx2(int allowed) { avx2_allowed = allowed; }

int adr_tensor_kernels_use_avx2(void) {
#if defined(__x86_64__)
    static int supported = -1;
    if (supported < 0) {
        __builtin_cpu_init();
        supported = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    }
    return supported && avx2_allowed;
#else
    return 0;
#endif
}

#if defined(__x86_64__)
__attribute__((target("avx2,fma")))
static void sgemv_rows_avx2(long n, long k, float alpha, const float *a, long lda, const float *x, float beta, float *y) {
    sgemv_rows(n, k, alpha, a, lda, x, beta, y);
}
#endif

void adr_sgemv_rows(long n, long k, float alpha, const float *a, long lda, const float *x, float beta, float *y) {
#if defined(__x86_64__)
    if (adr_tensor_kernels_use_avx2()) { sgemv_rows_avx2(n, k, alpha, a, lda, x, beta, y); return; }
#endif
    sgemv_rows(n, k, alpha, a, lda, x, beta, y);
}
