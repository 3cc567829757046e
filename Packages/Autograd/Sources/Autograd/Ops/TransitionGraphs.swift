import Tensor

/// The session graphs of SRGNN (SeqModels' `SessionGraph(itemSeq:)`) for left-padded histories
/// `itemSeq [B, L]`, exactly as the reference builds them (SeqModels README § Batches the models read),
/// per row `seq [L]`:
/// - `uniqueItems`: the sorted distinct values of the row (0 included when present), zero-filled to L;
/// - `alias[t]`: the index of `seq[t]` in `uniqueItems`;
/// - for consecutive positions `t, t+1` with `u = alias[t]`, `v = alias[t+1]`: the pair is skipped
///   when `u == 0` or `v == 0` (alias 0 is the smallest value, which is a real item when the row
///   has no padding — the reference skips it all the same), else `M[u][v] = 1`;
/// - column sums `c[j] = Σ_i M[i][j]`, row sums `r[j] = Σ_k M[j][k]` (zeros replaced by 1),
///   `A_in[i][j] = M[i][j] / c[j]`, `A_out[i][j] = M[j][i] / r[j]`, and
///   `adjacency = concat([A_in, A_out], axis 0)ᵀ` `[L, 2L]`, i.e.
///   `A[i][j] = M[j][i] / c[i]` and `A[i][L + j] = M[i][j] / r[i]`.
///
/// Runs in O(L log L) per row with scratch space reused across rows (it is on SRGNN's training
/// hot path: the encoder builds the graph of every batch it is given without one). Returns
/// `uniqueItems [B, L]`, `alias [B, L]` and `adjacency [B, L, 2L]`.
public func transitionGraphs(of itemSeq: IndexTensor) -> (uniqueItems: IndexTensor, alias: IndexTensor, adjacency: Tensor) {
    precondition(itemSeq.rank == 2, "item_seq must be [B, L], got \(itemSeq.shape)")
    let (rows, length) = (itemSeq.shape[0], itemSeq.shape[1])
    var unique = [Int](repeating: 0, count: rows * length)
    var alias = [Int](repeating: 0, count: rows * length)
    var workspace = TransitionGraphWorkspace(length: length)
    let block = 2 * length * length
    let adjacency = Tensor(shape: [rows, length, 2 * length], unsafeUninitializedScalars: { adjacency in
        adjacency.initialize(repeating: 0)
        itemSeq.indices.withUnsafeBufferPointer { sequences in
            unique.withUnsafeMutableBufferPointer { unique in
                alias.withUnsafeMutableBufferPointer { alias in
                    for b in 0..<rows {
                        let rowRange = b * length ..< (b + 1) * length
                        workspace.fill(sequence: UnsafeBufferPointer(rebasing: sequences[rowRange]),
                                       unique: UnsafeMutableBufferPointer(rebasing: unique[rowRange]),
                                       alias: UnsafeMutableBufferPointer(rebasing: alias[rowRange]),
                                       adjacency: UnsafeMutableBufferPointer(rebasing: adjacency[b * block ..< (b + 1) * block]))
                    }
                }
            }
        }
    })
    return (IndexTensor(shape: [rows, length], indices: unique), IndexTensor(shape: [rows, length], indices: alias), adjacency)
}

/// Scratch space of `transitionGraphs(of:)`, reused across rows so that building a batch allocates
/// nothing per row.
private struct TransitionGraphWorkspace {
    var sorted: [Int]
    var edges: [Int]
    var inDegree: [Int32]
    var outDegree: [Int32]

    init(length: Int) {
        sorted = [Int](repeating: 0, count: length)
        edges = []
        edges.reserveCapacity(length)
        inDegree = [Int32](repeating: 0, count: length)
        outDegree = [Int32](repeating: 0, count: length)
    }

    /// Fills one row's `unique [L]`, `alias [L]` and `adjacency [L, 2L]` (which must be zero on entry).
    mutating func fill(sequence: UnsafeBufferPointer<Int>, unique: UnsafeMutableBufferPointer<Int>,
                       alias: UnsafeMutableBufferPointer<Int>, adjacency: UnsafeMutableBufferPointer<Float>) {
        let length = sequence.count
        // Sorted distinct values.
        for t in 0..<length { sorted[t] = sequence[t] }
        sorted.sort()
        var distinct = 0
        for t in 0..<length where t == 0 || sorted[t] != sorted[t - 1] {
            sorted[distinct] = sorted[t]
            distinct += 1
        }
        for t in 0..<length { unique[t] = t < distinct ? sorted[t] : 0 }
        // Alias by binary search in the distinct prefix.
        for t in 0..<length {
            let value = sequence[t]
            var low = 0, high = distinct - 1
            while low < high {
                let mid = (low + high) / 2
                if sorted[mid] < value { low = mid + 1 } else { high = mid }
            }
            alias[t] = low
        }
        // Distinct edges u → v as keys u·L + v.
        edges.removeAll(keepingCapacity: true)
        if length > 1 {
            for t in 0..<(length - 1) {
                let u = alias[t], v = alias[t + 1]
                if u == 0 || v == 0 { continue }
                edges.append(u * length + v)
            }
        }
        edges.sort()
        for index in 0..<length {
            inDegree[index] = 0
            outDegree[index] = 0
        }
        var previous = -1
        var count = 0
        for index in edges.indices where edges[index] != previous {
            let key = edges[index]
            previous = key
            edges[count] = key
            count += 1
            outDegree[key / length] += 1
            inDegree[key % length] += 1
        }
        let width = 2 * length
        for index in 0..<count {
            let key = edges[index]
            let u = key / length, v = key % length
            adjacency[v * width + u] = 1 / Float(inDegree[v])
            adjacency[u * width + length + v] = 1 / Float(outDegree[u])
        }
    }
}
