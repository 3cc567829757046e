import CAutogradKernels
import Foundation
import Tensor

extension Variable {
    /// A single-layer GRU over whole sequences, fused: `input [B, L, In]` → hidden states `[B, L, H]`.
    ///
    /// PyTorch's gate order (r, z, n) and formula, with `h_{−1} = h0` (zeros when `nil`):
    /// ```
    /// r = σ(W_ir x + b_ir + W_hr h + b_hr)
    /// z = σ(W_iz x + b_iz + W_hz h + b_hz)
    /// n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))
    /// h' = (1 − z) ⊙ n + z ⊙ h
    /// ```
    /// - Parameters:
    ///   - h0: initial hidden state `[B, H]`, or `nil` for zeros.
    ///   - weightIH: `[3H, In]` (`weight_ih_l0`), rows `[W_ir; W_iz; W_in]`.
    ///   - weightHH: `[3H, H]` (`weight_hh_l0`).
    ///   - biasIH, biasHH: `[3H]` each, or `nil` for a GRU without biases.
    ///
    /// Each step costs two GEMMs over the batch rows (`x_t · W_ihᵀ` and `h_{t−1} · W_hhᵀ`, read in
    /// place from the batch-first tensors) and one vectorised gate pass; backward through time costs
    /// one gate pass and four GEMMs per step (`∂h_{t−1}`, `∂x_t`, and the accumulations of `∂W_hh`,
    /// `∂W_ih`) while that step's gate gradients are still in cache. The batch runs as independent
    /// chunks of about 256 rows; with `setBLASThreads(n)`, `n > 1`, they are shared out over `n`
    /// threads (each with single-threaded BLAS).
    public static func gru(
        input: Variable, h0: Variable? = nil, weightIH: Variable, weightHH: Variable,
        biasIH: Variable?, biasHH: Variable?
    ) -> Variable {
        precondition(input.value.rank == 3, "gru input must be [B, L, In], got \(input.shape)")
        let (batch, length, inputSize) = (input.shape[0], input.shape[1], input.shape[2])
        precondition(batch > 0 && length > 0 && inputSize > 0, "gru input must be non-empty, got \(input.shape)")
        precondition(weightHH.value.rank == 2 && weightHH.shape[0] == 3 * weightHH.shape[1],
                     "gru weightHH must be [3H, H], got \(weightHH.shape)")
        let hiddenSize = weightHH.shape[1]
        precondition(weightIH.shape == [3 * hiddenSize, inputSize],
                     "gru weightIH must be [3H, In] = \([3 * hiddenSize, inputSize]), got \(weightIH.shape)")
        for bias in [biasIH, biasHH] {
            if let bias { precondition(bias.shape == [3 * hiddenSize], "gru bias must be [3H], got \(bias.shape)") }
        }
        if let h0 { precondition(h0.shape == [batch, hiddenSize], "gru h0 must be [B, H], got \(h0.shape)") }

        let sequence = GRUSequence(input: input.value, h0: h0?.value, weightIH: weightIH.value,
                                   weightHH: weightHH.value, hiddenSize: hiddenSize,
                                   panels: (weightIH.transposedPanels, weightHH.transposedPanels))
        let output = sequence.forward(biasIH: biasIH?.value, biasHH: biasHH?.value)

        var inputs = [input, weightIH, weightHH]
        if let biasIH { inputs.append(biasIH) }
        if let biasHH { inputs.append(biasHH) }
        if let h0 { inputs.append(h0) }
        return Variable.record(output, inputs: inputs) { upstream in
            let g = sequence.backward(
                upstream: upstream, output: output,
                needs: .init(input: input.requiresGrad, weightIH: weightIH.requiresGrad,
                             weightHH: weightHH.requiresGrad, biasIH: biasIH?.requiresGrad ?? false,
                             biasHH: biasHH?.requiresGrad ?? false, h0: h0?.requiresGrad ?? false))
            var grads: [Tensor?] = [g.input, g.weightIH, g.weightHH]
            if biasIH != nil { grads.append(g.biasIH) }
            if biasHH != nil { grads.append(g.biasHH) }
            if h0 != nil { grads.append(g.h0) }
            return grads
        }
    }
}

