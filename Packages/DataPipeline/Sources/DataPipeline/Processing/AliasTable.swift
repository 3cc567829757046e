import Tensor

/// Walker's alias method: draws index `i` with probability `weights[i] / Σ weights` in O(1)
/// with one uniform number, after an O(n) build (Vose's construction).
///
/// Each slot `k` holds a threshold `keep[k]` and an `alias[k]`: with `u ~ U[0, n)`,
/// `k = ⌊u⌋`, the draw is `k` if `u − k < keep[k]`, else `alias[k]`. The popularity-weighted
/// negative pools draw millions of times, where a binary search over cumulative weights would
/// dominate the sampling time.
struct AliasTable: Sendable {
    let keep: [Double]
    let alias: [Int32]

    /// - Precondition: weights are non-negative with a positive sum.
    init(weights: [Double]) {
        let n = weights.count
        let total = weights.reduce(0, +)
        precondition(n > 0 && total > 0, "AliasTable needs a positive total weight")
        var scaled = weights.map { $0 * Double(n) / total }
        var keep = [Double](repeating: 1, count: n)
        var alias = (0..<n).map { Int32($0) }
        var small: [Int] = [], large: [Int] = []
        for index in 0..<n {
            if scaled[index] < 1 { small.append(index) } else { large.append(index) }
        }
        while let less = small.popLast(), let more = large.last {
            keep[less] = scaled[less]
            alias[less] = Int32(more)
            scaled[more] -= 1 - scaled[less]
            if scaled[more] < 1 {
                large.removeLast()
                small.append(more)
            }
        }
        // Leftovers (rounding) keep themselves with probability 1.
        self.keep = keep
        self.alias = alias
    }

    var count: Int { keep.count }

    /// One index drawn from the weights.
    @inline(__always)
    func sample(using rng: inout SeededGenerator) -> Int {
        let u = rng.nextDouble() * Double(keep.count)
        let slot = min(Int(u), keep.count - 1)
        return u - Double(slot) < keep[slot] ? slot : Int(alias[slot])
    }
}
