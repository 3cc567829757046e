#if canImport(Glibc)
import Glibc
#endif

/// Sets the calling thread's nice value (−20 … 19; lower gets more of a contended core). On Linux the
/// nice value belongs to each thread, so only the caller changes.
/// - Returns: whether the system allowed it: going below 0 needs the CAP_SYS_NICE capability (e.g.
///   root); always `false` on systems other than Linux.
func setCallingThreadNice(_ value: Int32) -> Bool {
#if os(Linux)
    return setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, value) == 0
#else
    return false
#endif
}
