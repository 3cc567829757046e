#ifndef ADARANKER_GRU_KERNELS_H
#define ADARANKER_GRU_KERNELS_H

/// Element-wise gate kernels of the fused GRU (Packages/Autograd/Sources/Autograd/Ops/GRUOp.swift),
/// one time step for `rows` batch rows. Gate rows are `[r | z | n]`, `3 * hidden` floats each.
/// AVX2 + FMA code where the CPU has it (see kernels.h), portable vector code otherwise.

/// Forward: for each row i, with `g = gates + i·3H`, `a = recurrent + i·3H` (W_h· h_{t−1}, no bias),
/// `p = previous + i·previousStride` (h_{t−1}):
///   r = σ(g_r + inputBias_r + a_r), z = σ(g_z + inputBias_z + a_z), hn = a_n + recurrentBiasN,
///   n = tanh(g_n + inputBias_n + r·hn), h = n + z·(p − n);
/// writes g ← [r | z | n], savedHN[i·H…] ← hn, output[i·outputStride…] ← h.
/// `inputBias` = [b_ir + b_hr | b_iz + b_hz | b_in] (3H), `recurrentBiasN` = b_hn (H).
void adr_gru_forward_step(long rows, long hidden, float *gates, const float *recurrent,
                          const float *inputBias, const float *recurrentBiasN,
                          const float *previous, long previousStride,
                          float *output, long outputStride, float *savedHN);

/// Backward: for each row i, with dh = upstream[i·upstreamStride…] + carry[i·H…] and the saved
/// r, z, n (gates + i·3H), hn (savedHN + i·H) and h_{t−1} (previous + i·previousStride):
///   dn = dh·(1 − z)·(1 − n²), dz = dh·(h_{t−1} − n)·z·(1 − z), dr = dn·hn·r·(1 − r);
/// writes gates ← [dr | dz | dn·r] (recurrent side), inputSide[i·3H…] ← [dr | dz | dn] (input side),
/// carry ← dh·z, and biasSums (4H) += [dr | dz | dn | dn·r].
void adr_gru_backward_step(long rows, long hidden, const float *upstream, long upstreamStride,
                           float *carry, float *gates, const float *savedHN,
                           const float *previous, long previousStride,
                           float *inputSide, float *biasSums);

#endif
