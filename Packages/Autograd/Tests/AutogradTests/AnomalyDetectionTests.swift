import Autograd
import Tensor
import XCTest

/// `AnomalyDetection` names the op that first produced a non-finite value, forward or backward,
/// and changes nothing else.
final class AnomalyDetectionTests: XCTestCase {
    override func setUp() { AnomalyDetection.isEnabled = true; AnomalyDetection.reset() }
    override func tearDown() { AnomalyDetection.isEnabled = false; AnomalyDetection.reset() }

    func testForwardOverflowNamesTheExpOp() throws {
        let x = Variable(Tensor(shape: [3], scalars: [1, 100, 2]), requiresGrad: true)
        let y = (x * 2).exp().sum()
        XCTAssertEqual(y.value.scalars[0], .infinity)
        let anomaly = try XCTUnwrap(AnomalyDetection.firstAnomaly)
        XCTAssertEqual(anomaly.pass, .forward)
        XCTAssertTrue(anomaly.file.hasSuffix("Arithmetic.swift"), anomaly.file)
        XCTAssertEqual(anomaly.shape, [3])
        XCTAssertEqual(anomaly.nonFiniteCount, 1)
        XCTAssertEqual(anomaly.firstValue, .infinity)
        XCTAssertTrue(anomaly.description.contains("Arithmetic.swift:\(anomaly.line)"), anomaly.description)
    }

    /// `sqrt` at 0 is finite forward and infinite backward: the backward pass is blamed.
    func testBackwardInfinityNamesTheOpWhoseGradientOverflowed() throws {
        let x = Variable(Tensor(shape: [2], scalars: [0, 4]), requiresGrad: true)
        let y = x.sqrt().sum()
        XCTAssertNil(AnomalyDetection.firstAnomaly)
        y.backward()
        let anomaly = try XCTUnwrap(AnomalyDetection.firstAnomaly)
        XCTAssertEqual(anomaly.pass, .backward)
        XCTAssertEqual(anomaly.shape, [2])
        XCTAssertEqual(anomaly.nonFiniteCount, 1)
    }

    /// Only the first anomaly is kept; finite graphs record none; values are those without detection.
    func testKeepsTheFirstAnomalyAndLeavesValuesUnchanged() throws {
        let x = Variable(Tensor(shape: [2], scalars: [0.5, -1]), requiresGrad: true)
        let finite = (x * 3).tanh().sum()
        XCTAssertNil(AnomalyDetection.firstAnomaly)
        AnomalyDetection.isEnabled = false
        let reference = (x * 3).tanh().sum()
        XCTAssertEqual(finite.value, reference.value)
        AnomalyDetection.isEnabled = true
        _ = (x * 1000).exp()
        let first = try XCTUnwrap(AnomalyDetection.firstAnomaly)
        _ = x.log()   // NaN at -1, later
        XCTAssertEqual(AnomalyDetection.firstAnomaly, first)
        AnomalyDetection.reset()
        XCTAssertNil(AnomalyDetection.firstAnomaly)
    }
}
