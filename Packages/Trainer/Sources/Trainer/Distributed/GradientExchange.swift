import Autograd
import Foundation
import Tensor

/// Averages one global batch's gradients over the ranks, so that every replica takes the same
/// optimiser step as a single process training on the whole batch.
///
/// Rank r trains on n_r of the batch's B rows and its loss is the mean over its rows, so its
/// gradient is g_r = (1/n_r) Σ_{i ∈ r} ∇ℓ_i. The single-process gradient (1/B) Σ_i ∇ℓ_i equals
/// Σ_r (n_r / B) · g_r: each rank scales its gradients (and loss) by n_r / B and the ranks sum them.
///
/// One exchange is two or three all-reduces:
/// 1. a header: per trainable parameter, whether any rank has a gradient for it (a parameter no
///    rank touched keeps no gradient, exactly as in one process), and the batch loss;
/// 2. the gradients of the touched parameters, flattened into one buffer;
/// 3. with `.touchedRows`, the large embedding tables (2-D, at least `tableRowThreshold` rows)
///    leave step 2 and send only the rows some rank's gradient touched: the ranks gather each
///    other's row ids, then sum those rows. A step over B rows touches at most
///    B · (L + C) item rows of a table that can hold millions.
struct GradientExchange {
    /// How the large embedding tables' gradients travel.
    enum TableExchange: String, Sendable {
        /// The whole [V, D] gradient in the all-reduce.
        case dense
        /// Only the rows some rank touched (their ids first, then their values).
        case touchedRows = "touched-rows"

        /// `ADARANKER_TABLE_EXCHANGE` (`dense` or `touched-rows`), default `touched-rows`.
        static func fromEnvironment() -> TableExchange {
            ProcessInfo.processInfo.environment["ADARANKER_TABLE_EXCHANGE"].flatMap(TableExchange.init(rawValue:)) ?? .touchedRows
        }
    }

    /// 2-D parameters with at least this many rows count as embedding tables.
    /// (`ADARANKER_TABLE_EXCHANGE=dense` sends them whole, for comparison.)
    static let tableRowThreshold = 1024

    let group: ProcessGroup
    let parameters: [(name: String, parameter: Parameter)]
    let tables: TableExchange
    /// Bytes this rank put into all-reduces and gathers (header, gradients, row ids) since this was
    /// last reset; the trainer logs it per step after each epoch.
    var payloadBytes = 0
    /// Seconds spent in `averageGradients` since this was last reset (waiting for the slowest
    /// rank included).
    var seconds = 0.0

    init(group: ProcessGroup, parameters: [(String, Parameter)], tables: TableExchange = .touchedRows) {
        self.group = group
        self.parameters = parameters.filter { $0.1.requiresGrad }.map { (name: $0.0, parameter: $0.1) }
        self.tables = tables
    }

    /// Replaces every trainable parameter's gradient by the batch average over all ranks and
    /// returns the batch loss. `localRows` of the batch's `globalRows` were this rank's
    /// (0 when its share was empty: it contributes nothing).
    mutating func averageGradients(localRows: Int, globalRows: Int, localLoss: Float) throws -> Float {
        let start = Date()
        defer { seconds += Date().timeIntervalSince(start) }
        let weight = globalRows > 0 ? Float(localRows) / Float(globalRows) : 0
        var header = parameters.map { $0.parameter.grad == nil ? Float(0) : 1 }
        header.append(localRows > 0 ? localLoss * weight : 0)
        try group.sum(&header)
        let touched = parameters.indices.filter { header[$0] > 0 }
        let sparse = touched.filter { tables == .touchedRows && isTable(parameters[$0].parameter) }
        let dense = touched.filter { !sparse.contains($0) }
        payloadBytes += 4 * header.count
        try sumDense(dense, weight: weight)
        for index in sparse { try sumTouchedRows(of: parameters[index].parameter, weight: weight) }
        for index in parameters.indices where header[index] == 0 { parameters[index].parameter.grad = nil }
        return header[header.count - 1]
    }

    private func isTable(_ parameter: Parameter) -> Bool {
        parameter.value.shape.count == 2 && parameter.value.shape[0] >= Self.tableRowThreshold
    }

    /// Sums the scaled gradients of `indices` in one flat all-reduce.
    private mutating func sumDense(_ indices: [Int], weight: Float) throws {
        let total = indices.reduce(0) { $0 + parameters[$1].parameter.value.count }
        guard total > 0 else { return }
        var buffer = [Float](repeating: 0, count: total)
        var offset = 0
        for index in indices {
            let parameter = parameters[index].parameter
            if let grad = parameter.grad {
                for (k, g) in grad.scalars.enumerated() { buffer[offset + k] = g * weight }
            }
            offset += parameter.value.count
        }
        try group.sum(&buffer)
        payloadBytes += 4 * total
        offset = 0
        for index in indices {
            let parameter = parameters[index].parameter
            let count = parameter.value.count
            parameter.grad = Tensor(shape: parameter.value.shape, scalars: Array(buffer[offset ..< offset + count]))
            offset += count
        }
    }

    /// Sums only the rows of `table`'s gradient that some rank touched (non-zero rows).
    private mutating func sumTouchedRows(of table: Parameter, weight: Float) throws {
        let rowCount = table.value.shape[0], width = table.value.shape[1]
        var localRows: [Int64] = []
        if let grad = table.grad {
            grad.scalars.withUnsafeBufferPointer { g in
                for row in 0..<rowCount where g[row * width ..< (row + 1) * width].contains(where: { $0 != 0 }) {
                    localRows.append(Int64(row))
                }
            }
        }
        let rows = Array(Set(try group.gather(localRows))).sorted()
        var packed = [Float](repeating: 0, count: rows.count * width)
        if let grad = table.grad {
            grad.scalars.withUnsafeBufferPointer { g in
                for (k, row) in rows.enumerated() {
                    let source = Int(row) * width
                    for j in 0..<width { packed[k * width + j] = g[source + j] * weight }
                }
            }
        }
        try group.sum(&packed)
        payloadBytes += 8 * localRows.count + 4 * packed.count
        var full = [Float](repeating: 0, count: rowCount * width)
        for (k, row) in rows.enumerated() {
            let destination = Int(row) * width
            for j in 0..<width { full[destination + j] = packed[k * width + j] }
        }
        table.grad = Tensor(shape: table.value.shape, scalars: full)
    }
}
