#include "tensor_kernels.h"

// The one run-time choice between the AVX2 + FMA and the portable builds of every C kernel
// (Tensor's and Autograd's), and of the AVX-512 build of the few that have one: the CPU is asked
// once, on the first call.

static int avx2_allowed = 1;
static int avx512_allowed = 1;

void adr_tensor_kernels_allow_avx2(int allowed) { avx2_allowed = allowed; }

void adr_tensor_kernels_allow_avx512(int allowed) { avx512_allowed = allowed; }

int adr_tensor_kernels_use_avx2(void) {
#if defined(__x86_64__)
    static int supported = -1;
    if (supported < 0) {
        __builtin_cpu_init();
        supported = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    }
    return supported && avx2_allowed;
#else
    return 0;
#endif
}

int adr_tensor_kernels_use_avx512(void) {
#if defined(__x86_64__)
    static int supported = -1;
    if (supported < 0) {
        __builtin_cpu_init();
        supported = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl")
            && __builtin_cpu_supports("avx512dq");
    }
    // The AVX-512 builds also use AVX2 + FMA instructions, so they need that path allowed too.
    return supported && avx512_allowed && adr_tensor_kernels_use_avx2();
#else
    return 0;
#endif
}
