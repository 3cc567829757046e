// The convolution kernels of convolution_kernels.c, written once for both vector widths. The file
// that includes this defines, before each inclusion:
//   CONV_VEC    the vector type (f16v or f8)           CONV_WIDTH  its lanes (16 or 8)
//   CONV_LOAD / CONV_SPLAT                              its load and broadcast helpers
//   CONV_ROWS   rows per tile of `rows` (4 vectors of columns each: 6 × 4 fits 32 registers)
//   CONV_INPUTS inputs per tile of `weight_gradient`
//   CONV_NAME(x) the prefixed name of function x
// A tile covers 4 · CONV_WIDTH columns, so a packed group of 64 columns is 64 / (4 · CONV_WIDTH) tiles.
// Every entry is accumulated as one chain of `acc = acc + x · w` (contracted to fused multiply-adds),
// in the order the header states, whatever the tile shapes: both widths give the same bits.

#define CONV_SPAN (4 * CONV_WIDTH)

/// Tiles of CONV_ROWS rows: `src` holds, per tile row and tap, the row to read (or `zeros`); a tap
/// that reads zeros for the whole tile is skipped (near the start of a sequence, and for ∂x near its end).
INLINE void CONV_NAME(rows)(long rowCount, long rowLength, long sourceLength, long taps, const long *offsets, long k,
                            long n, const float *source, const float *packed, const float *bias,
                            const float *zeros, float *out) {
    const long groups = (n + 63) / 64;
    const float *src[CONV_ROWS * taps];
    int padding[taps];
    float tile[CONV_ROWS * CONV_SPAN];
    for (long first = 0; first < rowCount; first += CONV_ROWS) {
        const long rows = rowCount - first < CONV_ROWS ? rowCount - first : CONV_ROWS;
        // The rows two tiles ahead, towards L2 (the blocks' rows come from memory, not cache).
        for (long r = first + 2 * CONV_ROWS; r < first + 3 * CONV_ROWS && r < rowCount; r++)
            for (long j = 0; j < taps; j++)
                conv_prefetch_row(conv_source_row(r, rowLength, sourceLength, offsets[j], k, source, zeros), k);
        for (long j = 0; j < taps; j++) {
            padding[j] = 1;
            for (long r = 0; r < CONV_ROWS; r++) {
                src[r * taps + j] = r < rows
                    ? conv_source_row(first + r, rowLength, sourceLength, offsets[j], k, source, zeros) : zeros;
                padding[j] &= src[r * taps + j] == zeros;
            }
        }
        for (long group = 0; group < groups; group++) {
            for (long part = 0; part < 64 && group * 64 + part < n; part += CONV_SPAN) {
                const long column = group * 64 + part;
                CONV_VEC acc[CONV_ROWS][4];
                for (long v = 0; v < 4; v++) {
                    const CONV_VEC start = bias ? CONV_LOAD(bias + column + v * CONV_WIDTH) : CONV_SPLAT(0);
                    for (long r = 0; r < CONV_ROWS; r++) acc[r][v] = start;
                }
                for (long j = 0; j < taps; j++) {
                    if (padding[j]) continue;  // every row of the tile reads zeros through this tap
                    const float *w = packed + (group * taps + j) * k * 64 + part;
                    const float *const *s = src + j;
                    for (long i = 0; i < k; i++, w += 64) {
                        const CONV_VEC w0 = CONV_LOAD(w), w1 = CONV_LOAD(w + CONV_WIDTH),
                                       w2 = CONV_LOAD(w + 2 * CONV_WIDTH), w3 = CONV_LOAD(w + 3 * CONV_WIDTH);
                        for (long r = 0; r < CONV_ROWS; r++) {
                            const CONV_VEC x = CONV_SPLAT(s[r * taps][i]);
                            acc[r][0] = acc[r][0] + x * w0;
                            acc[r][1] = acc[r][1] + x * w1;
                            acc[r][2] = acc[r][2] + x * w2;
                            acc[r][3] = acc[r][3] + x * w3;
                        }
                    }
                }
                const long columns = n - column < CONV_SPAN ? n - column : CONV_SPAN;
                for (long r = 0; r < rows; r++) {
                    float *target = out + (first + r) * n + column;
                    if (columns == CONV_SPAN) {
                        for (long v = 0; v < 4; v++) memcpy(target + v * CONV_WIDTH, &acc[r][v], sizeof(CONV_VEC));
                    } else {
                        for (long v = 0; v < 4; v++) memcpy(tile + v * CONV_WIDTH, &acc[r][v], sizeof(CONV_VEC));
                        memcpy(target, tile, (size_t)columns * sizeof(float));
                    }
                }
            }
        }
    }
}

