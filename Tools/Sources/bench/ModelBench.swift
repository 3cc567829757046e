import AdaLayers
import Autograd
import Foundation
import SeqModels
import Tensor

/// Which models, modes and lengths the `model` case runs (`--models`, `--modes`, `--lengths`,
/// `--requests`); the defaults run everything.
struct ModelBenchOptions {
    /// Encoders by reference name (`MF`, `GRU4Rec`, …).
    var models: [ModelName] = ModelName.allCases
    /// Base and/or Ada-Ranker.
    var modes: [TrainType] = TrainType.allCases
    /// History lengths L of the training-step measurements (an empty list skips training).
    var lengths: [Int] = [50, 200]
    /// Single requests timed for the latency percentiles (0 skips the latency measurement).
    var requests = 2000
    /// Whether to print the Markdown summary table after the measurements (`--table`).
    var table = false
    /// Whether the table sets each cell against PyTorch's figures from issue 12 (`--compare`).
    var compare = false
}

/// Full training steps and single-request latency of every ranking model at the reference's sizes:
/// D = 64, 20 candidates (positive + 19 negatives), item table 10,677 rows, user table 69,879 rows.
///
/// - Training step (training mode: dropout on, Ada-Ranker samples z): forward, BCE loss, backward,
///   and one dense Adam step over every parameter (both embedding tables included, as PyTorch's
///   Adam does), on synthetic batches of B = 1024 (Base) / 2048 (Ada-Ranker) rows with histories of
///   length L. Reported as samples (rows) per second from the median step time, plus the process
///   CPU time and page faults per step.
/// - Single request (evaluation mode, no graph): `scores` for B = 1, 20 candidates, L = 50;
///   p50 and p99 of the wall time over `requests` calls, after a warm-up, plus the p50 of the
///   calling thread's CPU time (close to the idle-machine latency when the machine is shared).
///
/// Histories are left-padded with random true lengths in 1…L (items 1 ..< 10,677); SRGNN's session
/// graphs are built with the batch (outside the timed step, as a data loader would).
struct ModelBench: BenchCase {
    let name = "model"
    let summary = "training step (fwd+BCE+bwd+Adam), B 1024/2048, L 50/200, samples/s; single request p50/p99"
    /// A full run takes tens of minutes: only with `--case model`.
    let runsByDefault = false

    static let itemCount = 10_677
    static let userCount = 69_879
    static let candidateCount = 20
    static let latencyLength = 50

    func run(_ context: BenchContext) throws {
        let options = context.modelOptions
        var table = ModelBenchTable()
        for model in options.models {
            for mode in options.modes {
                let batchSize = mode == .base ? 1024 : 2048
                for length in options.lengths {
                    let samples = try measureTraining(model: model, mode: mode, batchSize: batchSize, length: length, context: context)
                    if length == 50 { table.record(model, mode) { $0.trainL50 = samples } }
                    if length == 200 { table.record(model, mode) { $0.trainL200 = samples } }
                }
                if options.requests > 0 {
                    let p50 = try measureLatency(model: model, mode: mode, requests: options.requests, context: context)
                    table.record(model, mode) { $0.requestP50 = p50 * 1e6 }
                }
            }
        }
        if options.table {
            print("\nthreads \(context.threads)" + (options.compare ? "; PyTorch figures quoted from issue 12 (PyTorch 2.15, this machine, 2 threads)" : "") + ":\n")
            table.markdown(compare: options.compare).forEach { print($0) }
        }
    }

    /// A model at the benchmark's table sizes, initialised from seed 2020.
    static func makeModel(_ model: ModelName, mode: TrainType, length: Int) throws -> any RankingModel {
        let config = ModelConfig(model: model, trainType: mode, maxSeqLen: length,
                                 itemNum: itemCount, userNum: userCount)
        return try makeRankingModel(config: config)
    }

    /// `label` for a report line, e.g. `GRU4Rec Ada B=2048 L=50`.
    static func label(_ model: ModelName, _ mode: TrainType, _ rest: String) -> String {
        "\(model.rawValue) \(mode == .base ? "Base" : "Ada") \(rest)"
    }

