import Tensor

extension SessionGraph {
    /// Builds SRGNN's graphs from left-padded histories `itemSeq [B, L]` exactly as the reference does
    /// (DataPipeline README § Batches), per row:
    /// - `uniqueItems`: the sorted distinct values of the row (0 included when present), zero-filled to L;
    /// - `alias`: each position's index in `uniqueItems`;
    /// - for consecutive positions with alias values (u, v), both non-zero, `M[u][v] = 1`; with
    ///   column sums `c` and row sums `r` (zeros replaced by 1), `A_in[i][j] = M[i][j] / c[j]`,
    ///   `A_out[i][j] = M[j][i] / r[j]`, and `adjacency = concat([A_in, A_out], axis 0)ᵀ` `[L, 2L]`.
    public init(itemSeq: IndexTensor) {
        precondition(itemSeq.rank == 2, "item_seq must be [B, L], got \(itemSeq.shape)")
        let (rows, length) = (itemSeq.shape[0], itemSeq.shape[1])
        var unique = [Int](repeating: 0, count: rows * length)
        var alias = [Int](repeating: 0, count: rows * length)
        var adjacency = Tensor.zeros([rows, length, 2 * length])
        var edges = [Float](repeating: 0, count: length * length)
        adjacency.scalars.withUnsafeMutableBufferPointer { out in
            for row in 0..<rows {
                let items = itemSeq.indices[(row * length)..<((row + 1) * length)]
                let distinct = Array(Set(items)).sorted()
                var position: [Int: Int] = [:]
                for (index, item) in distinct.enumerated() {
                    unique[row * length + index] = item
                    position[item] = index
                }
                let rowAlias = items.map { position[$0]! }
                for (t, a) in rowAlias.enumerated() { alias[row * length + t] = a }

                for i in edges.indices { edges[i] = 0 }
                for (u, v) in zip(rowAlias, rowAlias.dropFirst()) where u != 0 && v != 0 {
                    edges[u * length + v] = 1
                }
                var columnSums = [Float](repeating: 0, count: length)
                var rowSums = [Float](repeating: 0, count: length)
                for i in 0..<length {
                    for j in 0..<length {
                        columnSums[j] += edges[i * length + j]
                        rowSums[i] += edges[i * length + j]
                    }
                }
                for j in 0..<length {
                    if columnSums[j] == 0 { columnSums[j] = 1 }
                    if rowSums[j] == 0 { rowSums[j] = 1 }
                }
                // adjacency[row][i][j] = A_in[j][i] = M[j][i] / c[i];  adjacency[row][i][L + j] = A_out[j][i] = M[i][j] / r[i].
                let base = row * length * 2 * length
                for i in 0..<length {
                    for j in 0..<length {
                        out[base + i * 2 * length + j] = edges[j * length + i] / columnSums[i]
                        out[base + i * 2 * length + length + j] = edges[i * length + j] / rowSums[i]
                    }
                }
            }
        }
        self.init(uniqueItems: IndexTensor(shape: [rows, length], indices: unique),
                  alias: IndexTensor(shape: [rows, length], indices: alias), adjacency: adjacency)
    }
}
