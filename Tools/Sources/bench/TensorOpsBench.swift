import Tensor

/// Elementwise, broadcasting, reduction, softmax, shape and gather kernels on a `[B, L, D]`
/// activation (B = 512, L = 50, D = 64: 1.6 M floats), reported as nanoseconds per output element.
struct TensorOpsBench: BenchCase {
    let name = "ops"
    let summary = "Tensor kernels on x [512, 50, 64], ns per element"

    func run(_ context: BenchContext) {
        // The kernels are single-threaded; one pass is enough.
        guard context.threads == 1 else { return }
        var rng = SeededGenerator(seed: 2)
        let (b, l, d) = (512, 50, 64)
        let x = Tensor.normal([b, l, d], using: &rng)
        let y = Tensor.normal([b, l, d], using: &rng)
        let bias = Tensor.normal([d], using: &rng)
        let perBatch = Tensor.normal([b, 1, 1], using: &rng)
        let mask = Tensor(shape: [b, 1, l], scalars: (0..<(b * l)).map { Float($0 % 3 == 0 ? 1 : 0) })
        let scores = Tensor.normal([b, l, l], using: &rng)
        let table = Tensor.normal([4000, d], using: &rng)
        let ids = IndexTensor(shape: [b, l], indices: (0..<(b * l)).map { _ in rng.nextInt(below: 4000) })
        let n = Double(x.count)

        var sink: Float = 0
        func time(_ label: String, elements: Double = n, _ body: () -> Tensor) {
            let seconds = context.measure { sink += body().scalars[0] }
            context.report(label: label, seconds: seconds, throughput: (seconds / elements * 1e9, "ns/elem"))
        }
        time("x + y") { x + y }
        time("x + bias[D]") { x + bias }
        time("x * s[B,1,1]") { x * perBatch }
        time("x * 0.5") { x * 0.5 }
        var accumulator = x
        time("acc += y (in place)") { accumulator += y; return accumulator }
        time("exp") { x.exp() }
        time("sigmoid") { x.sigmoid() }
        time("tanh") { x.tanh() }
        time("sum(toShape: [D])") { x.sum(toShape: [d]) }
        time("sum(axis: -1)") { x.sum(axis: -1) }
        time("sum(axis: 1)") { x.sum(axis: 1) }
        time("softmax(axis: -1) [B,L,L]", elements: Double(scores.count)) { scores.softmax(axis: -1) }
        time("maskedFill [B,L,L]", elements: Double(scores.count)) { scores.maskedFill(mask, value: -1e9) }
        time("transposed") { x.transposed() }
        time("permuted [1,0,2]") { x.permuted([1, 0, 2]) }
        time("gatherRows [B,L]→[B,L,D]") { table.gatherRows(ids) }
        time("scatterAddRows → [4000,D]") { Tensor.scatterAddRows(x, ids: ids, rowCount: 4000) }
        if sink.isNaN { print("unexpected NaN") }
    }
}
