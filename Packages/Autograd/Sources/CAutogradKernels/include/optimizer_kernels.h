#ifndef ADARANKER_OPTIMIZER_KERNELS_H
#define ADARANKER_OPTIMIZER_KERNELS_H

/// One optimiser update of `count` parameters `p` from gradients `g`, in place, in one pass
/// (PyTorch's formulas; see the Swift optimiser classes for the maths).

/// Adam: g' = g + wd·p; m += (1 − β1)(g' − m); v = β2·v + (1 − β2)·g'²;
/// p −= stepSize · m / (√v / correction2Root + eps).
void adr_adam_update(long count, float *p, const float *g, float *m, float *v, float beta1, float beta2,
                     float eps, float weightDecay, float stepSize, float correction2Root);

/// Adagrad: g' = g + wd·p; s += g'²; p −= lr · g' / (√s + eps).
void adr_adagrad_update(long count, float *p, const float *g, float *s, float learningRate, float eps,
                        float weightDecay);

/// RMSprop: g' = g + wd·p; a = α·a + (1 − α)·g'²; u = g' / (√a + eps);
/// with a momentum buffer `b` (non-null): b = momentum·b + u, p −= lr·b; without: p −= lr·u.
void adr_rmsprop_update(long count, float *p, const float *g, float *a, float *b, float learningRate,
                        float alpha, float eps, float weightDecay, float momentum);

#endif
