#if os(Linux)
import Glibc
#endif

extension Tensor {
    /// Re-executes the current program, with the same arguments, so that glibc backs its heap with
    /// transparent huge pages (2 MiB instead of 4 KiB), when that is possible and not yet the case.
    /// Call it first thing in `main` of a training or benchmark tool; it returns when no restart is
    /// needed (or the restart fails) and does not return when it restarts.
    ///
    /// A training step streams through hundreds of MB of temporaries (SASRec's attention
    /// probabilities alone are `[B, h, L, L]`: 655 MB at B = 2048, L = 200); with 4 KiB pages the
    /// memory-bound passes over them (dropout, GELU, softmax) pay TLB misses, and the first step
    /// page-faults once per 4 KiB. glibc ≥ 2.35 asks the kernel for huge pages on the heap when
    /// `GLIBC_TUNABLES` contains `glibc.malloc.hugetlb=1`, a setting it reads only at start-up.
    ///
    /// Restarts only when all hold:
    /// - the kernel grants huge pages on request (`/sys/kernel/mm/transparent_hugepage/enabled`
    ///   selects `madvise`; with `always` the heap gets them anyway, with `never` not at all);
    /// - `GLIBC_TUNABLES` does not already mention `glibc.malloc.hugetlb` (so it restarts at most
    ///   once, and a user's own setting wins);
    /// - `ADARANKER_HUGE_PAGES` is not `0` (the opt-out).
    /// Results are unchanged: only where the scalars live differs. Does nothing outside Linux.
    public static func restartWithHugePageHeapIfAvailable() {
        #if os(Linux)
        if let optOut = getenv("ADARANKER_HUGE_PAGES"), String(cString: optOut) == "0" { return }
        let existing = getenv("GLIBC_TUNABLES").map { String(cString: $0) } ?? ""
        guard !existing.contains("glibc.malloc.hugetlb"), kernelGrantsHugePagesOnRequest() else { return }
        let tunables = existing.isEmpty ? "glibc.malloc.hugetlb=1" : existing + ":glibc.malloc.hugetlb=1"
        // The executable's own path rather than /proc/self/exe, so that the process keeps its name
        // (`train`, not `exe`) in ps and top.
        guard let executable = realpath("/proc/self/exe", nil) else { return }
        defer { free(executable) }
        guard setenv("GLIBC_TUNABLES", tunables, 1) == 0 else { return }
        _ = execv(executable, CommandLine.unsafeArgv)
        // Only reached if exec failed: carry on with ordinary pages, leaving the environment as it was.
        if existing.isEmpty { unsetenv("GLIBC_TUNABLES") } else { setenv("GLIBC_TUNABLES", existing, 1) }
        #endif
    }

    #if os(Linux)
    /// True when the kernel's transparent-huge-page mode is `madvise` (the selected mode is the
    /// bracketed word of `/sys/kernel/mm/transparent_hugepage/enabled`, e.g. `always [madvise] never`).
    static func kernelGrantsHugePagesOnRequest() -> Bool {
        guard let file = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r") else { return false }
        defer { fclose(file) }
        var line = [CChar](repeating: 0, count: 128)
        guard fgets(&line, Int32(line.count), file) != nil else { return false }
        return String(cString: line).contains("[madvise]")
    }
    #endif
}
