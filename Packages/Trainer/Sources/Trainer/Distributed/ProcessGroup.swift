import Foundation

/// The processes that train one model together (Trainer README § Training on several machines).
///
/// A process started by `mpirun -np N` joins MPI's world of N ranks (in a build with the MPI
/// trait); any other process is a group of one, for which every collective operation returns at
/// once. Rank 0 is the root: the only rank that writes files and draws progress bars.
public final class ProcessGroup: @unchecked Sendable {
    /// This process's index, `0 ..< size`.
    public let rank: Int
    /// The number of processes.
    public let size: Int
    /// The collective operations between the processes (nil for a group of one).
    private let backend: (any CollectiveBackend)?

    /// Whether this rank writes the run folder.
    public var isRoot: Bool { rank == 0 }
    /// Whether more than one process takes part.
    public var isDistributed: Bool { size > 1 }

    init(rank: Int, size: Int, backend: (any CollectiveBackend)?) {
        self.rank = rank
        self.size = size
        self.backend = backend
    }

    /// A group of one process (no MPI).
    public static let single = ProcessGroup(rank: 0, size: 1, backend: nil)

    private static let worldLock = NSLock()
    nonisolated(unsafe) private static var joinedWorld: ProcessGroup?

    /// Whether an MPI launcher started this process: Open MPI's `mpirun` sets
    /// `OMPI_COMM_WORLD_SIZE`, PMIx-based launchers (`srun`, `prterun`) `PMIX_RANK`.
    public static var launchedByMPI: Bool {
        let environment = ProcessInfo.processInfo.environment
        return environment["OMPI_COMM_WORLD_SIZE"] != nil || environment["PMIX_RANK"] != nil
    }

    /// The job this process belongs to: MPI's world when an MPI launcher started it (MPI is then
    /// initialised on the first call), else `single`.
    /// - Throws: `DistributedError.builtWithoutMPI` under `mpirun` in a build without the MPI trait.
    public static func world() throws -> ProcessGroup {
        worldLock.lock()
        defer { worldLock.unlock() }
        if let joinedWorld { return joinedWorld }
        guard launchedByMPI else { joinedWorld = single; return single }
        #if MPI
        let (backend, rank, size) = try MPIBackend.join()
        let group = ProcessGroup(rank: rank, size: size, backend: backend)
        joinedWorld = group
        return group
        #else
        throw DistributedError.builtWithoutMPI
        #endif
    }

    /// Ends MPI cleanly (after the last collective operation of a successful run).
    public func finish() { backend?.finish() }

    /// Ends every process of the job with `code`: after a fatal error on one rank the others would
    /// otherwise wait for it forever inside a collective operation.
    public func abort(code: Int32) -> Never {
        backend?.abort(code: code)
        exit(code)
    }

    /// The contiguous part of `0 ..< count` this rank handles: `[rank·count/size, (rank+1)·count/size)`.
    /// The parts of all ranks cover the range in rank order; their sizes differ by at most one.
    public func share(of count: Int) -> Range<Int> {
        (rank * count / size) ..< ((rank + 1) * count / size)
    }

    /// Waits until every rank has arrived.
    public func barrier() throws { try backend?.barrier() }

    /// Replaces `values` on every rank by their element-wise sum over all ranks.
    public func sum(_ values: inout [Float]) throws {
        guard let backend, !values.isEmpty else { return }
        try backend.sum(&values)
    }

    /// Replaces `values` on every rank by their element-wise sum over all ranks.
    public func sum(_ values: inout [Double]) throws {
        guard let backend, !values.isEmpty else { return }
        try backend.sum(&values)
    }

    /// The element-wise minimum and maximum of `values` over all ranks.
    public func range(of values: [UInt64]) throws -> (minimum: [UInt64], maximum: [UInt64]) {
        guard let backend, !values.isEmpty else { return (values, values) }
        return try backend.range(of: values)
    }

    /// The root's `bytes` on every rank (other ranks pass anything; their value is replaced).
    public func broadcastFromRoot(_ bytes: Data) throws -> Data {
        guard let backend else { return bytes }
        return try backend.broadcastFromRoot(bytes, isRoot: isRoot)
    }

    /// Every rank's `values`, concatenated in rank order, on every rank.
    public func gather(_ values: [Float]) throws -> [Float] {
        guard let backend else { return values }
        return try backend.gather(values)
    }

    /// Every rank's `values`, concatenated in rank order, on every rank.
    public func gather(_ values: [Int64]) throws -> [Int64] {
        guard let backend else { return values }
        return try backend.gather(values)
    }
}

/// The collective operations a distributed run needs, over all processes of the job (MPI's
/// world; `MPIBackend` in a build with the MPI trait).
protocol CollectiveBackend: Sendable {
    func finish()
    func abort(code: Int32)
    func barrier() throws
    func sum(_ values: inout [Float]) throws
    func sum(_ values: inout [Double]) throws
    func range(of values: [UInt64]) throws -> (minimum: [UInt64], maximum: [UInt64])
    func broadcastFromRoot(_ bytes: Data, isRoot: Bool) throws -> Data
    func gather(_ values: [Float]) throws -> [Float]
    func gather(_ values: [Int64]) throws -> [Int64]
}

/// What can go wrong between the processes of a distributed run.
public enum DistributedError: Error, CustomStringConvertible, Equatable {
    /// An MPI call failed (for example because another rank died).
    case mpi(call: String, message: String)
    /// The ranks' parameters differ after a step: the replicas are no longer the same model.
    case replicasDiverged(epoch: Int, parameter: String)
    /// More elements than one MPI message can carry.
    case tooLarge(Int)
    /// Started by `mpirun`, but built without the MPI trait.
    case builtWithoutMPI

    public var description: String {
        switch self {
        case .mpi(let call, let message):
            return "\(call) failed: \(message)"
        case .replicasDiverged(let epoch, let parameter):
            return "after epoch \(epoch) the ranks hold different values of '\(parameter)'; the replicas diverged (a rank computed something else: check that every machine runs the same build on the same data)"
        case .tooLarge(let count):
            return "\(count) elements are too many for one MPI message"
        case .builtWithoutMPI:
            return "started by mpirun, but this train was built without MPI: install Open MPI (apt-get install libopenmpi-dev openmpi-bin) and build with `make` (or `swift build -c release --traits MPI --package-path Tools`)"
        }
    }
}
