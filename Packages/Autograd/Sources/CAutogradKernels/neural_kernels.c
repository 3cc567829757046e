#include "neural_kernels.h"
#include "tensor_kernels.h"
#include "activations8.h"

#include <math.h>

// Rows are processed in blocks of eight lanes; the last `d mod 8` entries of a row run as scalars.

// ---- Layer norm -------------------------------------------------------------------------------

/// With `relu` (a constant after inlining) each output is max(0, ·), a NaN giving 0 as `x > 0 ? x : 0`.
INLINE void layer_norm_forward_rows(long rows, long d, const float *x, const float *w, const float *b,
                                    float eps, float *y, float *stats, int relu) {
    const long full = d - d % 8;
    for (long r = 0; r < rows; r++) {
        const float *row = x + r * d;
        float *out = y + r * d;
        f8 acc = splat(0);
        for (long j = 0; j < full; j += 8) acc += load8(row + j);
        float total = sum8(acc);
        for (long j = full; j < d; j++) total += row[j];
        const float mean = total / (float)d;
        const f8 m = splat(mean);
        acc = splat(0);
        for (long j = 0; j < full; j += 8) { f8 c = load8(row + j) - m; acc += c * c; }
        float squares = sum8(acc);
        for (long j = full; j < d; j++) { float c = row[j] - mean; squares += c * c; }
        const float inverse = 1.0f / sqrtf(squares / (float)d + eps);
        stats[2 * r] = mean;
        stats[2 * r + 1] = inverse;
        const f8 inv = splat(inverse);
        for (long j = 0; j < full; j += 8) {
            const f8 v = (load8(row + j) - m) * inv * load8(w + j) + load8(b + j);
            store8(out + j, relu ? select8(v > splat(0), v, splat(0)) : v);
        }
        for (long j = full; j < d; j++) {
            const float v = (row[j] - mean) * inverse * w[j] + b[j];
            out[j] = relu ? (v > 0 ? v : 0) : v;
        }
    }
}

/// Upstream gradient j of a row: g, or with `relu` (a constant after inlining) g where the layer's
/// rectified output y > 0, else 0 (the ReLU's backward, applied as g is read).
INLINE f8 upstream8(const float *gRow, const float *yRow, long j, int relu) {
    return relu ? select8(load8(yRow + j) > splat(0), load8(gRow + j), splat(0)) : load8(gRow + j);
}
INLINE float upstream(const float *gRow, const float *yRow, long j, int relu) {
    return relu ? (yRow[j] > 0 ? gRow[j] : 0) : gRow[j];
}

INLINE void layer_norm_backward_rows(long rows, long d, const float *x, const float *y, const float *g, const float *w,
                                     const float *stats, float *dx, float *dw, float *db, int relu) {
    const long full = d - d % 8;
    for (long r = 0; r < rows; r++) {
        const float *row = x + r * d, *gRow = g + r * d, *yRow = relu ? y + r * d : NULL;
        const float mean = stats[2 * r], inverse = stats[2 * r + 1];
        const f8 m = splat(mean), inv = splat(inverse);
        // Pass 1: parameter gradients and the two row means of dx.
        f8 sumScaled = splat(0), sumScaledNormalized = splat(0);
        for (long j = 0; j < full; j += 8) {
            f8 normalized = (load8(row + j) - m) * inv, gj = upstream8(gRow, yRow, j, relu);
            if (dw) store8(dw + j, load8(dw + j) + gj * normalized);
            if (db) store8(db + j, load8(db + j) + gj);
            f8 scaled = gj * load8(w + j);
            sumScaled += scaled;
            sumScaledNormalized += scaled * normalized;
        }
        float meanScaled = sum8(sumScaled), meanScaledNormalized = sum8(sumScaledNormalized);
        for (long j = full; j < d; j++) {
            float normalized = (row[j] - mean) * inverse;
            const float gj = upstream(gRow, yRow, j, relu);
            if (dw) dw[j] += gj * normalized;
            if (db) db[j] += gj;
            float scaled = gj * w[j];
            meanScaled += scaled;
            meanScaledNormalized += scaled * normalized;
        }
        if (!dx) continue;
        meanScaled /= (float)d;
        meanScaledNormalized /= (float)d;
        // Pass 2: dx = r · (s − mean(s) − x̂ · mean(s ⊙ x̂)).
        const f8 ms = splat(meanScaled), msn = splat(meanScaledNormalized);
        float *out = dx + r * d;
        for (long j = 0; j < full; j += 8) {
            f8 normalized = (load8(row + j) - m) * inv;
            store8(out + j, inv * (upstream8(gRow, yRow, j, relu) * load8(w + j) - ms - normalized * msn));
        }
        for (long j = full; j < d; j++) {
            float normalized = (row[j] - mean) * inverse;
            out[j] = inverse * (upstream(gRow, yRow, j, relu) * w[j] - meanScaled - normalized * meanScaledNormalized);
        }
    }
}

// ---- GELU -------------------------------------------------------------------------------------

/// Φ(x) and φ(x) per lane: for u = |x|/√2, erfc(u) ≈ t·P(t)·e^(−u²) with t = 1/(1 + 0.3275911·u)
/// (A&S 7.1.26), e^(−u²) = e^(−x²/2) shared with φ; Φ(−|x|) = ½·erfc(u).
INLINE void normal_cdf_pdf(f8 x, f8 *cdf, f8 *pdf) {
    f8 u = __builtin_elementwise_abs(x) * 0.7071067812f;
    f8 t = 1.0f / (1.0f + 0.3275911f * u);
    f8 poly = splat(1.061405429f);
    poly = poly * t - 1.453152027f;
    poly = poly * t + 1.421413741f;
    poly = poly * t - 0.284496736f;
    poly = poly * t + 0.254829592f;
    f8 gauss = clamped_exp8(-0.5f * x * x);
    f8 tail = 0.5f * poly * t * gauss;
    *cdf = select8(x >= 0.0f, 1.0f - tail, tail);
    *pdf = gauss * 0.3989422804f;
}

