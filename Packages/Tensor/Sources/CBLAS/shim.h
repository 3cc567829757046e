#include <cblas.h>

// glibc's mallopt, for Tensor.configureAllocatorForTraining (AllocatorTuning.swift).
#if defined(__linux__)
#include <malloc.h>
#endif
