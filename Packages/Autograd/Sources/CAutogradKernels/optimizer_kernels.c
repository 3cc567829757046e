#include "optimizer_kernels.h"
#include "tensor_kernels.h"
#include "tensor_vector8.h"

// Each update is written once for `n` (1…8) lanes at offset `i`; the drivers run full blocks of
// eight and one partial block.

INLINE void adam_lanes(long i, long n, float *p, const float *g, float *m, float *v, float beta1, float beta2,
                       float eps, float wd, float stepSize, float c2) {
    f8 pi = load_n(p + i, n);
    f8 gi = load_n(g + i, n) + wd * pi;
    f8 mi = load_n(m + i, n);
    f8 mNew = mi + (1.0f - beta1) * (gi - mi);
    f8 vNew = beta2 * load_n(v + i, n) + (1.0f - beta2) * gi * gi;
    store_n(m + i, mNew, n);
    store_n(v + i, vNew, n);
    store_n(p + i, pi - stepSize * (mNew / (__builtin_elementwise_sqrt(vNew) / c2 + eps)), n);
}

INLINE void adam_all(long count, float *p, const float *g, float *m, float *v, float beta1, float beta2,
                     float eps, float wd, float stepSize, float c2) {
    long i = 0;
    for (; i + 8 <= count; i += 8) adam_lanes(i, 8, p, g, m, v, beta1, beta2, eps, wd, stepSize, c2);
    if (i < count) adam_lanes(i, count - i, p, g, m, v, beta1, beta2, eps, wd, stepSize, c2);
}

INLINE void adagrad_lanes(long i, long n, float *p, const float *g, float *s, float lr, float eps, float wd) {
    f8 pi = load_n(p + i, n);
    f8 gi = load_n(g + i, n) + wd * pi;
    f8 si = load_n(s + i, n) + gi * gi;
    store_n(s + i, si, n);
    store_n(p + i, pi - lr * (gi / (__builtin_elementwise_sqrt(si) + eps)), n);
}

INLINE void adagrad_all(long count, float *p, const float *g, float *s, float lr, float eps, float wd) {
    long i = 0;
    for (; i + 8 <= count; i += 8) adagrad_lanes(i, 8, p, g, s, lr, eps, wd);
    if (i < count) adagrad_lanes(i, count - i, p, g, s, lr, eps, wd);
}

INLINE void rmsprop_lanes(long i, long n, float *p, const float *g, float *a, float *b, float lr, float alpha,
                          float eps, float wd, float momentum) {
    f8 pi = load_n(p + i, n);
    f8 gi = load_n(g + i, n) + wd * pi;
    f8 ai = alpha * load_n(a + i, n) + (1.0f - alpha) * gi * gi;
    store_n(a + i, ai, n);
    f8 u = gi / (__builtin_elementwise_sqrt(ai) + eps);
    if (b) {
        u = momentum * load_n(b + i, n) + u;
        store_n(b + i, u, n);
    }
    store_n(p + i, pi - lr * u, n);
}

INLINE void rmsprop_all(long count, float *p, const float *g, float *a, float *b, float lr, float alpha,
                        float eps, float wd, float momentum) {
    long i = 0;
    for (; i + 8 <= count; i += 8) rmsprop_lanes(i, 8, p, g, a, b, lr, alpha, eps, wd, momentum);
    if (i < count) rmsprop_lanes(i, count - i, p, g, a, b, lr, alpha, eps, wd, momentum);
}

#if defined(__x86_64__)
AVX2_TARGET static void adam_avx2(long count, float *p, const float *g, float *m, float *v, float beta1,
                                  float beta2, float eps, float wd, float stepSize, float c2) {
    adam_all(count, p, g, m, v, beta1, beta2, eps, wd, stepSize, c2);
}

AVX2_TARGET static void adagrad_avx2(long count, float *p, const float *g, float *s, float lr, float eps, float wd) {
    adagrad_all(count, p, g, s, lr, eps, wd);
}

AVX2_TARGET static void rmsprop_avx2(long count, float *p, const float *g, float *a, float *b, float lr,
                                     float alpha, float eps, float wd, float momentum) {
    rmsprop_all(count, p, g, a, b, lr, alpha, eps, wd, momentum);
}
#endif

void adr_adam_update(long count, float *p, const float *g, float *m, float *v, float beta1, float beta2,
                     float eps, float weightDecay, float stepSize, float correction2Root) {
#if defined(__x86_64__)
    if (adr_tensor_kernels_use_avx2()) {
        adam_avx2(count, p, g, m, v, beta1, beta2, eps, weightDecay, stepSize, correction2Root);
        return;
    }
#endif
    adam_all(count, p, g, m, v, beta1, beta2, eps, weightDecay, stepSize, correction2Root);
}

void adr_adagrad_update(long count, float *p, const float *g, float *s, float learningRate, float eps,
                        float weightDecay) {
#if defined(__x86_64__)
    if (adr_tensor_kernels_use_avx2()) {
        adagrad_avx2(count, p, g, s, learningRate, eps, weightDecay);
        return;
    }
#endif
    adagrad_all(count, p, g, s, learningRate, eps, weightDecay);
}

void adr_rmsprop_update(long count, float *p, const float *g, float *a, float *b, float learningRate,
                        float alpha, float eps, float weightDecay, float momentum) {
#if defined(__x86_64__)
    if (adr_tensor_kernels_use_avx2()) {
        rmsprop_avx2(count, p, g, a, b, learningRate, alpha, eps, weightDecay, momentum);
        return;
    }
#endif
    rmsprop_all(count, p, g, a, b, learningRate, alpha, eps, weightDecay, momentum);
}
