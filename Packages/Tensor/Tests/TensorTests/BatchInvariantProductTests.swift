import CTensorKernels
import Foundation
import XCTest
@testable import Tensor

/// `withBatchInvariantProducts`: `sgemm` on `adr_sgemm_rows` must agree with a Double reference for
/// every layout, alpha/beta, odd sizes and padded leading dimensions on both kernel paths, and each
/// row of `C` must be bit-for-bit the same whatever `m` and wherever the row sits.
final class BatchInvariantProductTests: XCTestCase {
    /// `op(a)[r, i]` of a row-major matrix with row length `ld`.
    private func element(_ x: [Float], ld: Int, transposed: Bool, _ r: Int, _ i: Int) -> Double {
        Double(transposed ? x[i * ld + r] : x[r * ld + i])
    }

    /// `C = alpha · op(A) · op(B) + beta · C` through `sgemm` inside `withBatchInvariantProducts`.
    private func product(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float, a: [Float],
                         lda: Int, b: [Float], ldb: Int, beta: Float, c initial: [Float],
                         panels: TransposedPanels? = nil) -> [Float] {
        var c = initial
        withBatchInvariantProducts {
            a.withUnsafeBufferPointer { pa in
                b.withUnsafeBufferPointer { pb in
                    c.withUnsafeMutableBufferPointer { pc in
                        sgemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                              a: pa.baseAddress!, lda: lda, b: pb.baseAddress!, ldb: ldb,
                              beta: beta, c: pc.baseAddress!, ldc: n, panels: panels)
                    }
                }
            }
        }
        return c
    }

    func testEveryLayoutMatchesReference() {
        var rng = SeededGenerator(seed: 43)
        for (m, n, k) in [(1, 1, 1), (3, 5, 7), (4, 16, 8), (6, 37, 13), (9, 24, 64), (5, 3, 0)] {
            for transposeA in [false, true] {
                for transposeB in [false, true] {
                    let lda = (transposeA ? m : k) + 2, ldb = (transposeB ? k : n) + 3
                    let a = Tensor.normal([(transposeA ? k : m) * lda + 1], using: &rng).scalars
                    let b = Tensor.normal([(transposeB ? n : k) * ldb + 1], using: &rng).scalars
                    let initial = Tensor.normal([m * n], using: &rng).scalars
                    for (alpha, beta) in [(Float(1), Float(0)), (0.5, 1), (-2, 0.25)] {
                        for avx2 in [1, 0] {
                            adr_tensor_kernels_allow_avx2(Int32(avx2))
                            defer { adr_tensor_kernels_allow_avx2(1) }
                            let c = product(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                                            alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: initial)
                            for r in 0..<m {
                                for j in 0..<n {
                                    let dot = (0..<k).reduce(0.0) {
                                        $0 + element(a, ld: lda, transposed: transposeA, r, $1)
                                            * element(b, ld: ldb, transposed: transposeB, $1, j)
                                    }
                                    let expected = Double(alpha) * dot + Double(beta) * Double(initial[r * n + j])
                                    XCTAssertEqual(Double(c[r * n + j]), expected, accuracy: 1e-4 * max(1, abs(expected)),
                                                   "m \(m) n \(n) k \(k) tA \(transposeA) tB \(transposeB) alpha \(alpha) beta \(beta) avx2 \(avx2) [\(r), \(j)]")
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Rows `start ..< start + m` of a 70-row `A` give exactly the rows of the 70-row product, for
    /// every m and start (OpenBLAS's sgemm does not on every machine: its kernels change with m).
    func testRowsDoNotDependOnTheOtherRows() {
        var rng = SeededGenerator(seed: 44)
        for (n, k) in [(5, 64), (20, 100), (64, 64), (128, 300), (37, 13)] {
            for transposeB in [false, true] {
                let rows = 70
                let a = Tensor.normal([rows * k], using: &rng).scalars, b = Tensor.normal([n * k], using: &rng).scalars
                let ldb = transposeB ? k : n
                let zeros = [Float](repeating: 0, count: rows * n)
                let all = product(transposeA: false, transposeB: transposeB, m: rows, n: n, k: k, alpha: 1,
                                  a: a, lda: k, b: b, ldb: ldb, beta: 0, c: zeros)
                for m in [1, 2, 3, 4, 5, 8, 17] {
                    for start in [0, 1, 6, rows - m] {
                        let part = product(transposeA: false, transposeB: transposeB, m: m, n: n, k: k, alpha: 1,
                                           a: Array(a[(start * k)...]), lda: k, b: b, ldb: ldb, beta: 0,
                                           c: Array(zeros[..<(m * n)]))
                        XCTAssertEqual(part, Array(all[(start * n) ..< ((start + m) * n)]),
                                       "n \(n) k \(k) transposeB \(transposeB) rows \(start) ..< \(start + m)")
                    }
                }
            }
        }
    }

    /// The AVX-512 path gives exactly the AVX2 path's bits, for both layouts of b, every alpha/beta,
    /// row counts that fill groups of four or not, and columns in every kind of block (groups of four
    /// or the remainder for b `[n, k]`; 32-, 16- and 8-wide blocks and the scalar tail for b `[k, n]`)
    /// and k with and without a tail of k mod 8 entries.
    func testAVX512PathGivesTheAVX2PathsBits() throws {
        adr_tensor_kernels_allow_avx512(1)
        guard adr_tensor_kernels_use_avx512() != 0 else {
            throw XCTSkip("this CPU has no AVX-512 (F, VL, DQ): the AVX2 path is the only vector path here")
        }
        var rng = SeededGenerator(seed: 45)
        for (m, n, k) in [(1, 192, 64), (1, 7, 13), (3, 5, 7), (4, 16, 8), (5, 57, 64), (9, 24, 100), (8, 96, 128),
                          (6, 41, 3), (2, 1, 33), (13, 20, 64)] {
            for transposeB in [false, true] {
                let ldb = (transposeB ? k : n) + 3
                let a = Tensor.normal([m * k], using: &rng).scalars
                let b = Tensor.normal([(transposeB ? n : k) * ldb], using: &rng).scalars
                let initial = Tensor.normal([m * n], using: &rng).scalars
                for (alpha, beta) in [(Float(1), Float(0)), (0.5, 1), (-2, 0.25)] {
                    let run = { (avx512: Int32) -> [Float] in
                        adr_tensor_kernels_allow_avx512(avx512)
                        defer { adr_tensor_kernels_allow_avx512(1) }
                        return self.product(transposeA: false, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                                            a: a, lda: k, b: b, ldb: ldb, beta: beta, c: initial)
                    }
                    let wide = run(1), narrow = run(0)
                    let first = wide.indices.first { wide[$0].bitPattern != narrow[$0].bitPattern }
                    XCTAssertNil(first, "m \(m) n \(n) k \(k) transposeB \(transposeB) alpha \(alpha) beta \(beta): entry "
                                 + "\(first ?? 0) is \(first.map { wide[$0] } ?? 0) on AVX-512, \(first.map { narrow[$0] } ?? 0) on AVX2")
                }
            }
        }
    }

    /// The vector paths this CPU has, widest first (`allowAVX512` for `adr_tensor_kernels_allow_avx512`),
    /// with their panel widths; skips the test when there is none.
    private func vectorPaths() throws -> [(allowAVX512: Int32, width: Int)] {
        adr_tensor_kernels_allow_avx512(1)
        defer { adr_tensor_kernels_allow_avx512(1) }
        guard adr_tensor_kernels_use_avx2() != 0 else {
            throw XCTSkip("this CPU has neither AVX-512 nor AVX2: panels are empty and never read here")
        }
        return adr_tensor_kernels_use_avx512() != 0 ? [(1, 16), (0, 8)] : [(0, 8)]
    }

    /// Products `A · Bᵀ` that read `B`'s `TransposedPanels` give exactly the bits of the plain kernel on
    /// each vector path (sixteen-column panels on AVX-512, eight on AVX2), for row counts in and out of
    /// groups of four, columns in blocks of four, two and one panels and in the `n mod W` remainder,
    /// `k` with and without a tail of `k mod 8`, every alpha/beta, and products large enough to be
    /// shared among threads; panels built for the other path, and panels outside
    /// `withBatchInvariantProducts`, change nothing.
    func testTransposedPanelsGiveThePlainProductsBits() throws {
        var rng = SeededGenerator(seed: 46)
        for path in try vectorPaths() {
            adr_tensor_kernels_allow_avx512(path.allowAVX512)
            defer { adr_tensor_kernels_allow_avx512(1) }
            for (m, n, k) in [(1, 384, 128), (1, 16, 8), (2, 17, 7), (3, 33, 13), (4, 48, 64), (5, 64, 64), (7, 100, 37),
                              (9, 192, 128), (25, 192, 64), (50, 64, 1), (6, 15, 20), (3, 7, 9), (11, 80, 136), (600, 128, 128)] {
                let a = Tensor.normal([m * k], using: &rng).scalars
                let weight = Tensor.normal([n, k], using: &rng)
                let panels = TransposedPanels(of: weight)
                XCTAssertEqual(panels.width, Int32(path.width))
                XCTAssertEqual(panels.fits(n: n, k: k), n >= path.width, "n \(n) k \(k): panels exist exactly when n ≥ \(path.width)")
                let initial = Tensor.normal([m * n], using: &rng).scalars
                for (alpha, beta) in [(Float(1), Float(0)), (0.5, 1), (-2, 0.25)] {
                    let plain = product(transposeA: false, transposeB: true, m: m, n: n, k: k, alpha: alpha, a: a, lda: k,
                                        b: weight.scalars, ldb: k, beta: beta, c: initial)
                    let packed = product(transposeA: false, transposeB: true, m: m, n: n, k: k, alpha: alpha, a: a, lda: k,
                                         b: weight.scalars, ldb: k, beta: beta, c: initial, panels: panels)
                    let first = plain.indices.first { plain[$0].bitPattern != packed[$0].bitPattern }
                    XCTAssertNil(first, "width \(path.width) m \(m) n \(n) k \(k) alpha \(alpha) beta \(beta): entry \(first ?? 0) is "
                                 + "\(first.map { packed[$0] } ?? 0) from the panels, \(first.map { plain[$0] } ?? 0) without")
                }
            }
        }
        let (m, n, k) = (8, 32, 16)
        let a = Tensor.normal([m, k], using: &rng), weight = Tensor.normal([n, k], using: &rng)
        let panels = TransposedPanels(of: weight)
        // Panels of the AVX-512 path read on the AVX2 path (or the reverse) fall back to the plain kernel.
        adr_tensor_kernels_allow_avx512(panels.width == 16 ? 0 : 1)
        let otherPath = product(transposeA: false, transposeB: true, m: m, n: n, k: k, alpha: 1, a: a.scalars, lda: k,
                                b: weight.scalars, ldb: k, beta: 0, c: [Float](repeating: 0, count: m * n), panels: panels)
        let otherPlain = product(transposeA: false, transposeB: true, m: m, n: n, k: k, alpha: 1, a: a.scalars, lda: k,
                                 b: weight.scalars, ldb: k, beta: 0, c: [Float](repeating: 0, count: m * n))
        adr_tensor_kernels_allow_avx512(1)
        XCTAssertEqual(otherPath.map(\.bitPattern), otherPlain.map(\.bitPattern))
        // Outside batch-invariant mode the panels change nothing (OpenBLAS runs either way).
        var with = [Float](repeating: 0, count: m * n), without = with
        a.scalars.withUnsafeBufferPointer { pa in
            weight.scalars.withUnsafeBufferPointer { pb in
                sgemm(transposeA: false, transposeB: true, m: m, n: n, k: k, a: pa.baseAddress!, lda: k,
                      b: pb.baseAddress!, ldb: k, c: &with, ldc: n, panels: panels)
                sgemm(transposeA: false, transposeB: true, m: m, n: n, k: k, a: pa.baseAddress!, lda: k,
                      b: pb.baseAddress!, ldb: k, c: &without, ldc: n)
            }
        }
        XCTAssertEqual(with, without)
    }

    /// Rows that share a prefix give, entry for entry, the bits of the batch-invariant product of the
    /// whole rows: with panels (prefixes of whole lane steps and not), without panels, and for the
    /// `n mod 16` columns.
    func testSharedPrefixProductGivesTheWholeRowsBits() throws {
        var rng = SeededGenerator(seed: 47)
        for path in try vectorPaths() {
            adr_tensor_kernels_allow_avx512(path.allowAVX512)
            defer { adr_tensor_kernels_allow_avx512(1) }
            for (m, n, k, k0) in [(20, 64, 128, 64), (1, 64, 128, 64), (7, 40, 72, 32), (5, 16, 19, 8), (9, 48, 64, 0),
                                  (6, 33, 30, 12), (3, 10, 16, 8), (4, 64, 64, 64)] {
                let prefix = Tensor.normal([k0], using: &rng).scalars
                let rows = Tensor.normal([m * (k - k0)], using: &rng).scalars
                var whole: [Float] = []
                for r in 0..<m { whole += prefix + rows[(r * (k - k0)) ..< ((r + 1) * (k - k0))] }
                let weight = Tensor.normal([n, k], using: &rng)
                let initial = Tensor.normal([m * n], using: &rng).scalars
                for (alpha, beta) in [(Float(1), Float(0)), (1, 1), (-2, 0.25)] {
                    let expected = product(transposeA: false, transposeB: true, m: m, n: n, k: k, alpha: alpha, a: whole,
                                           lda: k, b: weight.scalars, ldb: k, beta: beta, c: initial)
                    for panels in [TransposedPanels(of: weight), nil] {
                        var c = initial
                        prefix.withUnsafeBufferPointer { p in rows.withUnsafeBufferPointer { a in
                            weight.scalars.withUnsafeBufferPointer { b in c.withUnsafeMutableBufferPointer { pc in
                                sharedPrefixProduct(m: m, n: n, k: k, prefixCount: k0, alpha: alpha,
                                                    prefix: p.baseAddress ?? a.baseAddress!, a: a.baseAddress!, lda: k - k0,
                                                    b: b.baseAddress!, ldb: k, panels: panels, beta: beta, c: pc.baseAddress!, ldc: n)
                            } }
                        } }
                        let first = c.indices.first { c[$0].bitPattern != expected[$0].bitPattern }
                        XCTAssertNil(first, "width \(path.width) m \(m) n \(n) k \(k) prefix \(k0) alpha \(alpha) beta \(beta) "
                                     + "panels \(panels != nil): entry \(first ?? 0) is \(first.map { c[$0] } ?? 0), "
                                     + "whole rows give \(first.map { expected[$0] } ?? 0)")
                    }
                }
            }
        }
    }

    /// The setting is per thread, nests, and is restored afterwards.
    func testSettingIsScopedAndRestored() {
        XCTAssertFalse(batchInvariantProducts)
        withBatchInvariantProducts {
            XCTAssertTrue(batchInvariantProducts)
            withBatchInvariantProducts(false) { XCTAssertFalse(batchInvariantProducts) }
            XCTAssertTrue(batchInvariantProducts)
            let seen = Seen(), done = DispatchSemaphore(value: 0)
            Thread { seen.value = batchInvariantProducts; done.signal() }.start()
            done.wait()
            XCTAssertEqual(seen.value, false, "a new thread starts with OpenBLAS products")
        }
        XCTAssertFalse(batchInvariantProducts)
    }
}

/// What another thread saw (written before the semaphore is signalled, read after).
private final class Seen: @unchecked Sendable {
    var value: Bool?
}
