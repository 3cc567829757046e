/// Row gathers and scatters (embedding lookups and their gradients), masking and selection.
///
/// A "row" is everything after the leading axis: for a table `[N, r...]`, row `i` holds the
/// `r.product` scalars of `table[i]`.
extension Tensor {
    /// Embedding lookup: `self [N, r...]`, `ids` of any shape `S` → `[S..., r...]`, where
    /// `result[s] = self[ids[s]]`.
    /// - Precondition: every id is in `0 ..< N`.
    public func gatherRows(_ ids: IndexTensor) -> Tensor {
        precondition(rank >= 1, "gatherRows needs a table of rank ≥ 1, got shape \(shape)")
        let rowCount = shape[0], rowSize = shape.dropFirst().reduce(1, *)
        return Tensor(shape: ids.shape + shape.dropFirst(), unsafeUninitializedScalars: { out in
            scalars.withUnsafeBufferPointer { table in
                ids.indices.withUnsafeBufferPointer { idBuffer in
                    for (position, id) in idBuffer.enumerated() {
                        precondition(id >= 0 && id < rowCount,
                                     "gatherRows: id \(id) at position \(position) is outside 0..<\(rowCount) (table shape \(shape))")
                        (out.baseAddress! + position * rowSize).update(from: table.baseAddress! + id * rowSize, count: rowSize)
                    }
                }
            }
        })
    }

    /// The adjoint of `gatherRows`: `values [S..., r...]` summed into `[rowCount, r...]` at the
    /// rows named by `ids` (shape `S`); repeated ids accumulate, untouched rows are 0.
    public static func scatterAddRows(_ values: Tensor, ids: IndexTensor, rowCount: Int) -> Tensor {
        precondition(values.rank >= ids.rank && Array(values.shape.prefix(ids.rank)) == ids.shape,
                     "scatterAddRows: values shape \(values.shape) must start with ids shape \(ids.shape)")
        let rowShape = Array(values.shape.dropFirst(ids.rank))
        let rowSize = rowShape.reduce(1, *)
        var result = Tensor.zeros([rowCount] + rowShape)
        result.scalars.withUnsafeMutableBufferPointer { table in
            values.scalars.withUnsafeBufferPointer { source in
                ids.indices.withUnsafeBufferPointer { idBuffer in
                    for (position, id) in idBuffer.enumerated() {
                        precondition(id >= 0 && id < rowCount,
                                     "scatterAddRows: id \(id) at position \(position) is outside 0..<\(rowCount)")
                        let dst = table.baseAddress! + id * rowSize, src = source.baseAddress! + position * rowSize
                        for j in 0..<rowSize { dst[j] += src[j] }
                    }
                }
            }
        }
        return result
    }

    /// Per-batch row gather: `self [B, N, r...]`, `ids [B, T]` → `[B, T, r...]` with
    /// `result[b, t] = self[b, ids[b, t]]` (SR-GNN's alias lookup).
    /// - Precondition: every id is in `0 ..< N`.
    public func batchedGatherRows(_ ids: IndexTensor) -> Tensor {
        precondition(rank >= 2 && ids.rank == 2 && ids.shape[0] == shape[0],
                     "batchedGatherRows needs self [B, N, ...] and ids [B, T], got \(shape) and \(ids.shape)")
        let batch = shape[0], rowCount = shape[1], steps = ids.shape[1]
        let rowSize = shape.dropFirst(2).reduce(1, *)
        return Tensor(shape: [batch, steps] + shape.dropFirst(2), unsafeUninitializedScalars: { out in
            scalars.withUnsafeBufferPointer { table in
                ids.indices.withUnsafeBufferPointer { idBuffer in
                    for b in 0..<batch {
                        for t in 0..<steps {
                            let id = idBuffer[b * steps + t]
                            precondition(id >= 0 && id < rowCount,
                                         "batchedGatherRows: id \(id) at [\(b), \(t)] is outside 0..<\(rowCount) (shape \(shape))")
                            (out.baseAddress! + (b * steps + t) * rowSize)
                                .update(from: table.baseAddress! + (b * rowCount + id) * rowSize, count: rowSize)
                        }
                    }
                }
            }
        })
    }

