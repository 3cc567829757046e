/// SRGNN's per-row session graph, built exactly like the reference (DataPipeline README § Batches).
///
/// For one padded row `seq [L]`:
/// - `uni` = sorted distinct values of `seq` (0 included when present), zero-filled to `L`;
/// - `alias[t]` = index of `seq[t]` in `uni`;
/// - for consecutive positions `t, t+1` with `u = alias[t]`, `v = alias[t+1]`: skip the pair if
///   `u == 0` or `v == 0` (note: alias 0 is the smallest value, which is a real item when the
///   row has no padding — the reference skips it all the same), else `M[u][v] = 1`;
/// - column sums `c[j] = Σ_i M[i][j]`, row sums `r[j] = Σ_k M[j][k]`, zeros replaced by 1;
/// - `A_in[i][j] = M[i][j] / c[j]`, `A_out[i][j] = M[j][i] / r[j]`, and
///   `A = concat([A_in, A_out], dim 0)ᵀ` of shape `[L, 2L]`, i.e.
///   `A[i][j] = M[j][i] / c[i]` and `A[i][L + j] = M[i][j] / r[i]`.
enum SRGNNGraph {
    /// Scratch space reused across rows, so building a batch allocates nothing per row.
    struct Workspace {
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
    }

    /// Fills one row's `uni [L]`, `alias [L]` and `A [L, 2L]` (which must be zero on entry).
    static func fill(sequence: UnsafeBufferPointer<Int>, uni: UnsafeMutableBufferPointer<Int>,
                     alias: UnsafeMutableBufferPointer<Int>, adjacency: UnsafeMutableBufferPointer<Float>,
                     workspace: inout Workspace) {
        let length = sequence.count
        // Sorted distinct values.
        for t in 0..<length { workspace.sorted[t] = sequence[t] }
        workspace.sorted.sort()
        var distinct = 0
        for t in 0..<length where t == 0 || workspace.sorted[t] != workspace.sorted[t - 1] {
            workspace.sorted[distinct] = workspace.sorted[t]
            distinct += 1
        }
        for t in 0..<length { uni[t] = t < distinct ? workspace.sorted[t] : 0 }
        // Alias by binary search in the distinct prefix.
        for t in 0..<length {
            let value = sequence[t]
            var low = 0, high = distinct - 1
            while low < high {
                let mid = (low + high) / 2
                if workspace.sorted[mid] < value { low = mid + 1 } else { high = mid }
            }
            alias[t] = low
        }
        // Distinct edges u → v as keys u·L + v.
        workspace.edges.removeAll(keepingCapacity: true)
        if length > 1 {
            for t in 0..<(length - 1) {
                let u = alias[t], v = alias[t + 1]
                if u == 0 || v == 0 { continue }
                workspace.edges.append(u * length + v)
            }
        }
        workspace.edges.sort()
        for index in 0..<length {
            workspace.inDegree[index] = 0
            workspace.outDegree[index] = 0
        }
        var previous = -1
        var unique = 0
        for key in workspace.edges where key != previous {
            previous = key
            workspace.edges[unique] = key
            unique += 1
            workspace.outDegree[key / length] += 1
            workspace.inDegree[key % length] += 1
        }
        let width = 2 * length
        for index in 0..<unique {
            let key = workspace.edges[index]
            let u = key / length, v = key % length
            adjacency[v * width + u] = 1 / Float(workspace.inDegree[v])
            adjacency[u * width + length + v] = 1 / Float(workspace.outDegree[u])
        }
    }
}
