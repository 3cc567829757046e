#ifndef ADARANKER_ACTIVATIONS8_H
#define ADARANKER_ACTIVATIONS8_H

// The exponential behind Autograd's C kernels (GRU gates, GELU) and the gate activations on it.

#include "tensor_vector8.h"

/// e^x per lane as Autograd's kernels compute it. The same Cephes reduction and polynomial as
/// Tensor's `exp8`, with two differences: inputs are clamped to [−87, 88] (so results stay in
/// [e^−87, e^88] and NaN becomes a number), and the polynomial ends as (p·r)·r where `exp8` has
/// p·(r·r), which gives a result one ulp apart for about one input in 1 800 of that range. Kept
/// apart from `exp8` because the trained models depend on these exact bits.
INLINE f8 clamped_exp8(f8 x) {
    x = __builtin_elementwise_max(x, splat(-87.0f));
    x = __builtin_elementwise_min(x, splat(88.0f));
    const f8 magic = splat(12582912.0f);   // 1.5·2²³: adding it rounds to an integer kept in the low bits
    f8 shifted = x * 1.44269504f + magic;
    f8 k = shifted - magic;
    f8 r = x - k * 0.693359375f + k * 2.12194440e-4f;
    i8 bits = ((i8)shifted - 0x4B400000 + 127) << 23;
    f8 p = exp_polynomial8(r);
    return (p * r * r + r + 1.0f) * (f8)bits;
}

/// σ(x) = 1 / (1 + e^−x) per lane.
INLINE f8 sigmoid8(f8 x) { return 1.0f / (1.0f + clamped_exp8(-x)); }

/// tanh x = 1 − 2 / (1 + e^2x) per lane.
INLINE f8 tanh8(f8 x) { return 1.0f - 2.0f / (1.0f + clamped_exp8(x + x)); }

#endif