/// One fused GRU call: its inputs, and the state saved by the forward pass for the backward pass.
///
/// The batch is split into parts ("chunks" of about `rowsPerChunk` rows, an equal number per
/// thread); each chunk is an independent GRU over its rows `b0..<b0+nb`. Per chunk and step t, `x_t`
/// and `h_{t−1}` are read in place from the batch-first input `[B, L, In]` and output `[B, L, H]`
/// (row stride `L·In`, `L·H`), and the saved buffers are time-major so that one step's rows are
/// contiguous (chunk block at `L·b0·width`, step `t` at `t·nb` rows within it):
/// - `gates [L·B, 3H]`: `W_ih x_t`, then `[r | z | n]`, then in backward `[dr | dz | dn ⊙ r]`;
/// - `hiddenN [L·B, H]`: `W_hn h_{t−1} + b_hn`.
/// Every per-step product is a GEMM on cache-resident rows; nothing is allocated inside the loops.
final class GRUSequence {
    let batch: Int, length: Int, inputSize: Int, hiddenSize: Int
    let input: Tensor, initialState: Tensor?, weightIH: Tensor, weightHH: Tensor
    /// The weights' `TransposedPanels` for the batch-invariant products of inference (else `nil`).
    let panelsIH: TransposedPanels?, panelsHH: TransposedPanels?
    /// Batch ranges, each run as an independent GRU; thread `i` of `threads` runs chunks
    /// `i·k..<(i+1)·k` (k = chunks per thread) one after the other.
    let chunks: [Range<Int>]
    let threads: Int
    let gates: UnsafeMutablePointer<Float>
    let hiddenN: UnsafeMutablePointer<Float>

    /// Fewest batch rows per thread worth splitting for.
    static let minimumRowsPerChunk = 32
    /// Rows per chunk to aim for: small enough that one step's gate rows and GEMM operands stay in
    /// the core's cache (measured: 256 rows beat 1024 by about 10 % at H = 128), large enough for
    /// efficient GEMMs.
    static let rowsPerChunk = 256
    /// Chunks of at most this many rows (a single request, a small serving batch) project their
    /// whole input first, one product per row over its L steps, so `W_ih` is read once per row
    /// rather than once per step; a one-row step is a matrix–vector product bound by reading its
    /// weights from cache. Larger chunks project step by step (their products are already GEMMs).
    static let projectAheadRows = 4

    init(input: Tensor, h0: Tensor?, weightIH: Tensor, weightHH: Tensor, hiddenSize: Int,
         panels: (ih: TransposedPanels?, hh: TransposedPanels?) = (nil, nil)) {
        let (batch, length) = (input.shape[0], input.shape[1])
        (self.batch, self.length, inputSize) = (batch, length, input.shape[2])
        self.hiddenSize = hiddenSize
        self.input = input
        initialState = h0
        self.weightIH = weightIH
        self.weightHH = weightHH
        (panelsIH, panelsHH) = panels
        let threads = max(1, min(blasThreads(), batch / GRUSequence.minimumRowsPerChunk))
        let perThread = max(1, Int((Double(batch) / Double(threads * GRUSequence.rowsPerChunk)).rounded()))
        let count = threads * perThread
        self.threads = threads
        chunks = (0..<count).map { c in (batch * c / count)..<(batch * (c + 1) / count) }
        gates = GRUBufferPool.take(batch * length * 3 * hiddenSize)
        hiddenN = GRUBufferPool.take(batch * length * hiddenSize)
    }

    deinit {
        GRUBufferPool.give(gates)
        GRUBufferPool.give(hiddenN)
    }

    /// Runs `body(chunkIndex)` for every chunk, on `threads` threads (BLAS is then single-threaded
    /// inside each chunk and restored afterwards).
    private func forEachChunk(_ body: (Int) -> Void) {
        if threads == 1 { for c in chunks.indices { body(c) }; return }
        let perThread = chunks.count / threads
        concurrentPerformWithSerialBLAS(parts: threads) { t in
            for c in (t * perThread)..<((t + 1) * perThread) { body(c) }
        }
    }

    /// Raw pointers shared by the forward and backward loops of one chunk.
    private struct ChunkView {
        let b0: Int, nb: Int, l: Int, n: Int, h: Int
        let x: UnsafePointer<Float>, output: UnsafePointer<Float>, h0: UnsafePointer<Float>?
        let gates: UnsafeMutablePointer<Float>, hiddenN: UnsafeMutablePointer<Float>
        /// `[nb, H]` zeros, standing for `h_{−1}` without `h0`.
        let zeros: UnsafePointer<Float>

