#include "gru_kernels.h"

#include <string.h>

// The vector helpers are always inlined, so passing 256-bit vectors between them never crosses a
// real call boundary: the ABI note clang emits for non-AVX builds does not apply.
#pragma clang diagnostic ignored "-Wpsabi"

// Eight-lane float and int vectors (clang/GCC vector extensions). Inside the AVX2 entry points the
// always-inline helpers below compile to 256-bit instructions; elsewhere to pairs of SSE instructions.
typedef float f8 __attribute__((vector_size(32)));
typedef int i8 __attribute__((vector_size(32)));

#define INLINE static inline __attribute__((always_inline))

INLINE f8 load8(const float *p) { f8 v; memcpy(&v, p, sizeof v); return v; }
INLINE void store8(float *p, f8 v) { memcpy(p, &v, sizeof v); }

/// Loads `n` (1…8) floats; missing lanes are zero.
INLINE f8 load_n(const float *p, long n) {
    if (n == 8) return load8(p);
    f8 v = {0, 0, 0, 0, 0, 0, 0, 0};
    memcpy(&v, p, (size_t)n * sizeof(float));
    return v;
}

/// Stores the first `n` (1…8) lanes.
INLINE void store_n(float *p, f8 v, long n) {
    if (n == 8) { store8(p, v); return; }
    memcpy(p, &v, (size_t)n * sizeof(float));
}

INLINE f8 splat(float x) { return (f8){x, x, x, x, x, x, x, x}; }

/// exp(x), relative error ≈ 2 ulp: x = k·ln2 + r, |r| ≤ ln2/2; exp(r) by the Cephes degree-6
/// polynomial; 2^k written into the exponent bits. Inputs clamped to [−87, 88].
INLINE f8 exp8(f8 x) {
    x = __builtin_elementwise_max(x, splat(-87.0f));
    x = __builtin_elementwise_min(x, splat(88.0f));
    const f8 magic = splat(12582912.0f);   // 1.5·2²³: adding it rounds to an integer kept in the low bits
    f8 shifted = x * 1.44269504f + magic;
    f8 k = shifted - magic;
    f8 r = x - k * 0.693359375f + k * 2.12194440e-4f;
    i8 bits = ((i8)shifted - 0x4B400000 + 127) << 23;
    f8 p = splat(1.9875691500e-4f);
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    return (p * r * r + r + 1.0f) * (f8)bits;
}

INLINE f8 sigmoid8(f8 x) { return 1.0f / (1.0f + exp8(-x)); }
INLINE f8 tanh8(f8 x) { return 1.0f - 2.0f / (1.0f + exp8(x + x)); }

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
__attribute__((target("avx2,fma")))
static void forward_avx2(long rows, long h, float *gates, const float *recurrent, const float *bias,
                         const float *biasN, const float *previous, long previousStride,
                         float *output, long outputStride, float *savedHN) {
    forward_rows(rows, h, gates, recurrent, bias, biasN, previous, previousStride, output, outputStride, savedHN);
}

__attribute__((target("avx2,fma")))
static void backward_avx2(long rows, long h, const float *upstream, long upstreamStride, float *carry,
                          float *gates, const float *savedHN, const float *previous, long previousStride,
                          float *inputSide, float *sums) {
    backward_rows(rows, h, upstream, upstreamStride, carry, gates, savedHN, previous, previousStride, inputSide, sums);
}
#endif

static int avx2_allowed = 1;

void adr_gru_allow_avx2(int allowed) { avx2_allowed = allowed; }

int adr_gru_uses_avx2(void) {
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

void adr_gru_forward_step(long rows, long hidden, float *gates, const float *recurrent,
                          const float *inputBias, const float *recurrentBiasN,
                          const float *previous, long previousStride,
                          float *output, long outputStride, float *savedHN) {
#if defined(__x86_64__)
    if (adr_gru_uses_avx2()) {
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
    if (adr_gru_uses_avx2()) {
        backward_avx2(rows, hidden, upstream, upstreamStride, carry, gates, savedHN, previous, previousStride,
                      inputSide, biasSums);
        return;
    }
#endif
    backward_rows(rows, hidden, upstream, upstreamStride, carry, gates, savedHN, previous, previousStride,
                  inputSide, biasSums);
}
