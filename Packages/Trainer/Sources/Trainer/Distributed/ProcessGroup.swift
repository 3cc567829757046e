import CMPI
import Foundation

/// The processes that train one model together (Trainer README § Training on several machines).
///
/// A process started by `mpirun -np N` joins MPI's world of N ranks; any other process is a group
/// of one, for which every collective operation returns at once without touching MPI. Rank 0 is
/// the root: the only rank that writes files and draws progress bars.
public final class ProcessGroup: @unchecked Sendable {
    /// This process's index, `0 ..< size`.
    public let rank: Int
    /// The number of processes.
    public let size: Int
    private let usesMPI: Bool

    /// Whether this rank writes the run folder.
    public var isRoot: Bool { rank == 0 }
    /// Whether more than one process takes part.
    public var isDistributed: Bool { size > 1 }

    private init(rank: Int, size: Int, usesMPI: Bool) {
        self.rank = rank
        self.size = size
        self.usesMPI = usesMPI
    }

    /// A group of one process (no MPI).
    public static let single = ProcessGroup(rank: 0, size: 1, usesMPI: false)

    private static let worldLock = NSLock()
    nonisolated(unsafe) private static var joinedWorld: ProcessGroup?

    /// The job this process belongs to: MPI's world when an MPI launcher started it (MPI is then
    /// initialised on the first call), else `single`.
    public static func world() throws -> ProcessGroup {
        worldLock.lock()
        defer { worldLock.unlock() }
        if let joinedWorld { return joinedWorld }
        guard adr_mpi_launched() != 0 else { joinedWorld = single; return single }
        var rank: Int32 = 0, size: Int32 = 1
        try check(adr_mpi_init(&rank, &size), "MPI_Init")
        let group = ProcessGroup(rank: Int(rank), size: Int(size), usesMPI: true)
        joinedWorld = group
        return group
    }

    /// Ends MPI cleanly (after the last collective operation of a successful run).
    public func finish() {
        guard usesMPI else { return }
        _ = adr_mpi_finalize()
    }

    /// Ends every process of the job with `code`: after a fatal error on one rank the others would
    /// otherwise wait for it forever inside a collective operation.
    public func abort(code: Int32) -> Never {
        if usesMPI { adr_mpi_abort(code) }
        exit(code)
    }

    /// The contiguous part of `0 ..< count` this rank handles: `[rank·count/size, (rank+1)·count/size)`.
    /// The parts of all ranks cover the range in rank order; their sizes differ by at most one.
    public func share(of count: Int) -> Range<Int> {
        (rank * count / size) ..< ((rank + 1) * count / size)
    }

    /// Waits until every rank has arrived.
    public func barrier() throws {
        guard usesMPI else { return }
        try Self.check(adr_mpi_barrier(), "MPI_Barrier")
    }

    /// Replaces `values` on every rank by their element-wise sum over all ranks.
    public func sum(_ values: inout [Float]) throws {
        guard usesMPI, !values.isEmpty else { return }
        let code = values.withUnsafeMutableBufferPointer { adr_mpi_allreduce_sum_float($0.baseAddress!, Int64($0.count)) }
        try Self.check(code, "MPI_Allreduce")
    }

    /// Replaces `values` on every rank by their element-wise sum over all ranks.
    public func sum(_ values: inout [Double]) throws {
        guard usesMPI, !values.isEmpty else { return }
        let code = values.withUnsafeMutableBufferPointer { adr_mpi_allreduce_sum_double($0.baseAddress!, Int64($0.count)) }
        try Self.check(code, "MPI_Allreduce")
    }

    /// The element-wise minimum and maximum of `values` over all ranks.
    public func range(of values: [UInt64]) throws -> (minimum: [UInt64], maximum: [UInt64]) {
        guard usesMPI, !values.isEmpty else { return (values, values) }
        var minimum = values, maximum = values
        let a = minimum.withUnsafeMutableBufferPointer { adr_mpi_allreduce_min_u64($0.baseAddress!, Int64($0.count)) }
        try Self.check(a, "MPI_Allreduce")
        let b = maximum.withUnsafeMutableBufferPointer { adr_mpi_allreduce_max_u64($0.baseAddress!, Int64($0.count)) }
        try Self.check(b, "MPI_Allreduce")
        return (minimum, maximum)
    }

    /// The root's `bytes` on every rank (other ranks pass anything; their value is replaced).
    public func broadcastFromRoot(_ bytes: Data) throws -> Data {
        guard usesMPI else { return bytes }
        var length = [UInt64(isRoot ? bytes.count : 0)]
        try length.withUnsafeMutableBytes { try Self.check(adr_mpi_broadcast_bytes($0.baseAddress!, 8, 0), "MPI_Bcast") }
        var buffer = isRoot ? [UInt8](bytes) : [UInt8](repeating: 0, count: Int(length[0]))
        if !buffer.isEmpty {
            let code = buffer.withUnsafeMutableBytes { adr_mpi_broadcast_bytes($0.baseAddress!, Int64($0.count), 0) }
            try Self.check(code, "MPI_Bcast")
        }
        return Data(buffer)
    }

    /// Every rank's `values`, concatenated in rank order, on every rank.
    public func gather(_ values: [Float]) throws -> [Float] {
        guard usesMPI else { return values }
        let (counts, offsets, total) = try gatherLayout(count: values.count)
        var result = [Float](repeating: 0, count: total)
        let code = values.withUnsafeBufferPointer { send in
            result.withUnsafeMutableBufferPointer { receive in
                adr_mpi_allgatherv_float(send.baseAddress, receive.baseAddress, counts, offsets)
            }
        }
        try Self.check(code, "MPI_Allgatherv")
        return result
    }

    /// Every rank's `values`, concatenated in rank order, on every rank.
    public func gather(_ values: [Int64]) throws -> [Int64] {
        guard usesMPI else { return values }
        let (counts, offsets, total) = try gatherLayout(count: values.count)
        var result = [Int64](repeating: 0, count: total)
        let code = values.withUnsafeBufferPointer { send in
            result.withUnsafeMutableBufferPointer { receive in
                adr_mpi_allgatherv_i64(send.baseAddress, receive.baseAddress, counts, offsets)
            }
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
        for r in 0..<size {
            offsets[r] = Int32(truncatingIfNeeded: total)
            total += Int(counts[r])
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

/// What can go wrong between the processes of a distributed run.
public enum DistributedError: Error, CustomStringConvertible, Equatable {
    /// An MPI call failed (for example because another rank died).
    case mpi(call: String, message: String)
    /// The ranks' parameters differ after a step: the replicas are no longer the same model.
    case replicasDiverged(epoch: Int, parameter: String)
    /// More elements than one MPI message can carry.
    case tooLarge(Int)

    public var description: String {
        switch self {
        case .mpi(let call, let message):
            return "\(call) failed: \(message)"
        case .replicasDiverged(let epoch, let parameter):
            return "after epoch \(epoch) the ranks hold different values of '\(parameter)'; the replicas diverged (a rank computed something else: check that every machine runs the same build on the same data)"
        case .tooLarge(let count):
            return "\(count) elements are too many for one MPI message"
        }
    }
}
