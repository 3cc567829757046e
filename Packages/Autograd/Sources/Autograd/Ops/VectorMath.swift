/// Eight-lane vector helpers for element-wise kernels written in Swift (the GELU kernel): partial
/// loads and stores, and a fast exponential. The fused GRU's gate kernels are in C
/// (`Sources/CAutogradKernels`) with the same exponential, so that they can use AVX2.

/// Eight lanes: one AVX register, two SSE registers.
typealias FloatLanes = SIMD8<Float>

/// Loads `count` (1…8) floats from `p`; missing lanes are zero.
@inline(__always)
func loadLanes(_ p: UnsafePointer<Float>, _ count: Int) -> FloatLanes {
    if count == 8 { return UnsafeRawPointer(p).loadUnaligned(as: FloatLanes.self) }
    var v = FloatLanes()
    for i in 0..<count { v[i] = p[i] }
    return v
}

/// Stores the first `count` (1…8) lanes of `v` at `p`.
@inline(__always)
func storeLanes(_ v: FloatLanes, _ p: UnsafeMutablePointer<Float>, _ count: Int) {
    if count == 8 { UnsafeMutableRawPointer(p).storeBytes(of: v, as: FloatLanes.self); return }
    for i in 0..<count { p[i] = v[i] }
}

/// `exp(x)` per lane, relative error ≈ 2 ulp: `x = k·ln2 + r` with `|r| ≤ ln2/2`, `exp(r)` by the
/// Cephes degree-6 polynomial, `2^k` built in the exponent bits. Inputs are clamped to [−87, 88]
/// (the result stays a normal float).
@inline(__always)
func fastExp(_ x: FloatLanes) -> FloatLanes {
    let low = FloatLanes(repeating: -87), high = FloatLanes(repeating: 88)
    let clamped = x.replacing(with: low, where: x .< low).replacing(with: high, where: x .> high)
    // Adding 1.5·2²³ rounds x·log₂e to an integer k and leaves k in the low mantissa bits.
    let magic = FloatLanes(repeating: 12_582_912)
    let shifted = clamped * 1.442_695_04 + magic
    let k = shifted - magic
    let r = clamped - k * 0.693_359_375 + k * 2.121_944_40e-4
    let kBits = unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- 0x4B40_0000
    let scale = unsafeBitCast((kBits &+ 127) &<< 23, to: FloatLanes.self)
    var p = FloatLanes(repeating: 1.987_569_150_0e-4)
    p = p * r + 1.398_199_950_7e-3
    p = p * r + 8.333_451_907_3e-3
    p = p * r + 4.166_579_589_4e-2
    p = p * r + 1.666_666_545_9e-1
    p = p * r + 5.000_000_120_1e-1
    return (p * r * r + r + 1) * scale
}