    /// Times training steps of `name` in `mode` and reports them; returns samples per second.
    @discardableResult
    func measureTraining(model name: ModelName, mode: TrainType, batchSize: Int, length: Int,
                         context: BenchContext) throws -> Double {
        let model = try Self.makeModel(name, mode: mode, length: length)
        model.train()
        let optimizer = Adam(parameters: model.namedParameters(), learningRate: 1e-3)
        var rng = SeededGenerator(seed: UInt64(length * 31 + batchSize))
        // Two batches, alternated, so consecutive steps do not see identical inputs.
        let batches = (0..<2).map { _ in
            Self.syntheticBatch(rows: batchSize, length: length, withGraph: name == .srgnn, rng: &rng)
        }
        var stepIndex = 0
        func step() {
            let loss = model.loss(batches[stepIndex % batches.count])
            loss.backward()
            optimizer.step()
            optimizer.zeroGrad()
            stepIndex += 1
        }
        step()   // the first step allocates the optimiser state and grows the heap
        let (cpuStart, faultsStart, stepsBefore) = (processCPUSeconds(), processPageFaults(), stepIndex)
        let seconds = context.measure(minimumRunSeconds: 0, step)
        let steps = Double(stepIndex - stepsBefore)
        let cpu = (processCPUSeconds() - cpuStart) / steps
        let faults = Double(processPageFaults() - faultsStart) / steps
        let label = Self.label(name, mode, "train B=\(batchSize) L=\(length)")
        context.report(label: label, seconds: seconds, throughput: (Double(batchSize) / seconds, "samples/s"))
        context.report(label: label + " (cpu)", seconds: cpu, throughput: (faults, "page faults/step"))
        return Double(batchSize) / seconds
    }

    /// Times single requests of `name` in `mode` and reports them; returns the p50 wall time in seconds.
    @discardableResult
    func measureLatency(model name: ModelName, mode: TrainType, requests: Int, context: BenchContext) throws -> Double {
        let model = try Self.makeModel(name, mode: mode, length: Self.latencyLength)
        model.eval()
        var rng = SeededGenerator(seed: 99)
        let pool = (0..<64).map { _ in
            Self.syntheticBatch(rows: 1, length: Self.latencyLength, withGraph: name == .srgnn, rng: &rng)
        }
        var sink: Float = 0
        for i in 0..<min(200, requests) { sink += model.scores(pool[i % pool.count]).scalars[0] }
        var wall = [Double](repeating: 0, count: requests)
        var cpu = [Double](repeating: 0, count: requests)
        for i in 0..<requests {
            let request = pool[i % pool.count]
            let cpuStart = threadCPUSeconds()
            wall[i] = BenchContext.time { sink += model.scores(request).scalars[0] }
            cpu[i] = threadCPUSeconds() - cpuStart
        }
        if sink.isNaN { print("unexpected NaN score") }
        let label = Self.label(name, mode, "request B=1 L=\(Self.latencyLength)")
        context.report(label: label + " p50", seconds: Self.percentile(wall, 0.50), throughput: nil)
        context.report(label: label + " p99", seconds: Self.percentile(wall, 0.99), throughput: nil)
        context.report(label: label + " p50 (thread cpu)", seconds: Self.percentile(cpu, 0.50), throughput: nil)
        return Self.percentile(wall, 0.50)
    }

    /// The `fraction` quantile of `values` (nearest rank).
    static func percentile(_ values: [Double], _ fraction: Double) -> Double {
        let sorted = values.sorted()
        let rank = Int((Double(sorted.count) * fraction).rounded(.up))
        return sorted[min(sorted.count - 1, max(0, rank - 1))]
    }

    /// A random batch: users uniform over the table, histories of random true length in 1…L
    /// (left-padded with 0), candidates `[positive, 19 negatives]` uniform over items 1 ..< I.
    static func syntheticBatch(rows: Int, length: Int, withGraph: Bool, rng: inout SeededGenerator) -> RankingBatch {
        var users = [Int](repeating: 0, count: rows)
        var lengths = [Int](repeating: 0, count: rows)
        var history = [Int](repeating: 0, count: rows * length)
        var candidates = [Int](repeating: 0, count: rows * candidateCount)
        for row in 0..<rows {
            users[row] = rng.nextInt(below: userCount)
            let trueLength = 1 + rng.nextInt(below: length)
            lengths[row] = trueLength
            for t in (length - trueLength)..<length { history[row * length + t] = 1 + rng.nextInt(below: itemCount - 1) }
            for c in 0..<candidateCount { candidates[row * candidateCount + c] = 1 + rng.nextInt(below: itemCount - 1) }
        }
        let itemSeq = IndexTensor(shape: [rows, length], indices: history)
        return RankingBatch(userIds: IndexTensor(shape: [rows], indices: users), itemSeq: itemSeq,
                            itemSeqLen: IndexTensor(shape: [rows], indices: lengths),
                            candidates: IndexTensor(shape: [rows, candidateCount], indices: candidates),
                            graph: withGraph ? SessionGraph(itemSeq: itemSeq) : nil)
    }
}

/// CPU time of the calling thread, in seconds (excludes time spent descheduled, so it shows what a
/// single-threaded request costs on an idle core even when the machine is busy).
func threadCPUSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
}

/// Page faults (minor + major) of the whole process so far.
func processPageFaults() -> Int {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return usage.ru_minflt + usage.ru_majflt
}

/// User + system CPU time of the whole process, in seconds.
func processCPUSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
}
