#ifndef ADARANKER_KERNELS_H
#define ADARANKER_KERNELS_H

/// Element-wise kernels of the Autograd package in C (the GRU's gates, the optimisers' updates),
/// each compiled twice: with AVX2 + FMA, used when the CPU has them (checked once at run time), and
/// portable vector code otherwise.

/// 1 when the AVX2 + FMA kernels are in use.
int adr_kernels_use_avx2(void);

/// Allows (1, the default) or forbids (0) the AVX2 kernels, so that tests can check the portable ones.
void adr_kernels_allow_avx2(int allowed);

#endif