        /// `x_t` of the chunk's first row; rows `L·In` apart.
        func inputRows(_ t: Int) -> UnsafePointer<Float> { x + (b0 * l + t) * n }
        /// `h_{t−1}` of the chunk's first row and the row stride.
        func previousRows(_ t: Int) -> (UnsafePointer<Float>, Int) {
            if t > 0 { return (output + (b0 * l + t - 1) * h, l * h) }
            return (h0.map { $0 + b0 * h } ?? zeros, h)
        }
        func gateRows(_ t: Int) -> UnsafeMutablePointer<Float> { gates + (l * b0 + t * nb) * 3 * h }
        func hiddenNRows(_ t: Int) -> UnsafeMutablePointer<Float> { hiddenN + (l * b0 + t * nb) * h }
    }

    private func withChunkViews<R>(output: UnsafePointer<Float>, _ body: ([ChunkView]) -> R) -> R {
        let zeros = [Float](repeating: 0, count: (chunks.map(\.count).max() ?? 0) * hiddenSize)
        return input.scalars.withUnsafeBufferPointer { x in
            (initialState?.scalars ?? []).withUnsafeBufferPointer { h0 in
                zeros.withUnsafeBufferPointer { z in
                    body(chunks.map { range in
                        ChunkView(b0: range.lowerBound, nb: range.count, l: length, n: inputSize, h: hiddenSize,
                                  x: x.baseAddress!, output: output,
                                  h0: initialState == nil ? nil : h0.baseAddress!,
                                  gates: gates, hiddenN: hiddenN, zeros: z.baseAddress!)
                    })
                }
            }
        }
    }

    /// The forward pass; returns the hidden states `[B, L, H]`.
    func forward(biasIH: Tensor?, biasHH: Tensor?) -> Tensor {
        let h = hiddenSize
        // Combined biases: [b_ir + b_hr | b_iz + b_hz | b_in] and b_hn.
        var inputBias = biasIH?.scalars ?? [Float](repeating: 0, count: 3 * h)
        if let biasHH { for j in 0..<(2 * h) { inputBias[j] += biasHH.scalars[j] } }
        let recurrentBiasN = biasHH.map { Array($0.scalars[(2 * h)...]) } ?? [Float](repeating: 0, count: h)

        return Tensor(shape: [batch, length, h], unsafeUninitializedScalars: { out in
            weightIH.scalars.withUnsafeBufferPointer { wIH in
            weightHH.scalars.withUnsafeBufferPointer { wHH in
            inputBias.withUnsafeBufferPointer { bias in
            recurrentBiasN.withUnsafeBufferPointer { biasN in
            withChunkViews(output: UnsafePointer(out.baseAddress!)) { views in
                forEachChunk { c in
                    forwardChunk(views[c], output: out.baseAddress!, weightIH: wIH.baseAddress!,
                                 weightHH: wHH.baseAddress!, inputBias: bias.baseAddress!,
                                 recurrentBiasN: biasN.baseAddress!)
                }
            }}}}}
        })
    }

    private func forwardChunk(
        _ v: ChunkView, output: UnsafeMutablePointer<Float>, weightIH: UnsafePointer<Float>,
        weightHH: UnsafePointer<Float>, inputBias: UnsafePointer<Float>, recurrentBiasN: UnsafePointer<Float>
    ) {
        let (nb, l, n, h) = (v.nb, v.l, v.n, v.h)
        let recurrent = UnsafeMutablePointer<Float>.allocate(capacity: nb * 3 * h)
        defer { recurrent.deallocate() }
        let projectAhead = nb <= GRUSequence.projectAheadRows
        if projectAhead {
            // W_ih x_t of row i for every t at once: its gate rows are nb rows apart.
            for i in 0..<nb {
                sgemm(transposeA: false, transposeB: true, m: l, n: 3 * h, k: n,
                      a: v.inputRows(0) + i * l * n, lda: n, b: weightIH, ldb: n,
                      c: v.gateRows(0) + i * 3 * h, ldc: nb * 3 * h, panels: panelsIH)
            }
        }
        for t in 0..<l {
            let gates = v.gateRows(t)
            let (previous, previousStride) = v.previousRows(t)
            // W_ih x_t (unless projected ahead) and W_hh h_{t−1} for the chunk's rows, then the gates.
            if !projectAhead {
                sgemm(transposeA: false, transposeB: true, m: nb, n: 3 * h, k: n,
                      a: v.inputRows(t), lda: l * n, b: weightIH, ldb: n, c: gates, ldc: 3 * h, panels: panelsIH)
            }
            sgemm(transposeA: false, transposeB: true, m: nb, n: 3 * h, k: h,
                  a: previous, lda: previousStride, b: weightHH, ldb: h, c: recurrent, ldc: 3 * h, panels: panelsHH)
            adr_gru_forward_step(nb, h, gates, recurrent, inputBias, recurrentBiasN, previous, previousStride,
                                 output + (v.b0 * l + t) * h, l * h, v.hiddenNRows(t))
        }
    }

