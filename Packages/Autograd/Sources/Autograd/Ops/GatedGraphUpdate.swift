import Tensor

extension Variable {
    /// SR-GNN's gate update in one node, for `inputGates`, `hiddenGates` `[N, 3D]` (`gi`, `gh`, each
    /// `[r | i | n]` thirds) and the node states `hidden [N, D]`:
    /// ```
    /// r = σ(gi_r + gh_r),  i = σ(gi_i + gh_i),  n = tanh(gi_n + r ⊙ gh_n),  h' = h + i ⊙ (n − h)
    /// ```
    /// with the same element-wise functions (`Tensor.sigmoid`, `Tensor.tanh`) and operation order
    /// as composing the ops one by one, without the `[N, D]` intermediates of each step.
    ///
    /// Backward (`g = ∂h'`): `∂h = g − g ⊙ i`, `∂n̂ = g ⊙ i ⊙ (1 − n²)`,
    /// `∂î = g ⊙ (n − h) ⊙ i ⊙ (1 − i)`, `∂r̂ = ∂n̂ ⊙ gh_n ⊙ r ⊙ (1 − r)` (hats: pre-activations);
    /// `∂gi = [∂r̂ | ∂î | ∂n̂]`, `∂gh = [∂r̂ | ∂î | ∂n̂ ⊙ r]`.
    public static func gatedGraphUpdate(inputGates: Variable, hiddenGates: Variable, hidden: Variable) -> Variable {
        let (rows, d) = (hidden.shape.first ?? 0, hidden.shape.last ?? 0)
        precondition(hidden.value.rank == 2 && inputGates.shape == [rows, 3 * d] && hiddenGates.shape == [rows, 3 * d],
                     "gatedGraphUpdate: gates must be [N, 3D] and hidden [N, D], got \(inputGates.shape), \(hiddenGates.shape), \(hidden.shape)")
        let (gi, gh, h) = (inputGates.value, hiddenGates.value, hidden.value)
        // Pre-activations `[N, D]` per third: gi_r + gh_r, gi_i + gh_i, gi_n + r ⊙ gh_n.
        let (reset, input) = gi.scalars.withUnsafeBufferPointer { pi in
            gh.scalars.withUnsafeBufferPointer { ph in
                let gateSum = { (third: Int) in
                    Tensor(shape: [rows, d], unsafeUninitializedScalars: { out in
                        for row in 0..<rows {
                            let (x, y) = (pi.baseAddress! + row * 3 * d + third * d, ph.baseAddress! + row * 3 * d + third * d)
                            let o = out.baseAddress! + row * d
                            for c in 0..<d { o[c] = x[c] + y[c] }
                        }
                    })
                }
                return (gateSum(0).sigmoid(), gateSum(1).sigmoid())
            }
        }
        let candidate = Tensor(shape: [rows, d], unsafeUninitializedScalars: { out in
            gi.scalars.withUnsafeBufferPointer { pi in gh.scalars.withUnsafeBufferPointer { ph in
                reset.scalars.withUnsafeBufferPointer { pr in
                    for row in 0..<rows {
                        let (x, y) = (pi.baseAddress! + row * 3 * d + 2 * d, ph.baseAddress! + row * 3 * d + 2 * d)
                        let (r, o) = (pr.baseAddress! + row * d, out.baseAddress! + row * d)
                        for c in 0..<d { o[c] = x[c] + r[c] * y[c] }
                    }
                }
            } }
        }).tanh()
        // h' = h + i ⊙ (n − h), each operation rounded on its own as the separate ops would.
        let output = Tensor(shape: [rows, d], unsafeUninitializedScalars: { out in
            h.scalars.withUnsafeBufferPointer { ph in input.scalars.withUnsafeBufferPointer { pin in
                candidate.scalars.withUnsafeBufferPointer { pn in
                    for k in 0..<out.count { out[k] = ph[k] + pin[k] * (pn[k] - ph[k]) }
                }
            } }
        })
        let saved = GatedGraphUpdateState(hiddenGates: gh, hidden: h, reset: reset, input: input, candidate: candidate)
        return Variable.record(output, inputs: [inputGates, hiddenGates, hidden]) { g in saved.backward(g) }
    }
}

/// What `Variable.gatedGraphUpdate` keeps for its backward pass.
private struct GatedGraphUpdateState {
    let hiddenGates: Tensor, hidden: Tensor
    /// `r`, `i`, `n` `[N, D]`.
    let reset: Tensor, input: Tensor, candidate: Tensor

    /// `[∂gi, ∂gh, ∂h]` for `g = ∂h'` (see `Variable.gatedGraphUpdate`).
    func backward(_ g: Tensor) -> [Tensor?] {
        let (rows, d) = (hidden.shape[0], hidden.shape[1])
        var inputGrad = Tensor.zeros([rows, 3 * d]), hiddenGatesGrad = Tensor.zeros([rows, 3 * d])
        let hiddenGrad = Tensor(shape: [rows, d], unsafeUninitializedScalars: { dh in
            g.scalars.withUnsafeBufferPointer { pg in hidden.scalars.withUnsafeBufferPointer { ph in
            hiddenGates.scalars.withUnsafeBufferPointer { pgh in reset.scalars.withUnsafeBufferPointer { pr in
            input.scalars.withUnsafeBufferPointer { pin in candidate.scalars.withUnsafeBufferPointer { pn in
            inputGrad.scalars.withUnsafeMutableBufferPointer { dgi in hiddenGatesGrad.scalars.withUnsafeMutableBufferPointer { dgh in
                for row in 0..<rows {
                    for c in 0..<d {
                        let k = row * d + c, gate = row * 3 * d + c
                        let (gk, i, n, r) = (pg[k], pin[k], pn[k], pr[k])
                        dh[k] = gk + -(gk * i)
                        let gn = gk * i
                        let dn = gn * (1 - n * n)
                        let gi = gk * (n - ph[k])
                        let di = gi * i * (1 - i)
                        let gr = dn * pgh[gate + 2 * d]
                        let dr = gr * r * (1 - r)
                        (dgi[gate], dgi[gate + d], dgi[gate + 2 * d]) = (dr, di, dn)
                        (dgh[gate], dgh[gate + d], dgh[gate + 2 * d]) = (dr, di, dn * r)
                    }
                }
            } } } } } } } }
        })
        return [inputGrad, hiddenGatesGrad, hiddenGrad]
    }
}
