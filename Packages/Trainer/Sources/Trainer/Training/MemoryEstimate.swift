import Foundation

/// A coarse upper estimate of the memory a run needs, checked before anything is allocated or
/// written, so that sizes no machine can hold (a corrupted `user_num`, `--MAX_SEQ_LEN=100000`)
/// end in an error naming the setting instead of an allocation failure.
///
/// - tables: `(user_num + item_num) × D` floats, four times (value, gradient, two Adam buffers);
/// - activations of a training step: `batch_size × MAX_SEQ_LEN × max(D, hidden_size)` floats times
///   32, an allowance for the intermediate tensors the encoders keep for the backward pass, plus
///   `batch_size × n_heads × MAX_SEQ_LEN²` floats times 4 for attention; an evaluation step
///   (`eval_batch_size`, no backward pass) is counted with a quarter of those factors, and the
///   larger of the two is used.
/// A run is refused only when the estimate exceeds the machine's physical memory: the check is
/// for sizes that are wrong by orders of magnitude, not a precise budget.
struct MemoryEstimate {
    var tableBytes: Double
    var activationBytes: Double
    /// The setting that dominates the estimate, for the error message.
    var dominantSetting: String

    init(config: Configuration, settings: TrainingSettings) throws {
        let dimension = Double(try config.int("embedding_size"))
        let hidden = config.contains("hidden_size") ? Double(try config.int("hidden_size")) : dimension
        let heads = config.contains("n_heads") ? Double(try config.int("n_heads")) : 1
        let rows = Double(try config.int("user_num")) + Double(try config.int("item_num"))
        let length = Double(settings.maxSeqLen)
        func activations(rows batch: Double, factor: Double) -> Double {
            batch * length * max(dimension, hidden) * 4 * 32 * factor + batch * heads * length * length * 4 * 4 * factor
        }
        tableBytes = rows * dimension * 4 * 4
        activationBytes = max(activations(rows: Double(settings.batchSize), factor: 1),
                              activations(rows: Double(settings.evalBatchSize), factor: 0.25))
        dominantSetting = tableBytes > activationBytes
            ? "user_num + item_num = \(Int(rows)) (embedding tables of \(Int(dimension)) floats per row)"
            : "MAX_SEQ_LEN = \(settings.maxSeqLen) with batch_size \(settings.batchSize) and eval_batch_size \(settings.evalBatchSize)"
    }

    var totalBytes: Double { tableBytes + activationBytes }

    /// Throws when the estimate exceeds `available` bytes (default: the machine's physical memory).
    func check(available: Double = Double(ProcessInfo.processInfo.physicalMemory)) throws {
        guard totalBytes > available else { return }
        throw TrainerError.invalidSetting(
            "\(dominantSetting) would need about \(Self.format(totalBytes)) of memory, more than this machine's \(Self.format(available)); lower the setting (or check the data's stats.json)")
    }

    static func format(_ bytes: Double) -> String {
        bytes >= 1e12 ? String(format: "%.1f TB", bytes / 1e12) : String(format: "%.1f GB", bytes / 1e9)
    }
}