    /// The adjoint of `batchedGatherRows`: `values [B, T, r...]` summed into `[B, rowCount, r...]`
    /// at `[b, ids[b, t]]`; repeated ids accumulate.
    public static func batchedScatterAddRows(_ values: Tensor, ids: IndexTensor, rowCount: Int) -> Tensor {
        precondition(ids.rank == 2 && values.rank >= 2 && Array(values.shape.prefix(2)) == ids.shape,
                     "batchedScatterAddRows needs values [B, T, ...] and ids [B, T], got \(values.shape) and \(ids.shape)")
        let batch = ids.shape[0], steps = ids.shape[1]
        let rowShape = Array(values.shape.dropFirst(2))
        let rowSize = rowShape.reduce(1, *)
        var result = Tensor.zeros([batch, rowCount] + rowShape)
        result.scalars.withUnsafeMutableBufferPointer { table in
            values.scalars.withUnsafeBufferPointer { source in
                ids.indices.withUnsafeBufferPointer { idBuffer in
                    for b in 0..<batch {
                        for t in 0..<steps {
                            let id = idBuffer[b * steps + t]
                            precondition(id >= 0 && id < rowCount,
                                         "batchedScatterAddRows: id \(id) at [\(b), \(t)] is outside 0..<\(rowCount)")
                            let dst = table.baseAddress! + (b * rowCount + id) * rowSize
                            let src = source.baseAddress! + (b * steps + t) * rowSize
                            for j in 0..<rowSize { dst[j] += src[j] }
                        }
                    }
                }
            }
        }
        return result
    }

    /// This tensor with `value` wherever `mask != 0`; `mask` broadcasts to `self.shape`.
    public func maskedFill(_ mask: Tensor, value: Float) -> Tensor {
        precondition(Tensor.isBroadcastable(mask.shape, to: shape),
                     "maskedFill: mask shape \(mask.shape) does not broadcast to \(shape)")
        var loop = BroadcastLoop(outputShape: shape, operandShapes: [mask.shape])
        let inner = loop.innerCount, step = loop.innerStrides[0]
        var result = self
        result.scalars.withUnsafeMutableBufferPointer { out in
            mask.scalars.withUnsafeBufferPointer { m in
                guard let o = out.baseAddress, let pm = m.baseAddress else { return }
                for row in 0..<loop.rowCount {
                    let dst = o + row * inner, maskRow = pm + loop.offsets[0]
                    if step == 1 {
                        for j in 0..<inner where maskRow[j] != 0 { dst[j] = value }
                    } else if maskRow[0] != 0 {
                        dst.update(repeating: value, count: inner)
                    }
                    loop.advance()
                }
            }
        }
        return result
    }

    /// Elementwise `condition != 0 ? a : b` (NumPy's `where`), all three broadcast together.
    public static func select(_ condition: Tensor, _ a: Tensor, _ b: Tensor) -> Tensor {
        let shape = broadcastShape(condition.shape, broadcastShape(a.shape, b.shape))
        var loop = BroadcastLoop(outputShape: shape, operandShapes: [condition.shape, a.shape, b.shape])
        let inner = loop.innerCount
        let stepC = loop.innerStrides[0], stepA = loop.innerStrides[1], stepB = loop.innerStrides[2]
        return Tensor(shape: shape, unsafeUninitializedScalars: { out in
            condition.scalars.withUnsafeBufferPointer { c in
                a.scalars.withUnsafeBufferPointer { x in
                    b.scalars.withUnsafeBufferPointer { y in
                        guard let o = out.baseAddress else { return }
                        let pc = c.baseAddress!, px = x.baseAddress!, py = y.baseAddress!
                        for row in 0..<loop.rowCount {
                            let dst = o + row * inner
                            let cr = pc + loop.offsets[0], xr = px + loop.offsets[1], yr = py + loop.offsets[2]
                            for j in 0..<inner { dst[j] = cr[j * stepC] != 0 ? xr[j * stepA] : yr[j * stepB] }
                            loop.advance()
                        }
                    }
                }
            }
        })
    }
}
