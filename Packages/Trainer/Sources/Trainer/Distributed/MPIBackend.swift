#if MPI
import CMPI
import Foundation

/// `CollectiveBackend` over Open MPI's world communicator (the C functions of the CMPI target).
struct MPIBackend: CollectiveBackend {
    /// Initialises MPI; returns the backend, this process's rank and the world size.
    static func join() throws -> (MPIBackend, rank: Int, size: Int) {
        var rank: Int32 = 0, size: Int32 = 1
        try check(adr_mpi_init(&rank, &size), "MPI_Init")
        return (MPIBackend(size: Int(size)), Int(rank), Int(size))
    }

    let size: Int

    func finish() { _ = adr_mpi_finalize() }

    func abort(code: Int32) { adr_mpi_abort(code) }

    func barrier() throws { try Self.check(adr_mpi_barrier(), "MPI_Barrier") }

    func sum(_ values: inout [Float]) throws {
        let code = values.withUnsafeMutableBufferPointer { adr_mpi_allreduce_sum_float($0.baseAddress!, Int64($0.count)) }
        try Self.check(code, "MPI_Allreduce")
    }

    func sum(_ values: inout [Double]) throws {
        let code = values.withUnsafeMutableBufferPointer { adr_mpi_allreduce_sum_double($0.baseAddress!, Int64($0.count)) }
        try Self.check(code, "MPI_Allreduce")
    }

    func range(of values: [UInt64]) throws -> (minimum: [UInt64], maximum: [UInt64]) {
        var minimum = values, maximum = values
        let a = minimum.withUnsafeMutableBufferPointer { adr_mpi_allreduce_min_u64($0.baseAddress!, Int64($0.count)) }
        try Self.check(a, "MPI_Allreduce")
        let b = maximum.withUnsafeMutableBufferPointer { adr_mpi_allreduce_max_u64($0.baseAddress!, Int64($0.count)) }
        try Self.check(b, "MPI_Allreduce")
        return (minimum, maximum)
    }

    /// The length first (8 bytes), then the bytes.
    func broadcastFromRoot(_ bytes: Data, isRoot: Bool) throws -> Data {
        var length = [UInt64(isRoot ? bytes.count : 0)]
        try length.withUnsafeMutableBytes { try Self.check(adr_mpi_broadcast_bytes($0.baseAddress!, 8, 0), "MPI_Bcast") }
        var buffer = isRoot ? [UInt8](bytes) : [UInt8](repeating: 0, count: Int(length[0]))
        if !buffer.isEmpty {
            let code = buffer.withUnsafeMutableBytes { adr_mpi_broadcast_bytes($0.baseAddress!, Int64($0.count), 0) }
            try Self.check(code, "MPI_Bcast")
        }
        return Data(buffer)
    }

    func gather(_ values: [Float]) throws -> [Float] { try gather(values, adr_mpi_allgatherv_float) }

    func gather(_ values: [Int64]) throws -> [Int64] { try gather(values, adr_mpi_allgatherv_i64) }

    /// Every rank's `values` in rank order through `allgatherv` (the C call for the element type).
    private func gather<Element: Numeric>(
        _ values: [Element],
        _ allgatherv: (UnsafePointer<Element>?, UnsafeMutablePointer<Element>?, UnsafePointer<Int32>?, UnsafePointer<Int32>?) -> Int32
    ) throws -> [Element] {
        let (counts, offsets, total) = try gatherLayout(count: values.count)
        var result = [Element](repeating: 0, count: total)
        let code = values.withUnsafeBufferPointer { send in
            result.withUnsafeMutableBufferPointer { allgatherv(send.baseAddress, $0.baseAddress, counts, offsets) }
        }
        try Self.check(code, "MPI_Allgatherv")
        return result
    }

    /// Each rank's element count, their offsets in the gathered buffer and the total.
    private func gatherLayout(count: Int) throws -> (counts: [Int32], offsets: [Int32], total: Int) {
        guard count <= Int(Int32.max) else { throw DistributedError.tooLarge(count) }
        var counts = [Int32](repeating: 0, count: size)
        try Self.check(adr_mpi_allgather_int(Int32(count), &counts), "MPI_Allgather")
        var offsets = [Int32](repeating: 0, count: size)
        var total = 0
        for rank in 0..<size {
            guard total <= Int(Int32.max) else { throw DistributedError.tooLarge(total) }
            offsets[rank] = Int32(total)
            total += Int(counts[rank])
        }
        guard total <= Int(Int32.max) else { throw DistributedError.tooLarge(total) }
        return (counts, offsets, total)
    }

    private static func check(_ code: Int32, _ call: String) throws {
        guard code != 0 else { return }
        var text = [CChar](repeating: 0, count: 512)
        adr_mpi_error_string(code, &text, Int32(text.count))
        throw DistributedError.mpi(call: call, message: String(cString: text))
    }
}
#endif
