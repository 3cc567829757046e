/// The vector kernels of word2vec on raw `Float` rows of length `n`.
///
/// Written as plain loops that LLVM vectorises in release builds; the dot product keeps eight
/// independent partial sums (lane `d mod 8`) so that it vectorises without fast-math, and sums
/// them pairwise in a fixed order, so results are deterministic.
enum Word2VecVectorMath {
    /// `Σ_d a[d] · b[d]`.
    @inline(__always)
    static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
        var s0: Float = 0, s1: Float = 0, s2: Float = 0, s3: Float = 0
        var s4: Float = 0, s5: Float = 0, s6: Float = 0, s7: Float = 0
        var d = 0
        while d &+ 8 <= n {
            s0 += a[d] * b[d]
            s1 += a[d &+ 1] * b[d &+ 1]
            s2 += a[d &+ 2] * b[d &+ 2]
            s3 += a[d &+ 3] * b[d &+ 3]
            s4 += a[d &+ 4] * b[d &+ 4]
            s5 += a[d &+ 5] * b[d &+ 5]
            s6 += a[d &+ 6] * b[d &+ 6]
            s7 += a[d &+ 7] * b[d &+ 7]
            d &+= 8
        }
        var sum = ((s0 + s4) + (s2 + s6)) + ((s1 + s5) + (s3 + s7))
        while d < n {
            sum += a[d] * b[d]
            d &+= 1
        }
        return sum
    }

    /// `y[d] += alpha · x[d]`.
    @inline(__always)
    static func axpy(_ alpha: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
        for d in 0..<n { y[d] += alpha * x[d] }
    }

    /// `y[d] += x[d]`.
    @inline(__always)
    static func add(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
        for d in 0..<n { y[d] += x[d] }
    }

    /// `y[d] *= alpha`.
    @inline(__always)
    static func scale(_ alpha: Float, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
        for d in 0..<n { y[d] *= alpha }
    }
}
