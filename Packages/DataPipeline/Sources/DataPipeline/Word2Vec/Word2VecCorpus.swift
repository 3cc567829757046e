/// Training sentences for word2vec, stored flat: sentence `s` is
/// `items[sentenceStarts[s] ..< sentenceStarts[s + 1]]`.
///
/// One sentence per user, holding the user's item ids (1-based, as in the processed data) in
/// time order. Flat storage keeps the corpus in one allocation, so that workers can walk it with
/// raw pointers.
public struct Word2VecCorpus: Sendable, Equatable {
    /// All item ids, sentence after sentence.
    public let items: [Int32]
    /// `sentenceCount + 1` offsets into `items`, starting at 0 and ending at `items.count`.
    public let sentenceStarts: [Int]

    /// A corpus from already flat storage.
    /// - Precondition: `sentenceStarts` starts at 0, never decreases and ends at `items.count`.
    public init(items: [Int32], sentenceStarts: [Int]) {
        precondition(sentenceStarts.first == 0 && sentenceStarts.last == items.count,
                     "sentenceStarts must run from 0 to items.count (\(items.count))")
        precondition(zip(sentenceStarts, sentenceStarts.dropFirst()).allSatisfy { $0 <= $1 },
                     "sentenceStarts must not decrease")
        self.items = items
        self.sentenceStarts = sentenceStarts
    }

    /// A corpus from one array per sentence.
    public init(sentences: [[Int32]]) {
        var items: [Int32] = []
        items.reserveCapacity(sentences.reduce(0) { $0 + $1.count })
        var starts = [0]
        starts.reserveCapacity(sentences.count + 1)
        for sentence in sentences {
            items.append(contentsOf: sentence)
            starts.append(items.count)
        }
        self.init(items: items, sentenceStarts: starts)
    }

    /// Number of sentences.
    public var sentenceCount: Int { sentenceStarts.count - 1 }

    /// Total number of item occurrences.
    public var wordCount: Int { items.count }

    /// Sentence `index` as a slice of `items`.
    public func sentence(_ index: Int) -> ArraySlice<Int32> {
        items[sentenceStarts[index] ..< sentenceStarts[index + 1]]
    }

    /// The same sentences, each without its last `count` items (a sentence shorter than that
    /// becomes empty). `count = 2` removes each user's validation and test targets.
    public func droppingLast(_ count: Int) -> Word2VecCorpus {
        precondition(count >= 0, "cannot drop a negative number of items")
        var kept: [Int32] = []
        kept.reserveCapacity(max(0, items.count - count * sentenceCount))
        var starts = [0]
        starts.reserveCapacity(sentenceStarts.count)
        for s in 0..<sentenceCount {
            let start = sentenceStarts[s], end = sentenceStarts[s + 1]
            let keptEnd = max(start, end - count)
            kept.append(contentsOf: items[start ..< keptEnd])
            starts.append(kept.count)
        }
        return Word2VecCorpus(items: kept, sentenceStarts: starts)
    }

    /// The part of the corpus that `selection` trains on.
    public func selecting(_ selection: Word2VecOptions.CorpusSelection) -> Word2VecCorpus {
        switch selection {
        case .fullSequences: return self
        case .excludingLastTwo: return droppingLast(2)
        }
    }
}
