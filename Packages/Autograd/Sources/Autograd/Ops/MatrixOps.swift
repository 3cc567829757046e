import Tensor

// Matrix products. With op(A) = Aᵀ when transposed (else A), C = op(A)·op(B) has the gradients
//   ∂op(A) = ∂C·op(B)ᵀ  and  ∂op(B) = op(A)ᵀ·∂C,
// which, written for the stored (untransposed) operands, are
//   ∂A = ∂C·op(B)ᵀ  (or op(B)·∂Cᵀ when A is transposed),
//   ∂B = op(A)ᵀ·∂C  (or ∂Cᵀ·op(A) when B is transposed).

extension Variable {
    /// Matrix product of the last two axes, with the shapes of `Tensor.matmul`:
    /// `[M, K]·[K, N] → [M, N]`; `[..., M, K]·[K, N] → [..., M, N]` (shared right matrix);
    /// `[B, M, K]·[B, K, N] → [B, M, N]` (batched). `transposeA` / `transposeB` use the transpose
    /// of that operand's last two axes.
    ///
    /// Backward: one GEMM per operand (per batch entry when batched); a shared right matrix gets
    /// its gradient summed over every leading row in a single GEMM.
    public func matmul(_ other: Variable, transposeA: Bool = false, transposeB: Bool = false) -> Variable {
        let a = value, b = other.value
        let product = Tensor.matmul(a, b, transposeA: transposeA, transposeB: transposeB)
        return Variable.record(product, inputs: [self, other]) { [needA = requiresGrad, needB = other.requiresGrad] g in
            let shapes = MatmulShapes(a.shape, b.shape, transposeA: transposeA, transposeB: transposeB)
            return [needA ? shapes.gradientA(g, b) : nil,
                    needB ? shapes.gradientB(g, a) : nil]
        }
    }

    /// A fully connected layer, PyTorch layout: `self [..., in] · weightᵀ + bias` with
    /// `weight [out, in]` and `bias [out]`, giving `[..., out]`.
    ///
    /// Forward: one GEMM over all leading rows, the bias pre-loaded into the output (β = 1).
    /// Backward: ∂x = ∂y·W and ∂W = ∂yᵀ·x (one GEMM each), ∂bias = column sums of ∂y.
    public func linear(weight: Variable, bias: Variable?) -> Variable {
        let x = value, w = weight.value, biasValue = bias?.value
        precondition(w.rank == 2, "linear weight must be [out, in], got \(w.shape)")
        let (outFeatures, inFeatures) = (w.shape[0], w.shape[1])
        precondition(x.shape.last == inFeatures, "linear input \(x.shape) does not end in \(inFeatures) features (weight \(w.shape))")
        precondition(biasValue == nil || biasValue!.shape == [outFeatures], "linear bias must be [\(outFeatures)], got \(biasValue!.shape)")
        let rows = x.shape.dropLast().reduce(1, *)
        let outShape = Array(x.shape.dropLast()) + [outFeatures]

        let y = Tensor(shape: outShape, unsafeUninitializedScalars: { out in
            x.scalars.withUnsafeBufferPointer { px in
                w.scalars.withUnsafeBufferPointer { pw in
                    let o = out.baseAddress!
                    if let biasValue {
                        biasValue.scalars.withUnsafeBufferPointer { pb in
                            for r in 0..<rows { (o + r * outFeatures).update(from: pb.baseAddress!, count: outFeatures) }
                        }
                    }
                    gemm(false, true, m: rows, n: outFeatures, k: inFeatures,
                         a: px.baseAddress!, lda: inFeatures, b: pw.baseAddress!, ldb: inFeatures,
                         c: o, ldc: outFeatures, accumulate: biasValue != nil, panels: weight.transposedPanels)
                }
            }
        })

        var inputs = [self, weight]
        if let bias { inputs.append(bias) }
        return Variable.record(y, inputs: inputs) {
            [needX = requiresGrad, needW = weight.requiresGrad, hasBias = bias != nil, needBias = bias?.requiresGrad ?? false] g in
            var grads: [Tensor?] = [nil, nil]
            g.scalars.withUnsafeBufferPointer { pg in
                if needX {
                    grads[0] = Tensor(shape: x.shape, unsafeUninitializedScalars: { dx in
                        w.scalars.withUnsafeBufferPointer { pw in
                            gemm(false, false, m: rows, n: inFeatures, k: outFeatures,
                                 a: pg.baseAddress!, lda: outFeatures, b: pw.baseAddress!, ldb: inFeatures,
                                 c: dx.baseAddress!, ldc: inFeatures, accumulate: false)
                        }
                    })
                }
                if needW {
                    grads[1] = Tensor(shape: w.shape, unsafeUninitializedScalars: { dw in
                        x.scalars.withUnsafeBufferPointer { px in
                            gemm(true, false, m: outFeatures, n: inFeatures, k: rows,
                                 a: pg.baseAddress!, lda: outFeatures, b: px.baseAddress!, ldb: inFeatures,
                                 c: dw.baseAddress!, ldc: inFeatures, accumulate: false)
                        }
                    })
                }
            }
            if hasBias { grads.append(needBias ? g.sum(toShape: [outFeatures]) : nil) }
            return grads
        }
    }
}

