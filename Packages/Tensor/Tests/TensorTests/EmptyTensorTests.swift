import XCTest
@testable import Tensor

/// Zero-sized axes (an empty batch) flow through every kernel without crashing.
final class EmptyTensorTests: XCTestCase {
    func testKernelsAcceptEmptyTensors() {
        let x = Tensor.zeros([0, 3])
        let bias = T([3], [1, 2, 3])
        XCTAssertEqual((x + x).shape, [0, 3])
        XCTAssertEqual((x * bias).shape, [0, 3])
        XCTAssertEqual((x - 1).shape, [0, 3])
        var y = x
        y += bias
        XCTAssertEqual(y.shape, [0, 3])
        XCTAssertEqual(x.exp().shape, [0, 3])
        XCTAssertEqual(x.tanh().shape, [0, 3])
        XCTAssertEqual(x.relu().shape, [0, 3])
        assertClose(x.sum(axis: 0), Tensor.zeros([3]))
        XCTAssertEqual(x.sum(axis: 1).shape, [0])
        XCTAssertEqual(x.sum().item, 0)
        XCTAssertEqual(x.max(axis: 1).shape, [0])
        XCTAssertEqual(x.argmax(axis: 1).shape, [0])
        XCTAssertEqual(x.softmax(axis: -1).shape, [0, 3])
        XCTAssertEqual(x.transposed().shape, [3, 0])
        XCTAssertEqual(Tensor.zeros([2, 0, 3]).permuted([2, 0, 1]).shape, [3, 2, 0])
        XCTAssertEqual(x.broadcast(to: [2, 0, 3]).shape, [2, 0, 3])
        assertClose(Tensor.zeros([2, 0, 3]).sum(toShape: [3]), Tensor.zeros([3]))
        XCTAssertEqual(x.maskedFill(T([3], [1, 0, 1]), value: 5).shape, [0, 3])
        XCTAssertEqual(Tensor.select(T([3], [1, 0, 1]), x, bias).shape, [0, 3])
        XCTAssertEqual(bias.gatherRows(IndexTensor(shape: [0], indices: [])).shape, [0])
        XCTAssertEqual(Tensor.scatterAddRows(x, ids: IndexTensor(shape: [0], indices: []), rowCount: 2).shape, [2, 3])
        XCTAssertEqual(Tensor.concat([x, x], axis: 0).shape, [0, 3])
        XCTAssertEqual(Tensor.matmul(x, Tensor.zeros([3, 4])).shape, [0, 4])
    }
}