    /// Which gradients the backward pass must produce.
    struct Needs {
        var input, weightIH, weightHH, biasIH, biasHH, h0: Bool
    }

    /// Gradients of the inputs, `nil` where not needed.
    struct Gradients {
        var input, weightIH, weightHH, biasIH, biasHH, h0: Tensor?
    }

    /// Backward through time from `upstream` = ∂loss/∂output `[B, L, H]`, given the forward `output`.
    /// Call once: it overwrites the saved gates.
    func backward(upstream: Tensor, output: Tensor, needs: Needs) -> Gradients {
        precondition(upstream.shape == [batch, length, hiddenSize], "gru upstream gradient has shape \(upstream.shape)")
        let (n, h) = (inputSize, hiddenSize)
        // Per-chunk partial sums of the parameter gradients: [∂W_ih | ∂W_hh | Σdr | Σdz | Σdn | Σdn⊙r].
        let partialSize = 3 * h * n + 3 * h * h + 4 * h
        var partials = [Float](repeating: 0, count: partialSize * chunks.count)
        let inputCount = needs.input ? batch * length * n : 0
        var inputGrad = [Float](unsafeUninitializedCapacity: inputCount) { _, count in count = inputCount }
        var h0Grad = needs.h0 ? [Float](repeating: 0, count: batch * h) : []

        upstream.scalars.withUnsafeBufferPointer { dOut in
        output.scalars.withUnsafeBufferPointer { out in
        weightIH.scalars.withUnsafeBufferPointer { wIH in
        weightHH.scalars.withUnsafeBufferPointer { wHH in
        partials.withUnsafeMutableBufferPointer { partial in
        inputGrad.withUnsafeMutableBufferPointer { dX in
        h0Grad.withUnsafeMutableBufferPointer { dH0 in
        withChunkViews(output: out.baseAddress!) { views in
            forEachChunk { c in
                backwardChunk(views[c], upstream: dOut.baseAddress!, weightIH: wIH.baseAddress!,
                              weightHH: wHH.baseAddress!, needs: needs,
                              partial: partial.baseAddress! + c * partialSize,
                              inputGrad: dX.baseAddress, h0Grad: dH0.baseAddress)
            }
        }}}}}}}}

        for c in 1..<max(1, chunks.count) {
            for i in 0..<partialSize { partials[i] += partials[c * partialSize + i] }
        }
        let wIHEnd = 3 * h * n, wHHEnd = wIHEnd + 3 * h * h
        let sums = Array(partials[wHHEnd..<(wHHEnd + 4 * h)])
        let rz = Array(sums[0..<(2 * h)])
        var result = Gradients()
        if needs.input { result.input = Tensor(shape: [batch, length, n], scalars: inputGrad) }
        if needs.h0 { result.h0 = Tensor(shape: [batch, h], scalars: h0Grad) }
        if needs.weightIH { result.weightIH = Tensor(shape: [3 * h, n], scalars: Array(partials[0..<wIHEnd])) }
        if needs.weightHH { result.weightHH = Tensor(shape: [3 * h, h], scalars: Array(partials[wIHEnd..<wHHEnd])) }
        if needs.biasIH { result.biasIH = Tensor(shape: [3 * h], scalars: rz + sums[(2 * h)..<(3 * h)]) }
        if needs.biasHH { result.biasHH = Tensor(shape: [3 * h], scalars: rz + sums[(3 * h)...]) }
        return result
    }

