import Tensor

extension Variable {
    /// The weight part of an adaptive Linear layer whose weight modulation comes from a slot memory
    /// (Ada-Ranker's memory units, AdaLayers README § Parameter modulation), fused so that no
    /// `[B, out, in]` tensor is ever materialised:
    ///
    ///     M_b = Σ_s attention[b, s] · slots[s]          (reshaped [out, in]; the memory read-out)
    ///     y_b = x_b · (M_b ⊙ W)ᵀ                         x_b [C, in] → y_b [C, out]
    ///
    /// for `x [B, C, in]`, `attention [B, S]`, `slots [S, out·in]` and `weight W [out, in]`,
    /// giving `[B, C, out]`. It equals `x.matmul(memoryRead * weight, transposeB: true)` with
    /// `memoryRead = attention.matmul(slots).reshaped([B, out, in])`.
    ///
    /// Rows are processed in small blocks: the block's `M` is one GEMM (`[R, S]·[S, out·in]`), then
    /// one GEMM per row. Backward recomputes `M` per block and, per row, with `G_b = ∂y_bᵀ · x_b`:
    /// `∂x_b = ∂y_b · (M_b ⊙ W)`, `∂W += G_b ⊙ M_b`, `∂M_b = G_b ⊙ W`; per block
    /// `∂attention = ∂M · slotsᵀ` and `∂slots += attentionᵀ · ∂M`.
    public static func slotModulatedLinear(_ x: Variable, attention: Variable, slots: Variable,
                                           weight: Variable) -> Variable {
        let geometry = SlotModulatedLinear(x: x.shape, attention: attention.shape, slots: slots.shape,
                                           weight: weight.shape)
        let (xValue, attentionValue, slotsValue, weightValue) = (x.value, attention.value, slots.value, weight.value)
        let output = geometry.forward(x: xValue, attention: attentionValue, slots: slotsValue, weight: weightValue)
        return record(output, inputs: [x, attention, slots, weight]) {
            [needs = [x.requiresGrad, attention.requiresGrad, slots.requiresGrad, weight.requiresGrad]] g in
            geometry.backward(g, x: xValue, attention: attentionValue, slots: slotsValue, weight: weightValue,
                              needs: needs)
        }
    }
}

/// Shapes and kernels of `Variable.slotModulatedLinear`.
struct SlotModulatedLinear {
    let rows: Int, columns: Int, inFeatures: Int, outFeatures: Int, slotCount: Int
    /// `out · in`, the size of one modulated weight.
    var weightSize: Int { outFeatures * inFeatures }
    /// Rows per block: the block's `M` and `∂M` (`rowsPerBlock · out · in` floats each) stay in cache.
    var rowsPerBlock: Int { max(1, min(rows, 65_536 / max(weightSize, 1))) }

    init(x: [Int], attention: [Int], slots: [Int], weight: [Int]) {
        precondition(x.count == 3, "slotModulatedLinear input must be [B, C, in], got \(x)")
        precondition(weight.count == 2 && weight[1] == x[2],
                     "slotModulatedLinear weight \(weight) does not fit input \(x) ([out, in] expected)")
        precondition(attention.count == 2 && attention[0] == x[0],
                     "slotModulatedLinear attention \(attention) must be [B, S] with B = \(x[0])")
        precondition(slots == [attention[1], weight[0] * weight[1]],
                     "slotModulatedLinear slots \(slots) must be [S, out·in] = \([attention[1], weight[0] * weight[1]])")
        precondition(attention[1] >= 1, "slotModulatedLinear needs at least one slot")
        (rows, columns, inFeatures) = (x[0], x[1], x[2])
        (outFeatures, slotCount) = (weight[0], attention[1])
    }

    func forward(x: Tensor, attention: Tensor, slots: Tensor, weight: Tensor) -> Tensor {
        let (c, n, o, s, size) = (columns, inFeatures, outFeatures, slotCount, weightSize)
        let block = rowsPerBlock
        var memory = [Float](repeating: 0, count: block * size)
        var modulated = [Float](repeating: 0, count: size)
        return Tensor(shape: [rows, c, o], unsafeUninitializedScalars: { y in
            x.scalars.withUnsafeBufferPointer { px in
            attention.scalars.withUnsafeBufferPointer { pa in
            slots.scalars.withUnsafeBufferPointer { ps in
            weight.scalars.withUnsafeBufferPointer { pw in
            memory.withUnsafeMutableBufferPointer { pm in
            modulated.withUnsafeMutableBufferPointer { pmod in
                for first in stride(from: 0, to: rows, by: block) {
                    let count = min(block, rows - first)
                    readMemory(rows: count, attention: pa.baseAddress! + first * s, slots: ps.baseAddress!,
                               into: pm.baseAddress!)
                    for r in 0..<count {
                        let m = pm.baseAddress! + r * size
                        for i in 0..<size { pmod[i] = m[i] * pw[i] }
                        let b = first + r
                        sgemm(transposeA: false, transposeB: true, m: c, n: o, k: n,
                              a: px.baseAddress! + b * c * n, lda: n, b: pmod.baseAddress!, ldb: n,
                              c: y.baseAddress! + b * c * o, ldc: o)
                    }
                }
            }}}}}}
        })
    }

