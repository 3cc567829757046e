#include "convolution_kernels.h"
#include "tensor_kernels.h"
#include "tensor_vector8.h"

#include <stdlib.h>

// Direct causal convolutions: no column matrix is written and the rows are never re-packed; only the
// weights are, once per op (`adr_conv_pack`, groups of 64 columns, a few tens of KB).

/// Rows of ∂W accumulated per chunk (its g rows, 64 · 4 bytes each, stay in L1).
#define CONV_CHUNK 64

/// The row that flattened row `row` reads through a tap reaching `offset` positions ahead
/// (negative: behind), or `outside` when that position is outside its sequence.
INLINE const float *conv_source_row(long row, long rowLength, long sourceLength, long offset, long k,
                                    const float *source, const float *outside) {
    const long b = row / rowLength, position = row % rowLength + offset;
    return position >= 0 && position < sourceLength ? source + (b * sourceLength + position) * k : outside;
}

/// Asks for the `count` floats at `row` (if not null) to be brought towards L2, one 64-byte line at a time.
INLINE void conv_prefetch_row(const float *row, long count) {
    if (!row) return;
    for (long i = 0; i < count; i += 16) __builtin_prefetch(row + i, 0, 2);
}

#define CONV_VEC f8
#define CONV_WIDTH 8
#define CONV_LOAD load8
#define CONV_SPLAT splat
#define CONV_ROWS 3
#define CONV_INPUTS 2
#define CONV_NAME(x) conv8_##x
#include "convolution_tiles.h"

#if defined(__x86_64__)
#define CONV_VEC f16v
#define CONV_WIDTH 16
#define CONV_LOAD load16
#define CONV_SPLAT splat16
#define CONV_ROWS 6
#define CONV_INPUTS 4
#define CONV_NAME(x) conv16_##x
#include "convolution_tiles.h"

AVX512_TARGET static void rows_avx512(long rowCount, long rowLength, long sourceLength, long taps, const long *offsets,
                                      long k, long n, const float *source, const float *packed, const float *bias,
                                      const float *zeros, float *out) {
    conv16_rows(rowCount, rowLength, sourceLength, taps, offsets, k, n, source, packed, bias, zeros, out);
}

AVX2_TARGET static void rows_avx2(long rowCount, long rowLength, long sourceLength, long taps, const long *offsets,
                                  long k, long n, const float *source, const float *packed, const float *bias,
                                  const float *zeros, float *out) {
    conv8_rows(rowCount, rowLength, sourceLength, taps, offsets, k, n, source, packed, bias, zeros, out);
}

AVX512_TARGET static void weight_gradient_avx512(long rowCount, long rowLength, long sourceLength, long taps,
                                                 const long *offsets, long k, long n, const float *source,
                                                 const float *g, float *acc, float *biasAcc, float *gChunk) {
    conv16_weight_gradient(rowCount, rowLength, sourceLength, taps, offsets, k, n, source, g, acc, biasAcc, gChunk);
}

AVX2_TARGET static void weight_gradient_avx2(long rowCount, long rowLength, long sourceLength, long taps,
                                             const long *offsets, long k, long n, const float *source,
                                             const float *g, float *acc, float *biasAcc, float *gChunk) {
    conv8_weight_gradient(rowCount, rowLength, sourceLength, taps, offsets, k, n, source, g, acc, biasAcc, gChunk);
}
#endif

long adr_conv_packed_count(long taps, long k, long n) { return (n + 63) / 64 * taps * k * 64; }

void adr_conv_pack(long taps, long k, long n, const float *w, long tapStride, long rowStride, long columnStride,
                   float *packed) {
    memset(packed, 0, (size_t)adr_conv_packed_count(taps, k, n) * sizeof(float));
    for (long col = 0; col < n; col++)
        for (long j = 0; j < taps; j++)
            for (long i = 0; i < k; i++)
                packed[((col / 64 * taps + j) * k + i) * 64 + col % 64] = w[j * tapStride + i * rowStride + col * columnStride];
}

void adr_conv_rows(long rowCount, long rowLength, long sourceLength, long taps, const long *offsets, long k, long n,
                   const float *source, const float *packed, const float *bias, float *out) {
    const long paddedN = (n + 63) / 64 * 64;
    float *zeros = calloc((size_t)(k + paddedN), sizeof(float)), *paddedBias = NULL;
    if (bias) {
        paddedBias = zeros + k;
        memcpy(paddedBias, bias, (size_t)n * sizeof(float));
    }
#if defined(__x86_64__)
    if (adr_tensor_kernels_use_avx512())
        rows_avx512(rowCount, rowLength, sourceLength, taps, offsets, k, n, source, packed, paddedBias, zeros, out);
    else if (adr_tensor_kernels_use_avx2())
        rows_avx2(rowCount, rowLength, sourceLength, taps, offsets, k, n, source, packed, paddedBias, zeros, out);
    else
#endif
        conv8_rows(rowCount, rowLength, sourceLength, taps, offsets, k, n, source, packed, paddedBias, zeros, out);
    free(zeros);
}

void adr_conv_weight_gradient(long rowCount, long rowLength, long sourceLength, long taps, const long *offsets,
                              long k, long n, const float *source, const float *g, float *dw, float *dbias) {
    const long paddedN = (n + 63) / 64 * 64, packedCount = adr_conv_packed_count(taps, k, n);
    // The packed ∂W, then the padded ∂bias; g's chunk buffer only when its columns need padding.
    float *acc = calloc((size_t)(packedCount + paddedN), sizeof(float)), *biasAcc = dbias ? acc + packedCount : NULL;
    float *gChunk = paddedN != n ? malloc((size_t)(CONV_CHUNK * paddedN) * sizeof(float)) : NULL;
#if defined(__x86_64__)
    if (adr_tensor_kernels_use_avx512())
        weight_gradient_avx512(rowCount, rowLength, sourceLength, taps, offsets, k, n, source, g, acc, biasAcc, gChunk);
    else if (adr_tensor_kernels_use_avx2())
        weight_gradient_avx2(rowCount, rowLength, sourceLength, taps, offsets, k, n, source, g, acc, biasAcc, gChunk);
    else
#endif
        conv8_weight_gradient(rowCount, rowLength, sourceLength, taps, offsets, k, n, source, g, acc, biasAcc, gChunk);
    for (long group = 0; group * 64 < n; group++) {
        const long columns = n - group * 64 < 64 ? n - group * 64 : 64;
        for (long j = 0; j < taps; j++)
            for (long i = 0; i < k; i++)
                memcpy(dw + (j * k + i) * n + group * 64, acc + ((group * taps + j) * k + i) * 64,
                       (size_t)columns * sizeof(float));
    }
    if (dbias) memcpy(dbias, biasAcc, (size_t)n * sizeof(float));
    free(gChunk);
    free(acc);
}
