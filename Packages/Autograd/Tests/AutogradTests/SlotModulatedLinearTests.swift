import Autograd
import AutogradTestSupport
import Tensor
import XCTest

/// The fused adaptive-linear op (Ada-Ranker's memory-modulated Linear) equals its composite
/// definition, forward and backward.
final class SlotModulatedLinearTests: XCTestCase {
    /// `x.matmul((attention·slots reshaped [B, out, in]) ⊙ W, transposeB: true)` with plain ops.
    private func composite(_ x: Variable, _ attention: Variable, _ slots: Variable, _ weight: Variable) -> Variable {
        let memory = attention.matmul(slots).reshaped([x.shape[0], weight.shape[0], weight.shape[1]])
        return x.matmul(memory * weight, transposeB: true)
    }

    private func inputs(rows: Int, columns: Int, inFeatures: Int, outFeatures: Int, slots: Int)
        -> [Variable] {
        [Variable(Sample.tensor([rows, columns, inFeatures], seed: 1), requiresGrad: true),
         Variable(Sample.tensor([rows, slots], seed: 2).exp(), requiresGrad: true),
         Variable(Sample.tensor([slots, outFeatures * inFeatures], seed: 3), requiresGrad: true),
         Variable(Sample.tensor([outFeatures, inFeatures], seed: 4), requiresGrad: true)]
    }

    /// Under batch-invariant products (inference) a row's output does not depend on its batch:
    /// with out·in = 1200 (blocks of 54 rows) rows in a full block, in the final block of 2 and
    /// alone give the same bits (the direct read-out for 1–2 rows would round differently).
    func testRowsAreBatchInvariantUnderBatchInvariantProducts() {
        let all = inputs(rows: 56, columns: 3, inFeatures: 40, outFeatures: 30, slots: 4).map(\.value)
        withBatchInvariantProducts {
            let batch = Variable.slotModulatedLinear(Variable(all[0]), attention: Variable(all[1]),
                                                     slots: Variable(all[2]), weight: Variable(all[3])).value
            for row in [0, 30, 54, 55] {
                let one = Variable.slotModulatedLinear(Variable(all[0].slice(axis: 0, range: row..<(row + 1))),
                                                       attention: Variable(all[1].slice(axis: 0, range: row..<(row + 1))),
                                                       slots: Variable(all[2]), weight: Variable(all[3])).value
                XCTAssertEqual(one.scalars, batch.slice(axis: 0, range: row..<(row + 1)).scalars, "row \(row)")
            }
        }
    }

    /// Values and all four gradients agree, including several row blocks with a partial last block
    /// (out·in = 1200 gives blocks of 54 rows; 110 rows end with a block of 2, which reads the memory
    /// without a GEMM), single rows, and the head's own shapes.
    func testMatchesCompositeOps() {
        for (rows, columns, inFeatures, outFeatures, slots) in [(110, 3, 40, 30, 4), (5, 20, 32, 16, 10), (7, 20, 16, 1, 10), (2, 4, 8, 3, 10), (1, 20, 32, 16, 10), (1, 1, 1, 1, 1)] {
            let fusedInputs = inputs(rows: rows, columns: columns, inFeatures: inFeatures, outFeatures: outFeatures, slots: slots)
            let plainInputs = fusedInputs.map { Variable($0.value, requiresGrad: true) }
            let upstream = Variable(Sample.tensor([rows, columns, outFeatures], seed: 5))
            let fused = Variable.slotModulatedLinear(fusedInputs[0], attention: fusedInputs[1],
                                                     slots: fusedInputs[2], weight: fusedInputs[3])
            let plain = composite(plainInputs[0], plainInputs[1], plainInputs[2], plainInputs[3])
            XCTAssertEqual(fused.shape, [rows, columns, outFeatures])
            XCTAssertLessThan(fused.value.maxAbsDifference(plain.value), 1e-4)
            (fused * upstream).sum().backward()
            (plain * upstream).sum().backward()
            for (name, (a, b)) in zip(["x", "attention", "slots", "weight"], zip(fusedInputs, plainInputs)) {
                let scale = max(1, b.grad!.scalars.map(abs).max()!)
                XCTAssertLessThan(a.grad!.maxAbsDifference(b.grad!) / scale, 1e-5,
                                  "\(name) gradient, rows \(rows), out·in \(outFeatures * inFeatures)")
            }
        }
    }

    /// Only the inputs that need a gradient get one.
    func testSkipsGradientsNotNeeded() {
        let all = inputs(rows: 3, columns: 2, inFeatures: 4, outFeatures: 3, slots: 2)
        all[0].requiresGrad = false
        all[3].requiresGrad = false
        Variable.slotModulatedLinear(all[0], attention: all[1], slots: all[2], weight: all[3]).sum().backward()
        XCTAssertNil(all[0].grad)
        XCTAssertNotNil(all[1].grad)
        XCTAssertNotNil(all[2].grad)
        XCTAssertNil(all[3].grad)
    }

    /// Central finite differences agree at tiny sizes.
    func testGradientsMatchFiniteDifferences() {
        let all = inputs(rows: 2, columns: 3, inFeatures: 3, outFeatures: 2, slots: 3)
        let upstream = Variable(Sample.tensor([2, 3, 2], seed: 6))
        assertGradientsMatch(all, relativeTolerance: 3e-2, absoluteTolerance: 2e-3) { v in
            (Variable.slotModulatedLinear(v[0], attention: v[1], slots: v[2], weight: v[3]) * upstream).sum()
        }
    }
}
