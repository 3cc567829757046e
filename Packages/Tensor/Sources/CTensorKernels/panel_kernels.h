// The kernels of `panels.c` for one panel width, included once per width with these defined:
//   PANEL_WIDTH   columns per panel (16 or 8), the lanes of PANEL_VEC
//   PANEL_VEC     the register type (f16v or f8)
//   PANEL_LOAD, PANEL_SPLAT, PANEL_FINISH   its load, broadcast and `finish` helpers
//   PANEL_GROUP   panels per block (C ≤ 4): as many as the registers hold with four rows (four
//                 rows × four panels of accumulators fill 16 of the 32 AVX-512 registers; AVX2 has 16)
//   PANEL_NAME(x) the width's name for x
// Everything is inlined into the entry points of `panels.c`, which carry the target attribute. The
// parameters are undefined at the end, ready for the next width.

/// Columns W·q ..< W·q + W (q < C ≤ 4) of `R` (1…4) rows of `a · bᵀ` from `C` consecutive panels, for
/// rows `[prefix, a[r]]` that share their first `k0` entries (k0 a multiple of 8: whole steps of every
/// lane): each lane sum starts from the prefix's, `start[l][q]` (zero when `start` is NULL and k0 = 0),
/// and goes on over the steps t ≥ k0 / 8, which read `a[r, i − k0]`. Then the lanes are added in
/// `sum8`'s order, the `k mod 8` tail is added in order, and `finish`.
INLINE void PANEL_NAME(block)(int R, int C, long k0, long k, float alpha, PANEL_VEC (*start)[4], const float *a,
                              long lda, const float *panels, float beta, float *c, long ldc) {
    const long steps = k / 8, full = steps * 8, size = k * PANEL_WIDTH;
    PANEL_VEC lanes[8][4][4];
    for (int l = 0; l < 8; l++) {
        PANEL_VEC s[4][4];
        for (int r = 0; r < R; r++)
            for (int q = 0; q < C; q++) s[r][q] = start ? start[l][q] : (PANEL_VEC){0};
        for (long t = k0 / 8; t < steps; t++) {
            PANEL_VEC bv[4];
            for (int q = 0; q < C; q++) bv[q] = PANEL_LOAD(panels + q * size + panel_offset(l, t, steps, PANEL_WIDTH));
            for (int r = 0; r < R; r++) {
                PANEL_VEC av = PANEL_SPLAT(a[r * lda + l + 8 * t - k0]);
                for (int q = 0; q < C; q++) s[r][q] += av * bv[q];
            }
        }
        for (int r = 0; r < R; r++)
            for (int q = 0; q < C; q++) lanes[l][r][q] = s[r][q];
    }
    for (int r = 0; r < R; r++)
        for (int q = 0; q < C; q++) {
            PANEL_VEC dot = ((lanes[0][r][q] + lanes[4][r][q]) + (lanes[1][r][q] + lanes[5][r][q]))
                          + ((lanes[2][r][q] + lanes[6][r][q]) + (lanes[3][r][q] + lanes[7][r][q]));
            for (long i = full; i < k; i++)
                dot += PANEL_SPLAT(a[r * lda + i - k0]) * PANEL_LOAD(panels + q * size + i * PANEL_WIDTH);
            PANEL_FINISH(c + r * ldc + PANEL_WIDTH * q, dot, alpha, beta);
        }
}

/// `R` rows (1…4) of `a · bᵀ` over the `n / W` panels: `PANEL_GROUP` at a time, then two, then one.
INLINE void PANEL_NAME(rows)(int R, long n, long k, float alpha, const float *a, long lda, const float *panels,
                             float beta, float *c, long ldc) {
    const long count = n / PANEL_WIDTH, size = k * PANEL_WIDTH;
    long p = 0;
    for (; p + PANEL_GROUP <= count; p += PANEL_GROUP)
        PANEL_NAME(block)(R, PANEL_GROUP, 0, k, alpha, NULL, a, lda, panels + p * size, beta, c + p * PANEL_WIDTH, ldc);
    for (; PANEL_GROUP > 2 && p + 2 <= count; p += 2)
        PANEL_NAME(block)(R, 2, 0, k, alpha, NULL, a, lda, panels + p * size, beta, c + p * PANEL_WIDTH, ldc);
    for (; p < count; p++)
        PANEL_NAME(block)(R, 1, 0, k, alpha, NULL, a, lda, panels + p * size, beta, c + p * PANEL_WIDTH, ldc);
}

