#include "tensor_kernels.h"

#include "tensor_vector8.h"

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
AVX2_TARGET static void softmax_rows_avx2(long rows, long n, const float *x, float *y, int logarithm) {
    softmax_rows(rows, n, x, y, logarithm);
}
#endif

void adr_softmax_rows(long rows, long n, const float *x, float *y, int logarithm) {
#if defined(__x86_64__)
    if (adr_tensor_kernels_use_avx2()) { softmax_rows_avx2(rows, n, x, y, logarithm); return; }
#endif
    softmax_rows(rows, n, x, y, logarithm);
}