/// `inputs` (a constant after inlining) consecutive i of tap j, one tile of columns at `part` of
/// `group`, over the rows of a chunk: acc[(j·k + i)·64 + …] += source(row, j)[i] · g[row].
INLINE void CONV_NAME(gradient_tile)(long inputs, long rows, long taps, long j, long i, long k, long group,
                                     long part, const float *const *src, const float *gRows, long paddedN,
                                     float *acc) {
    CONV_VEC sum[CONV_INPUTS > 4 ? CONV_INPUTS : 4][4];
    float *a = acc + ((group * taps + j) * k + i) * 64 + part;
    for (long t = 0; t < inputs; t++)
        for (long v = 0; v < 4; v++) sum[t][v] = CONV_LOAD(a + t * 64 + v * CONV_WIDTH);
    for (long r = 0; r < rows; r++) {
        const float *s = src[r * taps + j];
        if (!s) continue;
        const float *gRow = gRows + r * paddedN + group * 64 + part;
        const CONV_VEC g0 = CONV_LOAD(gRow), g1 = CONV_LOAD(gRow + CONV_WIDTH),
                       g2 = CONV_LOAD(gRow + 2 * CONV_WIDTH), g3 = CONV_LOAD(gRow + 3 * CONV_WIDTH);
        for (long t = 0; t < inputs; t++) {
            const CONV_VEC x = CONV_SPLAT(s[i + t]);
            sum[t][0] = sum[t][0] + x * g0;
            sum[t][1] = sum[t][1] + x * g1;
            sum[t][2] = sum[t][2] + x * g2;
            sum[t][3] = sum[t][3] + x * g3;
        }
    }
    for (long t = 0; t < inputs; t++)
        for (long v = 0; v < 4; v++) memcpy(a + t * 64 + v * CONV_WIDTH, &sum[t][v], sizeof(CONV_VEC));
}

/// ∂W over chunks of CONV_CHUNK rows, accumulated in `acc` (packed layout, zeroed by the caller), and
/// when `biasAcc` (paddedN floats, zeroed) is not null the column sums of g, row after row. Each tile
/// of (inputs × columns) runs over the chunk's rows, which stay in L1. g is read in place when its
/// columns are whole groups of 64, else copied per chunk into `gChunk` with zero columns appended.
INLINE void CONV_NAME(weight_gradient)(long rowCount, long rowLength, long sourceLength, long taps,
                                       const long *offsets, long k, long n, const float *source, const float *g,
                                       float *acc, float *biasAcc, float *gChunk) {
    const long groups = (n + 63) / 64, paddedN = groups * 64;
    const float *src[CONV_CHUNK * taps];
    for (long first = 0; first < rowCount; first += CONV_CHUNK) {
        const long rows = rowCount - first < CONV_CHUNK ? rowCount - first : CONV_CHUNK;
        const float *gRows = g + first * n;
        if (paddedN != n) {
            for (long r = 0; r < rows; r++) {
                memcpy(gChunk + r * paddedN, g + (first + r) * n, (size_t)n * sizeof(float));
                memset(gChunk + r * paddedN + n, 0, (size_t)(paddedN - n) * sizeof(float));
            }
            gRows = gChunk;
        }
        for (long r = 0; r < rows; r++)
            for (long j = 0; j < taps; j++)
                src[r * taps + j] = conv_source_row(first + r, rowLength, sourceLength, offsets[j], k, source, NULL);
        // The next chunk's rows of g and of the source, towards L2.
        for (long r = first + CONV_CHUNK; r < first + 2 * CONV_CHUNK && r < rowCount; r++) {
            conv_prefetch_row(g + r * n, n);
            for (long j = 0; j < taps; j++)
                conv_prefetch_row(conv_source_row(r, rowLength, sourceLength, offsets[j], k, source, NULL), k);
        }
        if (biasAcc)
            for (long r = 0; r < rows; r++)
                for (long c = 0; c < paddedN; c += CONV_WIDTH) {
                    const CONV_VEC sum = CONV_LOAD(biasAcc + c) + CONV_LOAD(gRows + r * paddedN + c);
                    memcpy(biasAcc + c, &sum, sizeof sum);
                }
        for (long group = 0; group < groups; group++)
            for (long part = 0; part < 64 && group * 64 + part < n; part += CONV_SPAN)
                for (long j = 0; j < taps; j++) {
                    long i = 0;
                    for (; i + CONV_INPUTS <= k; i += CONV_INPUTS)
                        CONV_NAME(gradient_tile)(CONV_INPUTS, rows, taps, j, i, k, group, part, src, gRows, paddedN, acc);
                    // The tail in tiles of 4, 2 and 1 inputs (each a constant, so the sums stay in registers).
                    for (long inputs = 4; inputs >= 1; inputs /= 2)
                        if (inputs < CONV_INPUTS && i + inputs <= k) {
                            if (inputs == 4) CONV_NAME(gradient_tile)(4, rows, taps, j, i, k, group, part, src, gRows, paddedN, acc);
                            else if (inputs == 2) CONV_NAME(gradient_tile)(2, rows, taps, j, i, k, group, part, src, gRows, paddedN, acc);
                            else CONV_NAME(gradient_tile)(1, rows, taps, j, i, k, group, part, src, gRows, paddedN, acc);
                            i += inputs;
                        }
                }
    }
}

#undef CONV_SPAN
#undef CONV_VEC
#undef CONV_WIDTH
#undef CONV_LOAD
#undef CONV_SPLAT
#undef CONV_ROWS
#undef CONV_INPUTS
#undef CONV_NAME
