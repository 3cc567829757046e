import Tensor

/// An inverted-dropout mask kept as one byte per entry: entry i survives (1) or is dropped (0) with
/// one draw `rng.nextFloat() < p` per entry in row-major order, the same draws and so the same
/// mask as `Tensor.invertedDropout`, in a quarter of its memory. A surviving entry is scaled by
/// 1/(1 − p) (0 when p = 1), so `x ⊙ mask` has the expectation of x.
///
/// Fused ops whose masks are large (attention probabilities `[B, h, Q, L]`: 164 M entries at
/// B = 2048, L = 200) store this instead of a float mask and apply it block by block.
struct DropoutKeepMask {
    let survived: [UInt8]
    let keptScale: Float

    init(count: Int, probability p: Float, rng: inout SeededGenerator) {
        keptScale = p < 1 ? 1 / (1 - p) : 0
        var generator = rng
        survived = [UInt8](unsafeUninitializedCapacity: count) { bytes, initialized in
            for i in 0..<count { bytes[i] = generator.nextFloat() < p ? 0 : 1 }
            initialized = count
        }
        rng = generator
    }
}

/// A raw view of a `DropoutKeepMask`: `self[i]` is entry i's factor, 0 or 1/(1 − p).
struct KeptScales {
    let survived: UnsafePointer<UInt8>
    let keptScale: Float

    @inline(__always) subscript(i: Int) -> Float { survived[i] != 0 ? keptScale : 0 }

    /// The view starting `offset` entries further on.
    @inline(__always) static func + (view: KeptScales, offset: Int) -> KeptScales {
        KeptScales(survived: view.survived + offset, keptScale: view.keptScale)
    }
}

extension Optional where Wrapped == DropoutKeepMask {
    /// Runs `body` with a raw view of the mask, or `nil` when there is no dropout (or no entry).
    func withKeptScales<Result>(_ body: (KeptScales?) -> Result) -> Result {
        guard let mask = self else { return body(nil) }
        return mask.survived.withUnsafeBufferPointer { bytes in
            body(bytes.baseAddress.map { KeptScales(survived: $0, keptScale: mask.keptScale) })
        }
    }
}
