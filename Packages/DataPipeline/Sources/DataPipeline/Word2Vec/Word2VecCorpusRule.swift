/// Which part of each user's sequence the prepare step pre-trains item vectors on
/// (DataPipeline README § Item-embedding pre-training). `stats.json` records the rule used as
/// `word2vec_corpus`.
public enum Word2VecCorpusRule: String, Sendable, CaseIterable, Codable {
    /// Each user's items before their first valid target, i.e. `s[0 ..< n − 2]` for a sequence
    /// `s[0 ..< n]` (the train targets and their histories, never the valid or test targets).
    /// The default with leak-free sampling.
    case beforeValidTargets = "before-valid-targets"
    /// Each user's whole sequence, valid and test targets included (the reference's corpus).
    /// The default with reference sampling.
    case wholeSequences = "whole-sequences"

    /// The corpus that goes with a sampling rule: leak-free sampling keeps the held-out targets
    /// out of the pre-trained vectors as well, reference sampling reproduces the reference.
    public init(sampling: SamplingMode) {
        switch sampling {
        case .leakFree: self = .beforeValidTargets
        case .reference: self = .wholeSequences
        }
    }
}

extension ProcessedInteractions {
    /// The word2vec corpus under `rule`: one sentence per user 1...U, in user order. With
    /// `.beforeValidTargets` user `u`'s sentence ends before the user's first valid or test target
    /// (the same positions as the split rule of step 7 with `targetItemsUsed` targets per user), so
    /// a sentence may be empty; items that then never occur get all-zero vectors, like items below
    /// `minCount`.
    public func word2vecCorpus(_ rule: Word2VecCorpusRule, targetItemsUsed: Int) -> Word2VecCorpus {
        switch rule {
        case .wholeSequences:
            return Word2VecCorpus(items: items, sentenceStarts: sequenceStarts)
        case .beforeValidTargets:
            var kept: [Int32] = []
            kept.reserveCapacity(max(0, items.count - 2 * userCount))
            var starts = [0]
            starts.reserveCapacity(userCount + 1)
            for index in 0..<userCount {
                let userItems = sequence(ofUser: index + 1)
                let end = SplitBuilder.firstHeldOutPosition(sequenceLength: userItems.count, targetItemsUsed: targetItemsUsed)
                kept.append(contentsOf: userItems.prefix(end))
                starts.append(kept.count)
            }
            return Word2VecCorpus(items: kept, sentenceStarts: starts)
        }
    }
}
