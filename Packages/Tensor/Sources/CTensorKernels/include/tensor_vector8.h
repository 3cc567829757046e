#ifndef ADARANKER_TENSOR_VECTOR8_H
#define ADARANKER_TENSOR_VECTOR8_H

// Eight-lane vector helpers of the C kernels, shared by Tensor's `CTensorKernels` and Autograd's
// `CAutogradKernels` (the module map leaves this header out of the Swift module: C files include
// it themselves). Everything here is always inlined, so inside an `AVX2_TARGET` entry point it
// compiles to 256-bit AVX2 + FMA instructions and elsewhere to pairs of SSE instructions (or
// scalars). An `AVX2_TARGET` entry point calls an inlined driver that uses the helpers: clang
// rejects passing an `f8` from it directly to a function without the same target.

#include <math.h>
#include <string.h>

// The vector helpers are always inlined, so passing 256-bit vectors between them never crosses a
// real call boundary: the ABI note clang emits for non-AVX builds does not apply.
#pragma clang diagnostic ignored "-Wpsabi"

/// Eight-lane float and int vectors (clang vector extensions).
typedef float f8 __attribute__((vector_size(32)));
typedef int i8 __attribute__((vector_size(32)));

/// Sixteen-lane float vector, for the few kernels with an AVX-512 path.
typedef float f16v __attribute__((vector_size(64)));

#define INLINE static inline __attribute__((always_inline))

#if defined(__x86_64__)
/// Compiles a function for AVX2 + FMA; called only when `adr_tensor_kernels_use_avx2()` is 1.
#define AVX2_TARGET __attribute__((target("avx2,fma")))
/// Compiles a function for AVX-512 (F, VL, DQ) + FMA; called only when `adr_tensor_kernels_use_avx512()` is 1.
#define AVX512_TARGET __attribute__((target("avx512f,avx512vl,avx512dq,avx2,fma")))
#endif

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

/// `x` in every lane.
INLINE f8 splat(float x) { return (f8){x, x, x, x, x, x, x, x}; }

/// The sixteen-lane versions, for the AVX-512 paths.
INLINE f16v load16(const float *p) { f16v v; memcpy(&v, p, sizeof v); return v; }
INLINE void store16(float *p, f16v v) { memcpy(p, &v, sizeof v); }
INLINE f16v splat16(float x) { return (f16v){x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x}; }

/// The last step of a GEMM entry, eight or sixteen at a time: y = alpha · dot, or
/// alpha · dot + beta · y (y is not read when beta == 0).
INLINE void finish8(float *y, f8 dot, float alpha, float beta) {
    f8 out = beta == 0.0f ? splat(alpha) * dot : splat(alpha) * dot + splat(beta) * load8(y);
    store8(y, out);
}
INLINE void finish16(float *y, f16v dot, float alpha, float beta) {
    f16v out = beta == 0.0f ? splat16(alpha) * dot : splat16(alpha) * dot + splat16(beta) * load16(y);
    store16(y, out);
}

/// Lanes of `a` where `mask` is set (all ones), of `b` elsewhere.
INLINE f8 select8(i8 mask, f8 a, f8 b) { return (f8)(((i8)a & mask) | ((i8)b & ~mask)); }

/// Sum of the eight lanes in a fixed order: ((v0 + v4) + (v1 + v5)) + ((v2 + v6) + (v3 + v7)).
INLINE float sum8(f8 v) { return ((v[0] + v[4]) + (v[1] + v[5])) + ((v[2] + v[6]) + (v[3] + v[7])); }

/// The Cephes degree-5 polynomial P(r) of e^r ≈ 1 + r + r²·P(r) for |r| ≤ ln2/2, by Horner's
/// rule; `exp8` and Autograd's `clamped_exp8` finish it each in their own order.
INLINE f8 exp_polynomial8(f8 r) {
    f8 p = splat(1.9875691500e-4f);
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    return p * r + 5.0000001201e-1f;
}

/// e^x per lane, the same algorithm as Tensor's `vectorExp` (VectorMath.swift): x = n·ln2 + r with
/// |r| ≤ ln2/2 (ln2 in two parts), e^r by the Cephes degree-6 polynomial, 2^n applied in two
/// halves so that results down to the subnormals are right; +inf above 88.72, 0 below −103.97,
/// NaN kept. Relative error about 1 ulp.
INLINE f8 exp8(f8 input) {
    const f8 high = splat(88.7228394f), low = splat(-103.972076f);
    f8 x = select8(input > high, high, input);
    x = select8(x < low, low, x);
    const f8 shifter = splat(12582912.0f);   // 1.5·2²³: adding it rounds to an integer kept in the low bits
    f8 shifted = x * 1.44269504088896341f + shifter;
    f8 n = shifted - shifter;
    f8 r = (x - n * 0.693359375f) - n * -2.12194440e-4f;
    f8 p = exp_polynomial8(r);
    p = p * (r * r) + r + 1.0f;
    i8 integer = (i8)shifted - 0x4B400000;
    i8 half = integer >> 1;
    f8 scale1 = (f8)((half + 127) << 23);
    f8 scale2 = (f8)((integer - half + 127) << 23);
    f8 result = p * scale1 * scale2;
    result = select8(input > high, splat(INFINITY), result);
    return select8(input < low, splat(0.0f), result);
}

#endif
