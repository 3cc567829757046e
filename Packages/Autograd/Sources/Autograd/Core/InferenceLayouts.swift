#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Tensor

/// The layouts of a parameter's value that inference kernels read instead of the value itself,
/// built on first use and dropped whenever the value is set or mutated (`Variable.value`'s
/// observer), so they always describe the current value. Today one layout: `TransposedPanels`, for
/// the batch-invariant products `x · Wᵀ` of Linear layers and GRUs.
///
/// Concurrent requests may build them at once; a mutex makes one of them do it. (Changing a
/// parameter while another thread reads it is a data race, as for any Swift property.)
final class InferenceLayouts {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private var panels: TransposedPanels?

    init() {
        mutex = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    /// `value`'s panels, built now unless already kept.
    func transposedPanels(of value: Tensor) -> TransposedPanels {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        if let panels { return panels }
        let built = TransposedPanels(of: value)
        panels = built
        return built
    }

    /// Forgets every layout (the value changed).
    func clear() {
        pthread_mutex_lock(mutex)
        panels = nil
        pthread_mutex_unlock(mutex)
    }
}

extension Variable {
    /// `value [n, k]` as `TransposedPanels`, for `sgemm(…, panels:)` in products `x · valueᵀ`:
    /// kept for parameters inside `withBatchInvariantProducts` (the only place the panels are read);
    /// `nil` elsewhere, for other variables (used once, not worth re-laying out), for values that
    /// are not matrices, and for matrices narrower than one panel (n < 8).
    public var transposedPanels: TransposedPanels? {
        guard let inferenceLayouts, batchInvariantProducts, value.rank == 2, value.shape[0] >= 8 else { return nil }
        return inferenceLayouts.transposedPanels(of: value)
    }
}
