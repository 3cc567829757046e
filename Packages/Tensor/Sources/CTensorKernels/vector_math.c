#include "tensor_kernels.h"
#include "tensor_vector8.h"

// `Tensor.exp`, `sigmoid` and `tanh` on AVX2 or AVX-512 registers with exactly the bits of the Swift
// functions `vectorExp`, `vectorSigmoid` and `vectorTanh` (Packages/Tensor/Sources/Tensor/VectorMath.swift):
// the same operations in the same order, lane by lane, and no fused multiply-adds, which Swift
// never forms (contraction is off for this file, so the FMA-enabled targets fuse nothing). Only the register width differs, and every
// operation here is lane-wise.

#pragma clang fp contract(off)

#if defined(__x86_64__)

/// The three functions for one vector width: `VF` floats, `VI` signed and `VU` unsigned 32-bit
/// integers of the same lane count.
#define DEFINE_VECTOR_MATH(SUFFIX, VF, VI, VU)                                                          \
    INLINE VF select_##SUFFIX(VI mask, VF a, VF b) { return (VF)(((VI)a & mask) | ((VI)b & ~mask)); }    \
                                                                                                        \
    INLINE VF exp_##SUFFIX(VF input) {                                                                  \
        const float log2e = 1.44269504088896341f, ln2High = 0.693359375f, ln2Low = -2.12194440e-4f;     \
        const float shifter = 12582912.0f;                                                              \
        const VF zero = {0};                                                                            \
        VF x = select_##SUFFIX(input > 88.7228394f, zero + 88.7228394f, input);                \
        x = select_##SUFFIX(x < -103.972076f, zero - 103.972076f, x);                                    \
        VF shifted = x * log2e + shifter;                                                               \
        VF n = shifted - shifter;                                                                       \
        VF r = (x - n * ln2High) - n * ln2Low;                                                          \
        VF p = zero + 1.9875691500e-4f;                                                                 \
        p = p * r + 1.3981999507e-3f;                                                                   \
        p = p * r + 8.3334519073e-3f;                                                                   \
        p = p * r + 4.1665795894e-2f;                                                                   \
        p = p * r + 1.6666665459e-1f;                                                                   \
        p = p * r + 5.0000001201e-1f;                                                                   \
        p = p * (r * r) + r + 1.0f;                                                                     \
        VI integer = (VI)shifted - 0x4B400000;                                                          \
        VI half = integer >> 1;                                                                         \
        VF scale1 = (VF)((VU)(half + 127) << 23);                                                       \
        VF scale2 = (VF)((VU)(integer - half + 127) << 23);                                             \
        VF result = p * scale1 * scale2;                                                                \
        result = select_##SUFFIX(input > 88.7228394f, zero + __builtin_inff(), result);          \
        return select_##SUFFIX(input < -103.972076f, zero, result);                                     \
    }                                                                                                   \
                                                                                                        \
    INLINE VF sigmoid_##SUFFIX(VF x) { return 1.0f / (1.0f + exp_##SUFFIX(-x)); }                       \
                                                                                                        \
    INLINE VF tanh_##SUFFIX(VF x) {                                                                     \
        const VF zero = {0};                                                                            \
        VF magnitude = (VF)((VU)x & 0x7FFFFFFFu);                                                       \
        VF z = x * x;                                                                                   \
        VF p = zero - 5.70498872745e-3f;                                                                \
        p = p * z + 2.06390887954e-2f;                                                                  \
        p = p * z - 5.37397155531e-2f;                                                                  \
        p = p * z + 1.33314422036e-1f;                                                                  \
        p = p * z - 3.33332819422e-1f;                                                                  \
        VF small = p * z * x + x;                                                                       \
        VF large = 1.0f - 2.0f / (exp_##SUFFIX(2.0f * magnitude) + 1.0f);                               \
        VF result = select_##SUFFIX(magnitude >= 0.625f, large, small);                                 \
        return (VF)((VU)result | ((VU)x & 0x80000000u));                                                \
    }

typedef unsigned u8v __attribute__((vector_size(32)));
typedef int i16v __attribute__((vector_size(64)));
typedef unsigned u16v __attribute__((vector_size(64)));

DEFINE_VECTOR_MATH(8, f8, i8, u8v)
DEFINE_VECTOR_MATH(16, f16v, i16v, u16v)

/// `y[i] = FUNCTION(x[i])` over `n` floats, `LANES` at a time; the last `n mod LANES` go through a
/// zero-padded vector, as in the Swift loop.
#define APPLY(FUNCTION, VF, LANES)                                                                      \
    long i = 0;                                                                                         \
    for (; i + LANES <= n; i += LANES) {                                                                \
        VF v;                                                                                           \
        memcpy(&v, x + i, sizeof v);                                                                    \
        v = FUNCTION(v);                                                                                \
        memcpy(y + i, &v, sizeof v);                                                                    \
    }                                                                                                   \
    if (i < n) {                                                                                        \
        VF v = {0};                                                                                     \
        memcpy(&v, x + i, (size_t)(n - i) * sizeof(float));                                            \
        v = FUNCTION(v);                                                                                \
        memcpy(y + i, &v, (size_t)(n - i) * sizeof(float));                                            \
    }

// Each target entry point calls an inlined driver with pointer arguments only (clang rejects passing
// a vector from a target function to one without the target; see tensor_vector8.h).
#define DEFINE_ENTRY(NAME)                                                                              \
    INLINE void NAME##_rows16(long n, const float *x, float *y) { APPLY(NAME##_16, f16v, 16) }         \
    INLINE void NAME##_rows8(long n, const float *x, float *y) { APPLY(NAME##_8, f8, 8) }              \
    AVX512_TARGET static void NAME##_avx512(long n, const float *x, float *y) { NAME##_rows16(n, x, y); } \
    AVX2_TARGET static void NAME##_avx2(long n, const float *x, float *y) { NAME##_rows8(n, x, y); } \
    int adr_vector_##NAME(long n, const float *x, float *y) {                                           \
        if (adr_tensor_kernels_use_avx512()) { NAME##_avx512(n, x, y); return 1; }                     \
        if (adr_tensor_kernels_use_avx2()) { NAME##_avx2(n, x, y); return 1; }                         \
        return 0;                                                                                       \
    }

DEFINE_ENTRY(exp)
DEFINE_ENTRY(sigmoid)
DEFINE_ENTRY(tanh)

#else

int adr_vector_exp(long n, const float *x, float *y) { (void)n; (void)x; (void)y; return 0; }
int adr_vector_sigmoid(long n, const float *x, float *y) { (void)n; (void)x; (void)y; return 0; }
int adr_vector_tanh(long n, const float *x, float *y) { (void)n; (void)x; (void)y; return 0; }

#endif
