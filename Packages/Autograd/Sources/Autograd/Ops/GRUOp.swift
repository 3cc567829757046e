import CBLAS
import CGRUKernels
import Dispatch
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
    /// The input projection of all `B·L` steps is one GEMM; each step then costs one recurrent GEMM
    /// `[B, H] · W_hhᵀ` and one vectorised gate pass; backward through time costs one GEMM per step
    /// for `∂h_{t−1}` and a handful of large GEMMs at the end for the weights and the input. With
    /// `setBLASThreads(n)`, `n > 1`, the batch is split into `n` independent parts that run on `n`
    /// threads (each with single-threaded BLAS).
    public static func gru(
        input: Variable, h0: Variable? = nil, weightIH: Variable, weightHH: Variable,
        biasIH: Variable?, biasHH: Variable?
    ) -> Variable {
        precondition(input.value.rank == 3, "gru input must be [B, L, In], got \(input.shape)")
        let (batch, length, inputSize) = (input.shape[0], input.shape[1], input.shape[2])
        precondition(weightHH.value.rank == 2 && weightHH.shape[0] == 3 * weightHH.shape[1],
                     "gru weightHH must be [3H, H], got \(weightHH.shape)")
        let hiddenSize = weightHH.shape[1]
        precondition(weightIH.shape == [3 * hiddenSize, inputSize],
                     "gru weightIH must be [3H, In] = \([3 * hiddenSize, inputSize]), got \(weightIH.shape)")
        for bias in [biasIH, biasHH] {
            if let bias { precondition(bias.shape == [3 * hiddenSize], "gru bias must be [3H], got \(bias.shape)") }
        }
        if let h0 { precondition(h0.shape == [batch, hiddenSize], "gru h0 must be [B, H], got \(h0.shape)") }

        let sequence = GRUSequence(batch: batch, length: length, inputSize: inputSize, hiddenSize: hiddenSize)
        let weightIHValue = weightIH.value, weightHHValue = weightHH.value
        let output = sequence.forward(input: input.value, h0: h0?.value, weightIH: weightIHValue,
                                      weightHH: weightHHValue, biasIH: biasIH?.value, biasHH: biasHH?.value)

        var inputs = [input, weightIH, weightHH]
        if let biasIH { inputs.append(biasIH) }
        if let biasHH { inputs.append(biasHH) }
        if let h0 { inputs.append(h0) }
        return Variable.record(output, inputs: inputs) { upstream in
            let g = sequence.backward(
                upstream: upstream, weightIH: weightIHValue, weightHH: weightHHValue,
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

/// The saved state of one fused GRU call, kept for its backward pass.
///
/// Internally everything is time-major per batch part ("chunk"): chunk `c` covers batch rows
/// `b0..<b1` (`nb` rows) and owns contiguous blocks in which row `(t, b)` is at `t·nb + (b − b0)`, so
/// the rows of one step are contiguous and each chunk is an independent GRU that one thread runs.
/// Buffers (each chunk's block at offset `L·b0·width`, `hidden` at `(L+1)·b0·H`):
/// - `inputs [L·B, In]`: x, time-major (after backward: ∂x, time-major);
/// - `gates [L·B, 3H]`: `W_ih x`, then `[r | z | n]`, then `[dr | dz | dn ⊙ r]`;
/// - `hiddenN [L·B, H]`: `W_hn h + b_hn`, then `dn`;
/// - `hidden [(L+1)·B, H]`: `h_{−1}, h_0, …, h_{L−1}`.
final class GRUSequence {
    let batch: Int, length: Int, inputSize: Int, hiddenSize: Int
    /// Batch ranges run by separate threads.
    let chunks: [Range<Int>]
    let inputs: UnsafeMutablePointer<Float>
    let gates: UnsafeMutablePointer<Float>
    let hiddenN: UnsafeMutablePointer<Float>
    let hidden: UnsafeMutablePointer<Float>
    /// Whether `h0` was given (otherwise `h_{−1} = 0` and step 0 adds nothing to `∂W_hh`).
    var hasInitialState = false

    /// Fewest batch rows per thread worth splitting for.
    static let minimumRowsPerChunk = 32

    init(batch: Int, length: Int, inputSize: Int, hiddenSize: Int) {
        self.batch = batch
        self.length = length
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        let threads = max(1, min(Int(openblas_get_num_threads()), batch / GRUSequence.minimumRowsPerChunk))
        chunks = (0..<threads).map { c in (batch * c / threads)..<(batch * (c + 1) / threads) }
        let rows = batch * length
        inputs = GRUBufferPool.take(rows * inputSize)
        gates = GRUBufferPool.take(rows * 3 * hiddenSize)
        hiddenN = GRUBufferPool.take(rows * hiddenSize)
        hidden = GRUBufferPool.take((rows + batch) * hiddenSize)
    }

    deinit {
        GRUBufferPool.give(inputs)
        GRUBufferPool.give(gates)
        GRUBufferPool.give(hiddenN)
        GRUBufferPool.give(hidden)
    }

    /// Runs `body(chunkIndex)` for every chunk, in parallel when there are several (BLAS is then
    /// single-threaded inside each chunk and restored afterwards).
    private func forEachChunk(_ body: (Int) -> Void) {
        if chunks.count == 1 { body(0); return }
        let blasThreads = openblas_get_num_threads()
        openblas_set_num_threads(1)
        DispatchQueue.concurrentPerform(iterations: chunks.count, execute: body)
        openblas_set_num_threads(blasThreads)
    }

    /// The forward pass; returns `[B, L, H]`.
    func forward(input: Tensor, h0: Tensor?, weightIH: Tensor, weightHH: Tensor,
                 biasIH: Tensor?, biasHH: Tensor?) -> Tensor {
        let h = hiddenSize
        hasInitialState = h0 != nil
        // Combined biases: [b_ir + b_hr | b_iz + b_hz | b_in] and b_hn.
        var inputBias = biasIH?.scalars ?? [Float](repeating: 0, count: 3 * h)
        if let biasHH { for j in 0..<(2 * h) { inputBias[j] += biasHH.scalars[j] } }
        let recurrentBiasN = biasHH.map { Array($0.scalars[(2 * h)...]) } ?? [Float](repeating: 0, count: h)
        let initial = h0?.scalars ?? []

        return Tensor(shape: [batch, length, h], unsafeUninitializedScalars: { out in
            input.scalars.withUnsafeBufferPointer { x in
            weightIH.scalars.withUnsafeBufferPointer { wIH in
            weightHH.scalars.withUnsafeBufferPointer { wHH in
            inputBias.withUnsafeBufferPointer { bias in
            recurrentBiasN.withUnsafeBufferPointer { biasN in
            initial.withUnsafeBufferPointer { h0Rows in
                forEachChunk { c in
                    forwardChunk(c, x: x.baseAddress!, h0: h0 == nil ? nil : h0Rows.baseAddress, weightIH: wIH.baseAddress!,
                                 weightHH: wHH.baseAddress!, inputBias: bias.baseAddress!,
                                 recurrentBiasN: biasN.baseAddress!, output: out.baseAddress!)
                }
            }}}}}}
        })
    }

    private func forwardChunk(
        _ c: Int, x: UnsafePointer<Float>, h0: UnsafePointer<Float>?, weightIH: UnsafePointer<Float>,
        weightHH: UnsafePointer<Float>, inputBias: UnsafePointer<Float>, recurrentBiasN: UnsafePointer<Float>,
        output: UnsafeMutablePointer<Float>
    ) {
        let (b0, nb) = (chunks[c].lowerBound, chunks[c].count)
        let (l, n, h) = (length, inputSize, hiddenSize)
        let xs = inputs + l * b0 * n, gs = gates + l * b0 * 3 * h
        let hns = hiddenN + l * b0 * h, hs = hidden + (l + 1) * b0 * h

        // x [B, L, In] → time-major rows of this chunk, then the input projection of all steps.
        for t in 0..<l {
            for i in 0..<nb { (xs + (t * nb + i) * n).update(from: x + ((b0 + i) * l + t) * n, count: n) }
        }
        sgemm(transposeA: false, transposeB: true, m: l * nb, n: 3 * h, k: n,
              a: xs, lda: n, b: weightIH, ldb: n, c: gs, ldc: 3 * h)

        if let h0 { hs.update(from: h0 + b0 * h, count: nb * h) } else { hs.initialize(repeating: 0, count: nb * h) }
        let recurrent = UnsafeMutablePointer<Float>.allocate(capacity: nb * 3 * h)
        defer { recurrent.deallocate() }
        for t in 0..<l {
            let previous = hs + t * nb * h
            sgemm(transposeA: false, transposeB: true, m: nb, n: 3 * h, k: h,
                  a: previous, lda: h, b: weightHH, ldb: h, c: recurrent, ldc: 3 * h)
            let row = t * nb
            adr_gru_forward_step(nb, h, gs + row * 3 * h, recurrent, inputBias, recurrentBiasN, previous,
                                 hs + (row + nb) * h, output + (b0 * l + t) * h, l * h, hns + row * h)
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

    /// Backward through time from `upstream` = ∂loss/∂output `[B, L, H]`. Call once: it overwrites the
    /// saved state.
    func backward(upstream: Tensor, weightIH: Tensor, weightHH: Tensor, needs: Needs) -> Gradients {
        precondition(upstream.shape == [batch, length, hiddenSize], "gru upstream gradient has shape \(upstream.shape)")
        let (n, h) = (inputSize, hiddenSize)
        // Per-chunk partial sums of the parameter gradients: [∂W_ih | ∂W_hh | Σdr | Σdz | Σdn | Σdn⊙r].
        let partialSize = 3 * h * n + 3 * h * h + 4 * h
        var partials = [Float](repeating: 0, count: partialSize * chunks.count)
        var inputGrad = needs.input ? [Float](repeating: 0, count: batch * length * n) : []
        var h0Grad = needs.h0 ? [Float](repeating: 0, count: batch * h) : []

        upstream.scalars.withUnsafeBufferPointer { dOut in
        weightIH.scalars.withUnsafeBufferPointer { wIH in
        weightHH.scalars.withUnsafeBufferPointer { wHH in
        partials.withUnsafeMutableBufferPointer { partial in
        inputGrad.withUnsafeMutableBufferPointer { dX in
        h0Grad.withUnsafeMutableBufferPointer { dH0 in
            forEachChunk { c in
                backwardChunk(c, upstream: dOut.baseAddress!, weightIH: wIH.baseAddress!,
                              weightHH: wHH.baseAddress!, needs: needs,
                              partial: partial.baseAddress! + c * partialSize,
                              inputGrad: dX.baseAddress, h0Grad: dH0.baseAddress)
            }
        }}}}}}

        for c in 1..<max(1, chunks.count) {
            for i in 0..<partialSize { partials[i] += partials[c * partialSize + i] }
        }
        let wIHEnd = 3 * h * n, wHHEnd = wIHEnd + 3 * h * h
        let sums = partials[wHHEnd..<(wHHEnd + 4 * h)]
        let rz = Array(sums.prefix(2 * h))
        var result = Gradients()
        if needs.input { result.input = Tensor(shape: [batch, length, n], scalars: inputGrad) }
        if needs.h0 { result.h0 = Tensor(shape: [batch, h], scalars: h0Grad) }
        if needs.weightIH { result.weightIH = Tensor(shape: [3 * h, n], scalars: Array(partials[0..<wIHEnd])) }
        if needs.weightHH { result.weightHH = Tensor(shape: [3 * h, h], scalars: Array(partials[wIHEnd..<wHHEnd])) }
        let sumsStart = sums.startIndex
        if needs.biasIH { result.biasIH = Tensor(shape: [3 * h], scalars: rz + sums[(sumsStart + 2 * h)..<(sumsStart + 3 * h)]) }
        if needs.biasHH { result.biasHH = Tensor(shape: [3 * h], scalars: rz + sums[(sumsStart + 3 * h)...]) }
        return result
    }

    private func backwardChunk(
        _ c: Int, upstream: UnsafePointer<Float>, weightIH: UnsafePointer<Float>, weightHH: UnsafePointer<Float>,
        needs: Needs, partial: UnsafeMutablePointer<Float>,
        inputGrad: UnsafeMutablePointer<Float>?, h0Grad: UnsafeMutablePointer<Float>?
    ) {
        let (b0, nb) = (chunks[c].lowerBound, chunks[c].count)
        let (l, n, h) = (length, inputSize, hiddenSize)
        let xs = inputs + l * b0 * n, gs = gates + l * b0 * 3 * h
        let hns = hiddenN + l * b0 * h, hs = hidden + (l + 1) * b0 * h
        let dWIH = partial, dWHH = partial + 3 * h * n, biasSums = partial + 3 * h * n + 3 * h * h

        // Backward through time: `carry` holds ∂loss/∂h_t arriving from step t+1.
        let carry = UnsafeMutablePointer<Float>.allocate(capacity: nb * h)
        defer { carry.deallocate() }
        carry.initialize(repeating: 0, count: nb * h)
        for t in stride(from: l - 1, through: 0, by: -1) {
            let row = t * nb
            adr_gru_backward_step(nb, h, upstream + (b0 * l + t) * h, l * h, carry, gs + row * 3 * h,
                                  hns + row * h, hs + row * h, biasSums)
            if t > 0 || needs.h0 {
                // carry += [dr | dz | dn⊙r] · W_hh   ([nb, 3H] · [3H, H])
                sgemm(transposeA: false, transposeB: false, m: nb, n: h, k: 3 * h,
                      a: gs + t * nb * 3 * h, lda: 3 * h, b: weightHH, ldb: h, beta: 1, c: carry, ldc: h)
            }
        }
        if needs.h0, let h0Grad { (h0Grad + b0 * h).update(from: carry, count: nb * h) }

        let rows = l * nb
        if needs.weightHH {
            // ∂W_hh = Σ_t [dr | dz | dn⊙r]_tᵀ · h_{t−1}; without h0, step 0 pairs with zeros.
            let first = hasInitialState ? 0 : nb
            if rows > first {
                sgemm(transposeA: true, transposeB: false, m: 3 * h, n: h, k: rows - first,
                      a: gs + first * 3 * h, lda: 3 * h, b: hs + first * h, ldb: h, c: dWHH, ldc: h)
            }
        }
        if needs.weightIH {
            // ∂W_ih = [dr | dz | dn]ᵀ · x: the r, z rows from `gates`, the n rows from `hiddenN`.
            sgemm(transposeA: true, transposeB: false, m: 2 * h, n: n, k: rows,
                  a: gs, lda: 3 * h, b: xs, ldb: n, c: dWIH, ldc: n)
            sgemm(transposeA: true, transposeB: false, m: h, n: n, k: rows,
                  a: hns, lda: h, b: xs, ldb: n, c: dWIH + 2 * h * n, ldc: n)
        }
        if needs.input, let inputGrad {
            // ∂x = [dr | dz | dn] · W_ih, time-major into `inputs` (x is no longer needed), then to [B, L, In].
            sgemm(transposeA: false, transposeB: false, m: rows, n: n, k: 2 * h,
                  a: gs, lda: 3 * h, b: weightIH, ldb: n, c: xs, ldc: n)
            sgemm(transposeA: false, transposeB: false, m: rows, n: n, k: h,
                  a: hns, lda: h, b: weightIH + 2 * h * n, ldb: n, beta: 1, c: xs, ldc: n)
            for t in 0..<l {
                for i in 0..<nb { (inputGrad + ((b0 + i) * l + t) * n).update(from: xs + (t * nb + i) * n, count: n) }
            }
        }
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
