/// A map from the input's integer ids to small `Int32` codes, backed by a flat array when the ids
/// span a modest range (the usual case: MovieLens ids are below 100,000) and by a dictionary
/// otherwise, so that per-row lookups over millions of interactions stay cheap.
struct IdLookupTable {
    /// The value returned for ids that were never set.
    static let missing = Int32.min

    private let lowest: Int
    private var flat: [Int32]
    private var dictionary: [Int: Int32]
    private let usesFlat: Bool

    /// A table for ids in `range`, sized for about `expectedCount` distinct ids.
    init(range: ClosedRange<Int>, expectedCount: Int) {
        lowest = range.lowerBound
        let span = range.upperBound.subtractingReportingOverflow(range.lowerBound)
        usesFlat = !span.overflow && span.partialValue < max(1 << 22, 8 * expectedCount)
        flat = usesFlat ? [Int32](repeating: IdLookupTable.missing, count: span.partialValue + 1) : []
        dictionary = [:]
        if !usesFlat { dictionary.reserveCapacity(expectedCount) }
    }

    @inline(__always)
    subscript(id: Int) -> Int32 {
        get { usesFlat ? flat[id - lowest] : (dictionary[id] ?? IdLookupTable.missing) }
        set {
            if usesFlat { flat[id - lowest] = newValue } else { dictionary[id] = newValue }
        }
    }

    /// The smallest closed range holding every value of `ids` (0...0 when empty).
    static func range<S: Sequence>(of ids: S) -> ClosedRange<Int> where S.Element == Int {
        var low = Int.max, high = Int.min
        for id in ids {
            low = min(low, id)
            high = max(high, id)
        }
        return low <= high ? low...high : 0...0
    }
}
