import CBLAS

extension Tensor {
    /// Tunes the C allocator for training loops that allocate and free the same large tensors every
    /// step. Call once at start-up (the `bench` and `train` tools do); safe to call again.
    ///
    /// By default glibc serves blocks above a (dynamic) threshold with fresh `mmap`s and returns them
    /// with `munmap` on free, so every step page-faults and zero-fills all of its large temporaries
    /// again (several hundred MB per step for the reference's batch sizes). This keeps freed memory
    /// in the heap for reuse instead:
    /// - `M_MMAP_MAX = 0`: no block is served by its own `mmap`; all come from the heap;
    /// - `M_TRIM_THRESHOLD = -1`: free memory at the top of the heap is never returned to the system
    ///   (a step of a large model frees more than a gigabyte at once, which would otherwise be
    ///   trimmed and faulted in again by the next step);
    /// - `M_TOP_PAD = 64 MiB`: the heap grows in large steps.
    ///
    /// The process keeps its peak heap size until exit, so call this in training and benchmark
    /// processes, not in long-lived services. Has no effect outside Linux.
    public static func configureAllocatorForTraining() {
        #if os(Linux)
        _ = mallopt(M_MMAP_MAX, 0)
        _ = mallopt(M_TRIM_THRESHOLD, -1)
        _ = mallopt(M_TOP_PAD, 64 << 20)
        #endif
    }
}