    private func backwardChunk(
        _ v: ChunkView, upstream: UnsafePointer<Float>, weightIH: UnsafePointer<Float>, weightHH: UnsafePointer<Float>,
        needs: Needs, partial: UnsafeMutablePointer<Float>,
        inputGrad: UnsafeMutablePointer<Float>?, h0Grad: UnsafeMutablePointer<Float>?
    ) {
        let (b0, nb, l, n, h) = (v.b0, v.nb, v.l, v.n, v.h)
        let dWIH = partial, dWHH = partial + 3 * h * n, biasSums = partial + 3 * h * n + 3 * h * h

        // `carry` holds ∂loss/∂h_t arriving from step t+1; `inputSide` the step's [dr | dz | dn].
        let carry = UnsafeMutablePointer<Float>.allocate(capacity: nb * h)
        let inputSide = UnsafeMutablePointer<Float>.allocate(capacity: nb * 3 * h)
        defer { carry.deallocate(); inputSide.deallocate() }
        carry.initialize(repeating: 0, count: nb * h)
        for t in stride(from: l - 1, through: 0, by: -1) {
            let recurrentSide = v.gateRows(t)
            let (previous, previousStride) = v.previousRows(t)
            adr_gru_backward_step(nb, h, upstream + (b0 * l + t) * h, l * h, carry, recurrentSide,
                                  v.hiddenNRows(t), previous, previousStride, inputSide, biasSums)
            if needs.weightHH && (t > 0 || initialState != nil) {
                // ∂W_hh += [dr | dz | dn⊙r]ᵀ · h_{t−1}   ([3H, nb] · [nb, H])
                sgemm(transposeA: true, transposeB: false, m: 3 * h, n: h, k: nb, a: recurrentSide, lda: 3 * h,
                      b: previous, ldb: previousStride, beta: 1, c: dWHH, ldc: h)
            }
            if t > 0 || needs.h0 {
                // carry += [dr | dz | dn⊙r] · W_hh   ([nb, 3H] · [3H, H])
                sgemm(transposeA: false, transposeB: false, m: nb, n: h, k: 3 * h, a: recurrentSide, lda: 3 * h,
                      b: weightHH, ldb: h, beta: 1, c: carry, ldc: h)
            }
            if needs.weightIH {
                // ∂W_ih += [dr | dz | dn]ᵀ · x_t   ([3H, nb] · [nb, In])
                sgemm(transposeA: true, transposeB: false, m: 3 * h, n: n, k: nb, a: inputSide, lda: 3 * h,
                      b: v.inputRows(t), ldb: l * n, beta: 1, c: dWIH, ldc: n)
            }
            if needs.input, let inputGrad {
                // ∂x_t = [dr | dz | dn] · W_ih   ([nb, 3H] · [3H, In]), straight into [B, L, In]
                sgemm(transposeA: false, transposeB: false, m: nb, n: n, k: 3 * h, a: inputSide, lda: 3 * h,
                      b: weightIH, ldb: n, c: inputGrad + (b0 * l + t) * n, ldc: l * n)
            }
        }
        if needs.h0, let h0Grad { (h0Grad + b0 * h).update(from: carry, count: nb * h) }
    }
}

/// Recycles the large saved-state buffers of `GRUSequence` between calls: a fresh allocation of
/// tens of megabytes costs one page fault per 4 KiB page on first touch, every training step.
/// Keeps at most `maximumBytes` of idle buffers; thread-safe.
enum GRUBufferPool {
    private static let lock = NSLock()
    /// Idle buffers and their capacities (in floats).
    private static var idle: [(buffer: UnsafeMutablePointer<Float>, capacity: Int)] = []
    /// Capacities of buffers handed out, by address.
    private static var capacities: [UnsafeMutablePointer<Float>: Int] = [:]
    static let maximumBytes = 1 << 30

    /// An uninitialised buffer of at least `count` floats: the smallest idle one that fits, or a new one.
    static func take(_ count: Int) -> UnsafeMutablePointer<Float> {
        let count = max(1, count)
        lock.lock()
        defer { lock.unlock() }
        let fitting = idle.indices.filter { idle[$0].capacity >= count }
        if let best = fitting.min(by: { idle[$0].capacity < idle[$1].capacity }) {
            let entry = idle.remove(at: best)
            capacities[entry.buffer] = entry.capacity
            return entry.buffer
        }
        let buffer = UnsafeMutablePointer<Float>.allocate(capacity: count)
        capacities[buffer] = count
        return buffer
    }

    /// Returns a buffer from `take`; frees the smallest idle buffers beyond the size limit.
    static func give(_ buffer: UnsafeMutablePointer<Float>) {
        lock.lock()
        defer { lock.unlock() }
        guard let capacity = capacities.removeValue(forKey: buffer) else {
            preconditionFailure("GRUBufferPool.give: buffer was not taken from the pool")
        }
        idle.append((buffer, capacity))
        idle.sort { $0.capacity > $1.capacity }
        var bytes = 0
        idle.removeAll { entry in
            bytes += entry.capacity * MemoryLayout<Float>.stride
            if bytes > maximumBytes { entry.buffer.deallocate(); return true }
            return false
        }
    }
}
