import CTensorKernels
import Foundation
import XCTest
@testable import Tensor

/// The vectorised exp / sigmoid / tanh against double-precision references over their whole range.
final class VectorMathTests: XCTestCase {
    /// 200 001 points spread over [-lower, upper] (covers the vector body and the padded tail).
    func grid(_ lower: Float, _ upper: Float, count: Int = 200_001) -> Tensor {
        Tensor(shape: [count], scalars: (0..<count).map { lower + (upper - lower) * Float($0) / Float(count - 1) })
    }

    /// Largest error in units of the reference's magnitude (relative, with an absolute floor).
    func worstError(_ actual: Tensor, _ input: Tensor, floor: Double, _ reference: (Double) -> Double) -> Double {
        var worst = 0.0
        for (a, x) in zip(actual.scalars, input.scalars) {
            let r = reference(Double(x))
            let error = Swift.abs(Double(a) - r) / Swift.max(Swift.abs(r), floor)
            worst = Swift.max(worst, error.isNaN ? .infinity : error)
        }
        return worst
    }

    func testExpRelativeErrorIsAFewUlps() {
        let x = grid(-87, 88.7)
        XCTAssertLessThan(worstError(x.exp(), x, floor: 1e-37, Foundation.exp), 3e-7)
        let small = grid(-1, 1, count: 10_007)
        XCTAssertLessThan(worstError(small.exp(), small, floor: 1e-37, Foundation.exp), 2e-7)
    }

    func testExpSpecialValues() {
        let x = T([9], [0, -.infinity, .infinity, 89, -104, 88.5, -100, .nan, 1])
        let e = x.exp().scalars
        XCTAssertEqual(e[0], 1)
        XCTAssertEqual(e[1], 0)
        XCTAssertEqual(e[2], .infinity)
        XCTAssertEqual(e[3], .infinity)
        XCTAssertEqual(e[4], 0)
        XCTAssertEqual(Double(e[5]), Foundation.exp(88.5), accuracy: 1e32)      // near the overflow limit
        XCTAssertEqual(Double(e[6]), Foundation.exp(-100.0), accuracy: 1e-44)   // subnormal result
        XCTAssertTrue(e[7].isNaN)
        XCTAssertEqual(e[8], Float(M_E), accuracy: 2e-7)
    }

    func testSigmoidAndTanhAbsoluteError() {
        let x = grid(-30, 30)
        let sigmoidError = worstError(x.sigmoid(), x, floor: 1) { 1 / (1 + Foundation.exp(-$0)) }
        XCTAssertLessThan(sigmoidError, 2e-7)
        XCTAssertLessThan(worstError(x.tanh(), x, floor: 1, Foundation.tanh), 2e-7)
        // Relative accuracy near 0 (the polynomial branch) and across the branch point 0.625.
        let near = grid(-0.7, 0.7, count: 14_001)
        XCTAssertLessThan(worstError(near.tanh(), near, floor: 1e-30, Foundation.tanh), 4e-7)
    }

    func testTanhAndSigmoidLimits() {
        let x = T([5], [-.infinity, .infinity, .nan, 0, -0.0])
        XCTAssertEqual(Array(x.tanh().scalars.prefix(2)), [-1, 1])
        XCTAssertTrue(x.tanh().scalars[2].isNaN)
        XCTAssertEqual(x.tanh().scalars[3], 0)
        XCTAssertEqual(x.tanh().scalars[4].sign, .minus)
        XCTAssertEqual(Array(x.sigmoid().scalars.prefix(2)), [0, 1])
        XCTAssertEqual(x.sigmoid().scalars[3], 0.5)
    }

    /// The C kernels (`adr_vector_exp`, `…_sigmoid`, `…_tanh`) on AVX-512 and on AVX2 registers give
    /// the Swift functions' bits, on random values of every magnitude, the limits, ±0, ±inf and
    /// lengths with and without a padded tail; NaN stays NaN.
    func testCKernelsGiveTheSwiftFunctionsBits() throws {
        guard adr_tensor_kernels_use_avx2() != 0 else { throw XCTSkip("no AVX2: Tensor uses the Swift functions only") }
        var rng = SeededGenerator(seed: 47)
        var values: [Float] = [0, -0, .infinity, -.infinity, .nan, 88.7228394, 88.7228395, -103.972076, -103.97208,
                               0.625, -0.625, 0.62499994, 1e-30, -1e-40, .leastNormalMagnitude, .greatestFiniteMagnitude]
        for _ in 0..<20_000 {
            let magnitude = Float.random(in: -12...7, using: &rng)
            values.append((rng.nextFloat() < 0.5 ? -1 : 1) * Float(Foundation.exp(Double(magnitude))))
        }
        let kernels: [(String, (Int, UnsafePointer<Float>, UnsafeMutablePointer<Float>) -> Int32, (FloatVector) -> FloatVector)] =
            [("exp", adr_vector_exp, vectorExp), ("sigmoid", adr_vector_sigmoid, vectorSigmoid), ("tanh", adr_vector_tanh, vectorTanh)]
        let hasAVX512 = adr_tensor_kernels_use_avx512() != 0
        for (name, kernel, swift) in kernels {
            for avx512 in hasAVX512 ? [1, 0] : [0] {
                adr_tensor_kernels_allow_avx512(Int32(avx512))
                defer { adr_tensor_kernels_allow_avx512(1) }
                for count in [values.count, values.count - 5, 13, 3] {
                    let input = Array(values.prefix(count))
                    var expected = [Float](repeating: 0, count: count), actual = expected
                    input.withUnsafeBufferPointer { x in
                        expected.withUnsafeMutableBufferPointer { applyVectorized(x.baseAddress!, $0.baseAddress!, count, swift) }
                        actual.withUnsafeMutableBufferPointer { XCTAssertEqual(kernel(count, x.baseAddress!, $0.baseAddress!), 1) }
                    }
                    let first = (0..<count).first { i in
                        !(actual[i].bitPattern == expected[i].bitPattern || (actual[i].isNaN && expected[i].isNaN))
                    }
                    XCTAssertNil(first, "\(name) avx512 \(avx512) count \(count): \(first.map { "x = \(input[$0]): \(actual[$0]) against \(expected[$0])" } ?? "")")
                }
            }
        }
    }
}
