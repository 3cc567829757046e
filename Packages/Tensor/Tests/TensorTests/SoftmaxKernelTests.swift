import CTensorKernels
import Foundation
import XCTest
@testable import Tensor

/// The C kernel behind last-axis softmax (`adr_softmax_rows`): odd and long rows, extreme inputs,
/// both kernel paths, against a Double reference.
final class SoftmaxKernelTests: XCTestCase {
    private func reference(_ row: [Float], logarithm: Bool) -> [Double] {
        let m = Double(row.max()!)
        let exps = row.map { Foundation.exp(Double($0) - m) }
        let total = exps.reduce(0, +)
        return logarithm ? row.map { Double($0) - m - Foundation.log(total) } : exps.map { $0 / total }
    }

    func testRowsMatchDoubleReferenceOnBothPaths() {
        var rng = SeededGenerator(seed: 77)
        for n in [1, 7, 8, 50, 203, 2500] {
            let x = Tensor.normal([3, n], std: 6, using: &rng)
            for avx2 in [1, 0] {
                adr_tensor_kernels_allow_avx2(Int32(avx2))
                defer { adr_tensor_kernels_allow_avx2(1) }
                for logarithm in [false, true] {
                    let y = logarithm ? x.logSoftmax(axis: -1) : x.softmax(axis: -1)
                    for r in 0..<3 {
                        let expected = reference(Array(x.scalars[(r * n)..<((r + 1) * n)]), logarithm: logarithm)
                        for j in 0..<n {
                            XCTAssertEqual(Double(y.scalars[r * n + j]), expected[j], accuracy: 2e-6 * max(1, abs(expected[j])),
                                           "n \(n) row \(r) col \(j) log \(logarithm) avx2 \(avx2)")
                        }
                    }
                }
            }
        }
    }

    /// In place on a buffer of rows, on both kernel paths, the same bits as `softmax(axis: -1)`.
    func testInPlaceRowsMatchTensorSoftmaxBitForBit() {
        var rng = SeededGenerator(seed: 78)
        for n in [1, 9, 64, 203] {
            let x = Tensor.normal([5, n], std: 4, using: &rng)
            for avx2 in [1, 0] {
                adr_tensor_kernels_allow_avx2(Int32(avx2))
                defer { adr_tensor_kernels_allow_avx2(1) }
                var buffer = x.scalars
                buffer.withUnsafeMutableBufferPointer { softmaxRowsInPlace($0.baseAddress!, rows: 5, width: n) }
                XCTAssertEqual(buffer, x.softmax(axis: -1).scalars, "n \(n) avx2 \(avx2)")
            }
        }
    }

    func testMaskedAndDegenerateRows() {
        // Additive masks of −10000 and −1e9 give exact zeros; an all −inf row gives NaN (as PyTorch).
        let y = T([3, 9], [0, -10000, 1, -1e9, 2, -10000, 3, -1e9, 4,
                           -.infinity, -.infinity, -.infinity, -.infinity, -.infinity, -.infinity, -.infinity, -.infinity, -.infinity,
                           5, 5, 5, 5, 5, 5, 5, 5, 5]).softmax(axis: -1)
        for j in [1, 3, 5, 7] { XCTAssertEqual(y.scalars[j], 0) }
        XCTAssertEqual(Double(y.scalars[0..<9].reduce(0, +)), 1, accuracy: 1e-6)
        XCTAssertTrue(y.scalars[9..<18].allSatisfy(\.isNaN))
        for j in 18..<27 { XCTAssertEqual(y.scalars[j], 1 / 9, accuracy: 1e-7) }
    }
}
