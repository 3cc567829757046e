@testable import AdaLayers
import Autograd
import AutogradTestSupport
import SeqModels
import Tensor
import XCTest

/// FiLM: `γ(z)·x + β(z)` on every looked-up position, one scalar pair per row.
final class FeatureModulationTests: XCTestCase {
    private func makeModulation(dimension: Int, seed: UInt64) -> FeatureModulation {
        let film = FeatureModulation(dimension: dimension)
        var rng = SeededGenerator(seed: seed)
        film.resetAllParameters(using: &rng)
        return film
    }

    func testParameterNamesAreTheReferences() {
        XCTAssertEqual(FeatureModulation(dimension: 4).namedParameters().map(\.0),
                       ["film_affine_emb_scale.weight", "film_affine_emb_scale.bias",
                        "film_affine_emb_bias.weight", "film_affine_emb_bias.bias"])
        XCTAssertEqual(FeatureModulation(dimension: 4).scale.weight.shape, [1, 4])
    }

    /// Row b of a `[B, L]` lookup is `γ_b·x + β_b` at every position, padding (id 0) included, and
    /// other id shapes (`[B]`, `[B, L, K]`) are modulated per row too.
    func testModulatesEveryPositionOfEachRow() {
        let (d, rows) = (4, 3)
        let film = makeModulation(dimension: d, seed: 1)
        let table = Sample.tensor([10, d], seed: 2)
        let plain: ItemEmbedder = { ids in Variable(table).gatherRows(ids) }
        let z = Variable(Sample.tensor([rows, d], seed: 3))
        let (gamma, beta) = film.coefficients(z)
        XCTAssertEqual(gamma.shape, [rows, 1])
        XCTAssertEqual(beta.shape, [rows, 1])
        let modulated = film.modulating(plain, z: z)

        let ids = IndexTensor(shape: [rows, 4], indices: [0, 0, 3, 5, 0, 1, 2, 3, 9, 9, 9, 0])
        let output = modulated(ids).value
        XCTAssertEqual(output.shape, [rows, 4, d])
        for b in 0..<rows {
            for t in 0..<4 {
                for k in 0..<d {
                    let x = table[ids.indices[b * 4 + t], k]
                    XCTAssertEqual(output[b, t, k], gamma.value[b, 0] * x + beta.value[b, 0], accuracy: 1e-6)
                }
            }
        }
        let flat = modulated(IndexTensor([4, 5, 6])).value
        XCTAssertEqual(flat.shape, [rows, d])
        XCTAssertEqual(flat[2, 1], gamma.value[2, 0] * table[6, 1] + beta.value[2, 0], accuracy: 1e-6)
        XCTAssertEqual(modulated(IndexTensor(shape: [rows, 2, 2], indices: Array(0..<12).map { $0 % 10 })).shape, [rows, 2, 2, d])
    }

    /// A zero padding row comes out as β (the reference modulates padding positions).
    func testZeroPaddingRowBecomesBeta() {
        let film = makeModulation(dimension: 3, seed: 4)
        let table = Tensor.zeros([2, 3])
        let z = Variable(Sample.tensor([2, 3], seed: 5))
        let output = film.modulating({ Variable(table).gatherRows($0, paddingIndex: 0) }, z: z)(IndexTensor(shape: [2, 1], indices: [0, 0])).value
        let beta = film.coefficients(z).beta.value
        for b in 0..<2 { for k in 0..<3 { XCTAssertEqual(output[b, 0, k], beta[b, 0], accuracy: 1e-7) } }
        XCTAssertNotEqual(beta[0, 0], 0)
    }

    /// Gradients of the FiLM layers, of `z` and of the table match finite differences (tiny sizes).
    func testGradientsMatchFiniteDifferences() {
        let (d, rows) = (3, 2)
        let film = makeModulation(dimension: d, seed: 6)
        let table = Variable(Sample.tensor([5, d], seed: 7), requiresGrad: true)
        let z = Variable(Sample.tensor([rows, d], seed: 8), requiresGrad: true)
        let ids = IndexTensor(shape: [rows, 3], indices: [0, 1, 4, 2, 2, 3])
        let weights = Variable(Sample.tensor([rows, 3, d], seed: 9))
        let inputs = film.namedParameters() + [("table", table), ("z", z)]
        assertGradientsMatch(named: inputs) {
            let lookup = film.modulating({ table.gatherRows($0) }, z: z)
            return (lookup(ids).tanh() * weights).sum()
        }
    }
}