    /// The memory read-out of `rows` consecutive rows: `memory [rows, out·in] = attention [rows, S] · slots`.
    /// One GEMM for a block of rows; for very few rows (in training) a direct accumulation,
    /// because packing the `[S, out·in]` slots for OpenBLAS's GEMM costs more than the product
    /// itself. Inside `withBatchInvariantProducts` (inference) always the GEMM, which then runs on
    /// the row-invariant kernel (no packing): the direct sums round differently (no fused
    /// multiply-add), and a row must not depend on whether its block holds 1, 2 or 16 rows.
    func readMemory(rows count: Int, attention: UnsafePointer<Float>, slots: UnsafePointer<Float>,
                    into memory: UnsafeMutablePointer<Float>) {
        let (s, size) = (slotCount, weightSize)
        guard count <= 2 && !batchInvariantProducts else {
            sgemm(transposeA: false, transposeB: false, m: count, n: size, k: s,
                  a: attention, lda: s, b: slots, ldb: size, c: memory, ldc: size)
            return
        }
        for r in 0..<count {
            let m = memory + r * size
            let weights = attention + r * s
            // Eight outputs at a time, summed over the slots in registers (one store per output).
            var i = 0
            while i + 8 <= size {
                var sum = SIMD8<Float>(repeating: 0)
                for slot in 0..<s {
                    let row = UnsafeRawPointer(slots + slot * size + i)
                    sum += weights[slot] * row.loadUnaligned(as: SIMD8<Float>.self)
                }
                UnsafeMutableRawPointer(m + i).storeBytes(of: sum, as: SIMD8<Float>.self)
                i += 8
            }
            while i < size {
                var sum: Float = 0
                for slot in 0..<s { sum += weights[slot] * slots[slot * size + i] }
                m[i] = sum
                i += 1
            }
        }
    }

    /// Gradients for `[x, attention, slots, weight]` (nil where `needs` is false).
    func backward(_ g: Tensor, x: Tensor, attention: Tensor, slots: Tensor, weight: Tensor,
                  needs: [Bool]) -> [Tensor?] {
        let (s, size) = (slotCount, weightSize)
        let (needX, needAttention, needSlots, needWeight) = (needs[0], needs[1], needs[2], needs[3])
        let needMemoryGradient = needAttention || needSlots
        let block = rowsPerBlock
        var dx = needX ? Tensor.zeros(x.shape) : Tensor.zeros([0])
        var dAttention = needAttention ? Tensor.zeros(attention.shape) : Tensor.zeros([0])
        var dSlots = needSlots ? Tensor.zeros(slots.shape) : Tensor.zeros([0])
        var dWeight = needWeight ? Tensor.zeros(weight.shape) : Tensor.zeros([0])
        var memory = [Float](repeating: 0, count: block * size)
        var memoryGradient = [Float](repeating: 0, count: needMemoryGradient ? block * size : 0)
        var modulated = [Float](repeating: 0, count: size)
        var rowGradient = [Float](repeating: 0, count: size)

        g.scalars.withUnsafeBufferPointer { pg in
        x.scalars.withUnsafeBufferPointer { px in
        attention.scalars.withUnsafeBufferPointer { pa in
        slots.scalars.withUnsafeBufferPointer { ps in
        weight.scalars.withUnsafeBufferPointer { pw in
        memory.withUnsafeMutableBufferPointer { pm in
        memoryGradient.withUnsafeMutableBufferPointer { pdm in
        modulated.withUnsafeMutableBufferPointer { pmod in
        rowGradient.withUnsafeMutableBufferPointer { pgr in
        dx.scalars.withUnsafeMutableBufferPointer { pdx in
        dAttention.scalars.withUnsafeMutableBufferPointer { pda in
        dSlots.scalars.withUnsafeMutableBufferPointer { pds in
        dWeight.scalars.withUnsafeMutableBufferPointer { pdw in
            let p = SlotLinearBackwardBuffers(pg: pg, px: px, pa: pa, ps: ps, pw: pw, pm: pm, pdm: pdm,
                                              pmod: pmod, pgr: pgr, pdx: pdx, pda: pda, pds: pds, pdw: pdw)
            for first in stride(from: 0, to: rows, by: block) {
                let count = min(block, rows - first)
                readMemory(rows: count, attention: pa.baseAddress! + first * s, slots: ps.baseAddress!,
                           into: pm.baseAddress!)
                backwardRows(first: first, count: count, p, needX: needX, needWeight: needWeight,
                             needMemoryGradient: needMemoryGradient)
                guard needMemoryGradient else { continue }
                backwardMemory(first: first, count: count, p, needAttention: needAttention, needSlots: needSlots)
            }
        }}}}}}}}}}}}}
        return [needX ? dx : nil, needAttention ? dAttention : nil, needSlots ? dSlots : nil,
                needWeight ? dWeight : nil]
    }

