/// Vectorised per-row kernels of the fused GRU (see `GRUOp.swift`): the gate non-linearities of one
/// batch row at one time step, forward and backward, eight hidden units at a time.
///
/// Layout of one row of the gate buffer (`3H` floats, PyTorch order): `[r | z | n]`. The forward
/// kernel turns pre-activations into gate values in place; the backward kernel turns gate values
/// into pre-activation gradients in place.

/// Eight lanes: one AVX register, two SSE registers.
typealias GRULanes = SIMD8<Float>

/// Loads `count` (1…8) floats from `p`; missing lanes are zero.
@inline(__always)
func loadLanes(_ p: UnsafePointer<Float>, _ count: Int) -> GRULanes {
    if count == 8 { return UnsafeRawPointer(p).loadUnaligned(as: GRULanes.self) }
    var v = GRULanes()
    for i in 0..<count { v[i] = p[i] }
    return v
}

/// Stores the first `count` (1…8) lanes of `v` at `p`.
@inline(__always)
func storeLanes(_ v: GRULanes, _ p: UnsafeMutablePointer<Float>, _ count: Int) {
    if count == 8 { UnsafeMutableRawPointer(p).storeBytes(of: v, as: GRULanes.self); return }
    for i in 0..<count { p[i] = v[i] }
}

/// `exp(x)` per lane, relative error ≈ 2 ulp: `x = k·ln2 + r` with `|r| ≤ ln2/2`, `exp(r)` by the
/// Cephes degree-6 polynomial, `2^k` built in the exponent bits. Inputs are clamped to [−87, 88]
/// (the result stays a normal float).
@inline(__always)
func fastExp(_ x: GRULanes) -> GRULanes {
    let low = GRULanes(repeating: -87), high = GRULanes(repeating: 88)
    let clamped = x.replacing(with: low, where: x .< low).replacing(with: high, where: x .> high)
    // Adding 1.5·2²³ rounds x·log₂e to an integer k and leaves k in the low mantissa bits.
    let magic = GRULanes(repeating: 12_582_912)
    let shifted = clamped * 1.442_695_04 + magic
    let k = shifted - magic
    let r = clamped - k * 0.693_359_375 + k * 2.121_944_40e-4
    let kBits = unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- 0x4B40_0000
    let scale = unsafeBitCast((kBits &+ 127) &<< 23, to: GRULanes.self)
    var p = GRULanes(repeating: 1.987_569_150_0e-4)
    p = p * r + 1.398_199_950_7e-3
    p = p * r + 8.333_451_907_3e-3
    p = p * r + 4.166_579_589_4e-2
    p = p * r + 1.666_666_545_9e-1
    p = p * r + 5.000_000_120_1e-1
    return (p * r * r + r + 1) * scale
}

/// σ(x) = 1 / (1 + e^(−x)) per lane.
@inline(__always)
func fastSigmoid(_ x: GRULanes) -> GRULanes { 1 / (1 + fastExp(-x)) }

/// tanh(x) = 1 − 2 / (1 + e^(2x)) per lane (absolute error ≈ 1e-7).
@inline(__always)
func fastTanh(_ x: GRULanes) -> GRULanes { 1 - 2 / (1 + fastExp(x + x)) }

/// Forward gates of one row at one step.
///
/// In: `gates` = `W_i· x_t` (`[3H]`, without bias), `recurrent` = `W_h· h_{t−1}` (`[3H]`, without
/// bias), `inputBias` = `[b_ir + b_hr | b_iz + b_hz | b_in]`, `recurrentBiasN` = `b_hn`, `previous` = `h_{t−1}`.
/// Out: `gates` ← `[r | z | n]`, `savedHN` ← `W_hn h_{t−1} + b_hn`, `next` and `output` ← `h_t`, where
/// `r = σ(…)`, `z = σ(…)`, `n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))`, `h_t = n + z ⊙ (h_{t−1} − n)`.
struct GRUForwardRow {
    var hiddenSize: Int
    var gates: UnsafeMutablePointer<Float>, recurrent: UnsafePointer<Float>
    var inputBias: UnsafePointer<Float>, recurrentBiasN: UnsafePointer<Float>
    var previous: UnsafePointer<Float>, next: UnsafeMutablePointer<Float>
    var output: UnsafeMutablePointer<Float>, savedHN: UnsafeMutablePointer<Float>

    @inline(__always)
    func run() {
        var j = 0
        while j + 8 <= hiddenSize { lanes(at: j, count: 8); j += 8 }
        if j < hiddenSize { tail(at: j, count: hiddenSize - j) }
    }

