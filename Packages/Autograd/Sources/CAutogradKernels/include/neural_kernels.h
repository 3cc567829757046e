#ifndef ADARANKER_NEURAL_KERNELS_H
#define ADARANKER_NEURAL_KERNELS_H

/// Row-wise and element-wise kernels of the Autograd ops (Packages/Autograd/Sources/Autograd/Ops/):
/// layer normalisation (also followed by a ReLU) and GELU. AVX2 + FMA code where the
/// CPU has it (see kernels.h), portable vector code otherwise. Sums run in eight lanes, so results can differ from a sequential loop in
/// the last bits.

/// Layer norm forward over `rows` rows of length `d`: with μ the row mean and σ² the biased variance,
/// y = (x − μ) · r · weight + bias, r = 1/√(σ² + eps); statistics[2i] = μ, statistics[2i + 1] = r.
void adr_layer_norm_forward(long rows, long d, const float *x, const float *weight, const float *bias,
                            float eps, float *y, float *statistics);

/// Layer norm backward from the saved `statistics`: with x̂ = (x − μ)·r and s = g ⊙ weight,
/// dx = r · (s − mean(s) − x̂ · mean(s ⊙ x̂)) (when `dx` is non-null); dWeight += Σ_rows g ⊙ x̂ and
/// dBias += Σ_rows g (each when non-null).
void adr_layer_norm_backward(long rows, long d, const float *x, const float *g, const float *weight,
                             const float *statistics, float *dx, float *dWeight, float *dBias);

/// `adr_layer_norm_forward` followed by y = max(0, y) (a NaN giving 0), in the same pass.
void adr_layer_norm_relu_forward(long rows, long d, const float *x, const float *weight, const float *bias,
                                 float eps, float *y, float *statistics);

/// The backward of `adr_layer_norm_relu_forward` from its output `y`: `adr_layer_norm_backward` of
/// g where y > 0 (0 elsewhere), the mask applied as g is read.
void adr_layer_norm_relu_backward(long rows, long d, const float *x, const float *y, const float *g,
                                  const float *weight, const float *statistics, float *dx, float *dWeight, float *dBias);

/// GELU, erf form: y = x · Φ(x), with Φ from Abramowitz & Stegun 7.1.26 (|error| ≤ 1.5e-7).
void adr_gelu_forward(long count, const float *x, float *y);

/// GELU backward: dx = g · (Φ(x) + x · φ(x)).
void adr_gelu_backward(long count, const float *x, const float *g, float *dx);

#endif
