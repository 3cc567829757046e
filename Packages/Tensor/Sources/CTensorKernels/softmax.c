#include "tensor_kernels.h"

#include <math.h>
#include <string.h>

typedef float f8 __attribute__((vector_size(32)));
typedef int i8 __attribute__((vector_size(32)));
#define INLINE static inline __attribute__((always_inline))
#pragma clang diagnostic ignored "-Wpsabi"

INLINE f8 load8(const float *p) { f8 v; memcpy(&v, p, sizeof v); return v; }
INLINE void store8(float *p, f8 v) { memcpy(p, &v, sizeof v); }
INLINE f8 splat(float x) { return (f8){x, x, x, x, x, x, x, x}; }
INLINE f8 select8(i8 mask, f8 a, f8 b) { return (f8)(((i8)a & mask) | ((i8)b & ~mask)); }

/// e^x per lane, the same algorithm as Tensor's `vectorExp` (VectorMath.swift): x = n·ln2 + r,
/// Cephes polynomial for e^r, 2^n applied in two halves; +inf above 88.72, 0 below −103.97, NaN kept.
INLINE f8 exp8(f8 input) {
    const f8 high = splat(88.7228394f), low = splat(-103.972076f);
    f8 x = select8(input > high, high, input);
    x = select8(x < low, low, x);
    const f8 shifter = splat(12582912.0f);
    f8 shifted = x * 1.44269504088896341f + shifter;
    f8 n = shifted - shifter;
    f8 r = (x - n * 0.693359375f) - n * -2.12194440e-4f;
    f8 p = splat(1.9875691500e-4f);
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    p = p * (r * r) + r + 1.0f;
    i8 integer = (i8)shifted - 0x4B400000;
    i8 half = integer >> 1;
    f8 scale1 = (f8)((half + 127) << 23);
    f8 scale2 = (f8)((integer - half + 127) << 23);
    f8 result = p * scale1 * scale2;
    result = select8(input > high, splat(INFINITY), result);
    return select8(input < low, splat(0.0f), result);
}

INLINE float sum8(f8 v) { return ((v[0] + v[4]) + (v[1] + v[5])) + ((v[2] + v[6]) + (v[3] + v[7])); }

INLINE void softmax_rows(long rows, long n, const float *x, float *y, int logarithm) {
    const long full = n - n % 8;
    for (long row = 0; row < rows; row++) {
        const float *in = x + row * n;
        float *out = y + row * n;
        // Maximum, ignoring NaN entries after the first (as a sequential `x > m` scan does).
        f8 mv = splat(in[0]);
        for (long j = 0; j < full; j += 8) { f8 v = load8(in + j); mv = select8(v > mv, v, mv); }
        float m = mv[0];
        for (int lane = 1; lane < 8; lane++) if (mv[lane] > m) m = mv[lane];
        for (long j = full; j < n; j++) if (in[j] > m) m = in[j];
        // Exponentials and their sum (blocks of 1024 summed in double for long rows).
        const f8 shift = splat(m);
        double total = 0;
        for (long start = 0; start < full; start += 1024) {
            long end = start + 1024 < full ? start + 1024 : full;
            f8 s = splat(0);
            for (long j = start; j < end; j += 8) {
                f8 e = exp8(load8(in + j) - shift);
                store8(out + j, e);
                s += e;
            }
            total += sum8(s);
        }
        if (full < n) {
            f8 tail = splat(-INFINITY);
            for (long j = full; j < n; j++) tail[j - full] = in[j];
            f8 e = exp8(tail - shift);
            for (long j = full; j < n; j++) { out[j] = e[j - full]; total += e[j - full]; }
        }
        const float sum = (float)total;
        if (logarithm) {
            const float logSum = logf(sum);
            for (long j = 0; j < n; j++) out[j] = (in[j] - m) - logSum;
        } else {
            const f8 scale = splat(1.0f / sum);
            for (long j = 0; j < full; j += 8) store8(out + j, load8(out + j) * scale);
            for (long j = full; j < n; j++) out[j] *= 1.0f / sum;
        }
    }
}

#if defined(__x86_64__)
__attribute__((target("avx2,fma")))
static void softmax_rows_avx2(long rows, long n, const float *x, float *y, int logarithm) {
    softmax_rows(rows, n, x, y, logarithm);
}
#endif

void adr_softmax_rows(long rows, long n, const float *x, float *y, int logarithm) {
#if defined(__x86_64__)
    if (adr_tensor_kernels_use_avx2()) { softmax_rows_avx2(rows, n, x, y, logarithm); return; }
#endif
    softmax_rows(rows, n, x, y, logarithm);
}