    /// The last `count` < 8 units, kept out of line so that the main loop has no partial lanes.
    @inline(never)
    func tail(at j: Int, count: Int) { lanes(at: j, count: count) }

    @inline(__always)
    func lanes(at j: Int, count c: Int) {
        let h = hiddenSize
        let r = fastSigmoid(loadLanes(gates + j, c) + loadLanes(inputBias + j, c) + loadLanes(recurrent + j, c))
        let z = fastSigmoid(loadLanes(gates + h + j, c) + loadLanes(inputBias + h + j, c)
                            + loadLanes(recurrent + h + j, c))
        let hn = loadLanes(recurrent + 2 * h + j, c) + loadLanes(recurrentBiasN + j, c)
        let n = fastTanh(loadLanes(gates + 2 * h + j, c) + loadLanes(inputBias + 2 * h + j, c) + r * hn)
        let hNew = n + z * (loadLanes(previous + j, c) - n)
        storeLanes(r, gates + j, c)
        storeLanes(z, gates + h + j, c)
        storeLanes(n, gates + 2 * h + j, c)
        storeLanes(hn, savedHN + j, c)
        storeLanes(hNew, next + j, c)
        storeLanes(hNew, output + j, c)
    }
}

/// Backward gates of one row at one step.
///
/// In: `upstream` = ∂loss/∂out_t, `carry` = ∂loss/∂h_t through h_{t+1} (`[H]`), `gates` = `[r | z | n]`,
/// `savedHN` = `W_hn h_{t−1} + b_hn`, `previous` = `h_{t−1}`. With `dh = upstream + carry`:
/// `dn = dh ⊙ (1 − z) ⊙ (1 − n²)`, `dz = dh ⊙ (h_{t−1} − n) ⊙ z(1 − z)`, `dr = dn ⊙ hn ⊙ r(1 − r)` (all
/// pre-activation gradients).
/// Out: `gates` ← `[dr | dz | dn ⊙ r]` (the gradient of the recurrent pre-activations `W_h· h + b_h·`),
/// `savedHN` ← `dn` (the input-side n gradient), `carry` ← `dh ⊙ z` (the direct path to h_{t−1}; the
/// caller adds the recurrent part with one GEMM), `biasSums` (`[4H]`) += `[dr | dz | dn | dn ⊙ r]`.
struct GRUBackwardRow {
    var hiddenSize: Int
    var upstream: UnsafePointer<Float>, carry: UnsafeMutablePointer<Float>
    var gates: UnsafeMutablePointer<Float>, savedHN: UnsafeMutablePointer<Float>
    var previous: UnsafePointer<Float>, biasSums: UnsafeMutablePointer<Float>

    @inline(__always)
    func run() {
        var j = 0
        while j + 8 <= hiddenSize { lanes(at: j, count: 8); j += 8 }
        if j < hiddenSize { tail(at: j, count: hiddenSize - j) }
    }

    /// The last `count` < 8 units, kept out of line so that the main loop has no partial lanes.
    @inline(never)
    func tail(at j: Int, count: Int) { lanes(at: j, count: count) }

    @inline(__always)
    func lanes(at j: Int, count c: Int) {
        let h = hiddenSize
        let dh = loadLanes(upstream + j, c) + loadLanes(carry + j, c)
        let r = loadLanes(gates + j, c)
        let z = loadLanes(gates + h + j, c)
        let n = loadLanes(gates + 2 * h + j, c)
        let hn = loadLanes(savedHN + j, c)
        let dn = dh * (1 - z) * (1 - n * n)
        let dz = dh * (loadLanes(previous + j, c) - n) * z * (1 - z)
        let dr = dn * hn * r * (1 - r)
        let dnr = dn * r
        storeLanes(dr, gates + j, c)
        storeLanes(dz, gates + h + j, c)
        storeLanes(dnr, gates + 2 * h + j, c)
        storeLanes(dn, savedHN + j, c)
        storeLanes(dh * z, carry + j, c)
        storeLanes(loadLanes(biasSums + j, c) + dr, biasSums + j, c)
        storeLanes(loadLanes(biasSums + h + j, c) + dz, biasSums + h + j, c)
        storeLanes(loadLanes(biasSums + 2 * h + j, c) + dn, biasSums + 2 * h + j, c)
        storeLanes(loadLanes(biasSums + 3 * h + j, c) + dnr, biasSums + 3 * h + j, c)
    }
}