INLINE void gelu_forward_all(long count, const float *x, float *y) {
    long i = 0;
    f8 cdf, pdf;
    for (; i + 8 <= count; i += 8) {
        f8 v = load8(x + i);
        normal_cdf_pdf(v, &cdf, &pdf);
        store8(y + i, v * cdf);
    }
    if (i < count) {
        long n = count - i;
        f8 v = load_n(x + i, n);
        normal_cdf_pdf(v, &cdf, &pdf);
        store_n(y + i, v * cdf, n);
    }
}

INLINE void gelu_backward_all(long count, const float *x, const float *g, float *dx) {
    long i = 0;
    f8 cdf, pdf;
    for (; i + 8 <= count; i += 8) {
        f8 v = load8(x + i);
        normal_cdf_pdf(v, &cdf, &pdf);
        store8(dx + i, load8(g + i) * (cdf + v * pdf));
    }
    if (i < count) {
        long n = count - i;
        f8 v = load_n(x + i, n);
        normal_cdf_pdf(v, &cdf, &pdf);
        store_n(dx + i, load_n(g + i, n) * (cdf + v * pdf), n);
    }
}

// ---- Entry points -----------------------------------------------------------------------------

#if defined(__x86_64__)
// `relu` selects one of two inlined copies, each with the flag constant.
AVX2_TARGET static void layer_norm_forward_avx2(long rows, long d, const float *x, const float *w, const float *b,
                                                float eps, float *y, float *stats, int relu) {
    if (relu) layer_norm_forward_rows(rows, d, x, w, b, eps, y, stats, 1);
    else layer_norm_forward_rows(rows, d, x, w, b, eps, y, stats, 0);
}

AVX2_TARGET static void layer_norm_backward_avx2(long rows, long d, const float *x, const float *y, const float *g,
                                                 const float *w, const float *stats, float *dx, float *dw, float *db,
                                                 int relu) {
    if (relu) layer_norm_backward_rows(rows, d, x, y, g, w, stats, dx, dw, db, 1);
    else layer_norm_backward_rows(rows, d, x, NULL, g, w, stats, dx, dw, db, 0);
}

AVX2_TARGET static void gelu_forward_avx2(long count, const float *x, float *y) { gelu_forward_all(count, x, y); }

AVX2_TARGET static void gelu_backward_avx2(long count, const float *x, const float *g, float *dx) {
    gelu_backward_all(count, x, g, dx);
}
#endif

static void layer_norm_forward(long rows, long d, const float *x, const float *w, const float *b, float eps, float *y,
                               float *stats, int relu) {
#if defined(__x86_64__)
    if (adr_tensor_kernels_use_avx2()) { layer_norm_forward_avx2(rows, d, x, w, b, eps, y, stats, relu); return; }
#endif
    if (relu) layer_norm_forward_rows(rows, d, x, w, b, eps, y, stats, 1);
    else layer_norm_forward_rows(rows, d, x, w, b, eps, y, stats, 0);
}

static void layer_norm_backward(long rows, long d, const float *x, const float *y, const float *g, const float *w,
                                const float *stats, float *dx, float *dw, float *db, int relu) {
#if defined(__x86_64__)
    if (adr_tensor_kernels_use_avx2()) { layer_norm_backward_avx2(rows, d, x, y, g, w, stats, dx, dw, db, relu); return; }
#endif
    if (relu) layer_norm_backward_rows(rows, d, x, y, g, w, stats, dx, dw, db, 1);
    else layer_norm_backward_rows(rows, d, x, NULL, g, w, stats, dx, dw, db, 0);
}

void adr_layer_norm_forward(long rows, long d, const float *x, const float *weight, const float *bias,
                            float eps, float *y, float *statistics) {
    layer_norm_forward(rows, d, x, weight, bias, eps, y, statistics, 0);
}

void adr_layer_norm_relu_forward(long rows, long d, const float *x, const float *weight, const float *bias,
                                 float eps, float *y, float *statistics) {
    layer_norm_forward(rows, d, x, weight, bias, eps, y, statistics, 1);
}

void adr_layer_norm_backward(long rows, long d, const float *x, const float *g, const float *weight,
                             const float *statistics, float *dx, float *dWeight, float *dBias) {
    layer_norm_backward(rows, d, x, NULL, g, weight, statistics, dx, dWeight, dBias, 0);
}

void adr_layer_norm_relu_backward(long rows, long d, const float *x, const float *y, const float *g,
                                  const float *weight, const float *statistics, float *dx, float *dWeight, float *dBias) {
    layer_norm_backward(rows, d, x, y, g, weight, statistics, dx, dWeight, dBias, 1);
}

void adr_gelu_forward(long count, const float *x, float *y) {
#if defined(__x86_64__)
    if (adr_tensor_kernels_use_avx2()) { gelu_forward_avx2(count, x, y); return; }
#endif
    gelu_forward_all(count, x, y);
}

void adr_gelu_backward(long count, const float *x, const float *g, float *dx) {
#if defined(__x86_64__)
    if (adr_tensor_kernels_use_avx2()) { gelu_backward_avx2(count, x, g, dx); return; }
#endif
    gelu_backward_all(count, x, g, dx);
}