/// The geometry of `op(A)·op(B)` and the GEMMs of its backward pass.
private struct MatmulShapes {
    let aShape: [Int], bShape: [Int]
    let transposeA: Bool, transposeB: Bool
    /// op(A) is `[m, k]`, op(B) is `[k, n]`.
    let m: Int, n: Int, k: Int
    /// Number of matrices in A's leading axes (1 for a plain matrix).
    let batch: Int
    /// Whether B is one matrix shared by every batch entry of A.
    let sharedB: Bool
    /// Row lengths of the stored A and B.
    var aColumns: Int { aShape[aShape.count - 1] }
    var bColumns: Int { bShape[bShape.count - 1] }

    init(_ aShape: [Int], _ bShape: [Int], transposeA: Bool, transposeB: Bool) {
        self.aShape = aShape
        self.bShape = bShape
        self.transposeA = transposeA
        self.transposeB = transposeB
        let (aRows, aCols) = (aShape[aShape.count - 2], aShape[aShape.count - 1])
        let (bRows, bCols) = (bShape[bShape.count - 2], bShape[bShape.count - 1])
        (m, k) = transposeA ? (aCols, aRows) : (aRows, aCols)
        n = transposeB ? bRows : bCols
        batch = aShape.dropLast(2).reduce(1, *)
        sharedB = bShape.count == 2
    }

    /// ∂A for the upstream gradient `g` (`[..., m, n]`) and the stored right operand `b`.
    func gradientA(_ g: Tensor, _ b: Tensor) -> Tensor {
        Tensor(shape: aShape, unsafeUninitializedScalars: { da in
            g.scalars.withUnsafeBufferPointer { pg in
                b.scalars.withUnsafeBufferPointer { pb in
                    let g0 = pg.baseAddress!, b0 = pb.baseAddress!, a0 = da.baseAddress!
                    if sharedB && !transposeA {
                        // ∂A = ∂C·op(B)ᵀ over all leading rows at once.
                        gemm(false, !transposeB, m: batch * m, n: k, k: n, a: g0, lda: n, b: b0, ldb: bColumns,
                             c: a0, ldc: k, accumulate: false)
                        return
                    }
                    let bStride = sharedB ? 0 : k * n
                    for i in 0..<batch {
                        let gi = g0 + i * m * n, bi = b0 + i * bStride, ai = a0 + i * m * k
                        if transposeA {
                            // ∂A [k, m] = op(B)·∂Cᵀ
                            gemm(transposeB, true, m: k, n: m, k: n, a: bi, lda: bColumns, b: gi, ldb: n,
                                 c: ai, ldc: m, accumulate: false)
                        } else {
                            gemm(false, !transposeB, m: m, n: k, k: n, a: gi, lda: n, b: bi, ldb: bColumns,
                                 c: ai, ldc: k, accumulate: false)
                        }
                    }
                }
            }
        })
    }

    /// ∂B for the upstream gradient `g` and the stored left operand `a`; a shared B sums over the batch.
    func gradientB(_ g: Tensor, _ a: Tensor) -> Tensor {
        Tensor(shape: bShape, unsafeUninitializedScalars: { db in
            g.scalars.withUnsafeBufferPointer { pg in
                a.scalars.withUnsafeBufferPointer { pa in
                    let g0 = pg.baseAddress!, a0 = pa.baseAddress!, b0 = db.baseAddress!
                    if sharedB && !transposeA {
                        // Leading rows of A and ∂C flatten into one long K-dimension of the GEMM.
                        product(g0, a0, rows: batch * m, into: b0, accumulate: false)
                        return
                    }
                    let bStride = sharedB ? 0 : k * n
                    for i in 0..<batch {
                        product(g0 + i * m * n, a0 + i * m * k, rows: m, into: b0 + i * bStride,
                                accumulate: sharedB && i > 0)
                    }
                    if batch == 0 { db.update(repeating: 0) }
                }
            }
        })
    }

    /// ∂B (or its contribution) from `rows` rows of ∂C and the matching rows of op(A):
    /// op(A)ᵀ·∂C, or ∂Cᵀ·op(A) when B is transposed.
    private func product(_ g: UnsafePointer<Float>, _ a: UnsafePointer<Float>, rows: Int,
                         into c: UnsafeMutablePointer<Float>, accumulate: Bool) {
        if transposeB {
            gemm(true, transposeA, m: n, n: k, k: rows, a: g, lda: n, b: a, ldb: aColumns,
                 c: c, ldc: k, accumulate: accumulate)
        } else {
            gemm(!transposeA, false, m: k, n: n, k: rows, a: a, lda: aColumns, b: g, ldb: n,
                 c: c, ldc: n, accumulate: accumulate)
        }
    }
}

/// `C = op(A)·op(B)`, or `C += op(A)·op(B)` when `accumulate`, on row-major buffers (`op(A)` is
/// `[m, k]`, `op(B)` `[k, n]`); writes zeros when `k == 0` so that `C` is always defined. `panels`
/// (of a transposed `B`) are passed on to `sgemm`.
@inline(__always)
func gemm(_ transposeA: Bool, _ transposeB: Bool, m: Int, n: Int, k: Int,
          a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
          c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool, panels: TransposedPanels? = nil) {
    guard k > 0 else {
        if !accumulate { for row in 0..<m { (c + row * ldc).update(repeating: 0, count: n) } }
        return
    }
    sgemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
          a: a, lda: lda, b: b, ldb: ldb, beta: accumulate ? 1 : 0, c: c, ldc: ldc, panels: panels)
}
