#include "gru_kernels.h"
#include "tensor_kernels.h"
#include "activations8.h"

INLINE void forward_lanes(long j, long n, long h, float *g, const float *a, const float *bias,
                          const float *biasN, const float *p, float *out, float *hnSave) {
    f8 r = sigmoid8(load_n(g + j, n) + load_n(bias + j, n) + load_n(a + j, n));
    f8 z = sigmoid8(load_n(g + h + j, n) + load_n(bias + h + j, n) + load_n(a + h + j, n));
    f8 hn = load_n(a + 2 * h + j, n) + load_n(biasN + j, n);
    f8 c = tanh8(load_n(g + 2 * h + j, n) + load_n(bias + 2 * h + j, n) + r * hn);
    f8 hNew = c + z * (load_n(p + j, n) - c);
    store_n(g + j, r, n);
    store_n(g + h + j, z, n);
    store_n(g + 2 * h + j, c, n);
    store_n(hnSave + j, hn, n);
    store_n(out + j, hNew, n);
}

INLINE void forward_rows(long rows, long h, float *gates, const float *recurrent, const float *bias,
                         const float *biasN, const float *previous, long previousStride,
                         float *output, long outputStride, float *savedHN) {
    for (long i = 0; i < rows; i++) {
        float *g = gates + i * 3 * h, *out = output + i * outputStride, *hn = savedHN + i * h;
        const float *a = recurrent + i * 3 * h, *p = previous + i * previousStride;
        long j = 0;
        for (; j + 8 <= h; j += 8) forward_lanes(j, 8, h, g, a, bias, biasN, p, out, hn);
        if (j < h) forward_lanes(j, h - j, h, g, a, bias, biasN, p, out, hn);
    }
}

INLINE void backward_lanes(long j, long n, long h, const float *up, float *carry, float *g, const float *hnSave,
                           const float *p, float *in, float *sums) {
    f8 dh = load_n(up + j, n) + load_n(carry + j, n);
    f8 r = load_n(g + j, n), z = load_n(g + h + j, n), c = load_n(g + 2 * h + j, n);
    f8 dn = dh * (1.0f - z) * (1.0f - c * c);
    f8 dz = dh * (load_n(p + j, n) - c) * z * (1.0f - z);
    f8 dr = dn * load_n(hnSave + j, n) * r * (1.0f - r);
    f8 dnr = dn * r;
    store_n(g + j, dr, n);
    store_n(g + h + j, dz, n);
    store_n(g + 2 * h + j, dnr, n);
    store_n(in + j, dr, n);
    store_n(in + h + j, dz, n);
    store_n(in + 2 * h + j, dn, n);
    store_n(carry + j, dh * z, n);
    store_n(sums + j, load_n(sums + j, n) + dr, n);
    store_n(sums + h + j, load_n(sums + h + j, n) + dz, n);
    store_n(sums + 2 * h + j, load_n(sums + 2 * h + j, n) + dn, n);
    store_n(sums + 3 * h + j, load_n(sums + 3 * h + j, n) + dnr, n);
}

INLINE void backward_rows(long rows, long h, const float *upstream, long upstreamStride, float *carry,
                          float *gates, const float *savedHN, const float *previous, long previousStride,
                          float *inputSide, float *sums) {
    for (long i = 0; i < rows; i++) {
        const float *up = upstream + i * upstreamStride, *p = previous + i * previousStride;
        const float *hn = savedHN + i * h;
        float *cr = carry + i * h, *g = gates + i * 3 * h, *in = inputSide + i * 3 * h;
        long j = 0;
        for (; j + 8 <= h; j += 8) backward_lanes(j, 8, h, up, cr, g, hn, p, in, sums);
        if (j < h) backward_lanes(j, h - j, h, up, cr, g, hn, p, in, sums);
    }
}

#if defined(__x86_64__)
AVX2_TARGET
static void forward_avx2(long rows, long h, float *gates, const float *recurrent, const float *bias,
                         const float *biasN, const float *previous, long previousStride,
                         float *output, long outputStride, float *savedHN) {
    forward_rows(rows, h, gates, recurrent, bias, biasN, previous, previousStride, output, outputStride, savedHN);
}

AVX2_TARGET
static void backward_avx2(long rows, long h, const float *upstream, long upstreamStride, float *carry,
                          float *gates, const float *savedHN, const float *previous, long previousStride,
                          float *inputSide, float *sums) {
    backward_rows(rows, h, upstream, upstreamStride, carry, gates, savedHN, previous, previousStride, inputSide, sums);
}
#endif

void adr_gru_forward_step(long rows, long hidden, float *gates, const float *recurrent,
                          const float *inputBias, const float *recurrentBiasN,
                          const float *previous, long previousStride,
                          float *output, long outputStride, float *savedHN) {
#if defined(__x86_64__)
    if (adr_tensor_kernels_use_avx2()) {
        forward_avx2(rows, hidden, gates, recurrent, inputBias, recurrentBiasN, previous, previousStride,
                     output, outputStride, savedHN);
        return;
    }
#endif
    forward_rows(rows, hidden, gates, recurrent, inputBias, recurrentBiasN, previous, previousStride,
                 output, outputStride, savedHN);
}

void adr_gru_backward_step(long rows, long hidden, const float *upstream, long upstreamStride,
                           float *carry, float *gates, const float *savedHN,
                           const float *previous, long previousStride,
                           float *inputSide, float *biasSums) {
#if defined(__x86_64__)
    if (adr_tensor_kernels_use_avx2()) {
        backward_avx2(rows, hidden, upstream, upstreamStride, carry, gates, savedHN, previous, previousStride,
                      inputSide, biasSums);
        return;
    }
#endif
    backward_rows(rows, hidden, upstream, upstreamStride, carry, gates, savedHN, previous, previousStride,
                  inputSide, biasSums);
}
