#ifndef ADARANKER_VECTOR8_H
#define ADARANKER_VECTOR8_H

// Private helpers of the C kernels: eight-lane vectors and a fast exponential. Everything here is
// always inlined, so inside the AVX2 entry points it compiles to 256-bit instructions and
// elsewhere to pairs of SSE instructions.

#include <string.h>

// The vector helpers are always inlined, so passing 256-bit vectors between them never crosses a
// real call boundary: the ABI note clang emits for non-AVX builds does not apply.
#pragma clang diagnostic ignored "-Wpsabi"

// Eight-lane float and int vectors (clang vector extensions).
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

#if defined(__x86_64__)
#define AVX2_TARGET __attribute__((target("avx2,fma")))
#endif

#endif