/// All `m` rows over the panels, in groups of four rows and then the rest.
INLINE void PANEL_NAME(product)(long m, long n, long k, float alpha, const float *a, long lda, const float *panels,
                                float beta, float *c, long ldc) {
    long r = 0;
    for (; r + 4 <= m; r += 4) PANEL_NAME(rows)(4, n, k, alpha, a + r * lda, lda, panels, beta, c + r * ldc, ldc);
    switch (m - r) {
    case 3: PANEL_NAME(rows)(3, n, k, alpha, a + r * lda, lda, panels, beta, c + r * ldc, ldc); break;
    case 2: PANEL_NAME(rows)(2, n, k, alpha, a + r * lda, lda, panels, beta, c + r * ldc, ldc); break;
    case 1: PANEL_NAME(rows)(1, n, k, alpha, a + r * lda, lda, panels, beta, c + r * ldc, ldc); break;
    default: break;
    }
}

/// The rows `[prefix, a[r]]` (r < m) against `C` panels: the eight lane sums of the prefix once
/// (`start[l][q]`, lane l over i = l, l + 8, … < k0), then every row's sums go on from them.
INLINE void PANEL_NAME(prefix_columns)(int C, long m, long k0, long k, float alpha, const float *prefix,
                                       const float *a, long lda, const float *panels, float beta, float *c, long ldc) {
    const long steps = k / 8, size = k * PANEL_WIDTH;
    PANEL_VEC start[8][4];
    for (int l = 0; l < 8; l++) {
        PANEL_VEC s[4] = {{0}};
        for (long t = 0; t < k0 / 8; t++) {
            PANEL_VEC av = PANEL_SPLAT(prefix[l + 8 * t]);
            for (int q = 0; q < C; q++) s[q] += av * PANEL_LOAD(panels + q * size + panel_offset(l, t, steps, PANEL_WIDTH));
        }
        for (int q = 0; q < C; q++) start[l][q] = s[q];
    }
    long r = 0;
    for (; r + 4 <= m; r += 4) PANEL_NAME(block)(4, C, k0, k, alpha, start, a + r * lda, lda, panels, beta, c + r * ldc, ldc);
    switch (m - r) {
    case 3: PANEL_NAME(block)(3, C, k0, k, alpha, start, a + r * lda, lda, panels, beta, c + r * ldc, ldc); break;
    case 2: PANEL_NAME(block)(2, C, k0, k, alpha, start, a + r * lda, lda, panels, beta, c + r * ldc, ldc); break;
    case 1: PANEL_NAME(block)(1, C, k0, k, alpha, start, a + r * lda, lda, panels, beta, c + r * ldc, ldc); break;
    default: break;
    }
}

/// `m` rows `[prefix, a[r]]` over the `n / W` panels, `PANEL_GROUP` at a time, then one.
INLINE void PANEL_NAME(prefix_product)(long m, long n, long k, long k0, float alpha, const float *prefix,
                                       const float *a, long lda, const float *panels, float beta, float *c, long ldc) {
    const long count = n / PANEL_WIDTH, size = k * PANEL_WIDTH;
    long p = 0;
    for (; p + PANEL_GROUP <= count; p += PANEL_GROUP)
        PANEL_NAME(prefix_columns)(PANEL_GROUP, m, k0, k, alpha, prefix, a, lda, panels + p * size, beta,
                                   c + p * PANEL_WIDTH, ldc);
    for (; p < count; p++)
        PANEL_NAME(prefix_columns)(1, m, k0, k, alpha, prefix, a, lda, panels + p * size, beta, c + p * PANEL_WIDTH, ldc);
}

#undef PANEL_WIDTH
#undef PANEL_GROUP
#undef PANEL_VEC
#undef PANEL_LOAD
#undef PANEL_SPLAT
#undef PANEL_FINISH
#undef PANEL_NAME