    /// Per row of the block starting at `first`: `∂x_b`, and with `G_b = ∂y_bᵀ · x_b`,
    /// `∂W += G_b ⊙ M_b` and the block's `∂M_b = G_b ⊙ W`.
    @inline(__always)
    private func backwardRows(first: Int, count: Int, _ p: SlotLinearBackwardBuffers,
                              needX: Bool, needWeight: Bool, needMemoryGradient: Bool) {
        let (c, n, o, size) = (columns, inFeatures, outFeatures, weightSize)
        let (pg, px, pw, pm, pdm, pmod, pgr, pdx, pdw) = (p.pg, p.px, p.pw, p.pm, p.pdm, p.pmod, p.pgr, p.pdx, p.pdw)
        for r in 0..<count {
            let b = first + r
            let m = pm.baseAddress! + r * size
            let gb = pg.baseAddress! + b * c * o
            if needX {
                for i in 0..<size { pmod[i] = m[i] * pw[i] }
                sgemm(transposeA: false, transposeB: false, m: c, n: n, k: o,
                      a: gb, lda: o, b: pmod.baseAddress!, ldb: n,
                      c: pdx.baseAddress! + b * c * n, ldc: n)
            }
            guard needWeight || needMemoryGradient else { continue }
            // G_b = ∂y_bᵀ · x_b: [out, in]
            sgemm(transposeA: true, transposeB: false, m: o, n: n, k: c,
                  a: gb, lda: o, b: px.baseAddress! + b * c * n, ldb: n,
                  c: pgr.baseAddress!, ldc: n)
            if needWeight {
                for i in 0..<size { pdw[i] += pgr[i] * m[i] }
            }
            if needMemoryGradient {
                let dm = pdm.baseAddress! + r * size
                for i in 0..<size { dm[i] = pgr[i] * pw[i] }
            }
        }
    }

    /// Per block starting at `first`: `∂attention = ∂M · slotsᵀ` and `∂slots += attentionᵀ · ∂M`.
    @inline(__always)
    private func backwardMemory(first: Int, count: Int, _ p: SlotLinearBackwardBuffers,
                                needAttention: Bool, needSlots: Bool) {
        let (s, size) = (slotCount, weightSize)
        let (pa, ps, pdm, pda, pds) = (p.pa, p.ps, p.pdm, p.pda, p.pds)
        if needAttention {
            sgemm(transposeA: false, transposeB: true, m: count, n: s, k: size,
                  a: pdm.baseAddress!, lda: size, b: ps.baseAddress!, ldb: size,
                  c: pda.baseAddress! + first * s, ldc: s)
        }
        if needSlots {
            sgemm(transposeA: true, transposeB: false, m: s, n: size, k: count,
                  a: pa.baseAddress! + first * s, lda: s, b: pdm.baseAddress!, ldb: size,
                  beta: 1, c: pds.baseAddress!, ldc: size)
        }
    }
}

/// The buffers of one `SlotModulatedLinear.backward` pass: inputs (`g`, `x`, attention, slots,
/// weight), the block's `M` and `∂M`, one row's `M_b ⊙ W` and `G_b`, and the gradient outputs
/// (empty when not needed).
private struct SlotLinearBackwardBuffers {
    let pg, px, pa, ps, pw: UnsafeBufferPointer<Float>
    let pm, pdm, pmod, pgr: UnsafeMutableBufferPointer<Float>
    let pdx, pda, pds, pdw: UnsafeMutableBufferPointer<Float>
}
