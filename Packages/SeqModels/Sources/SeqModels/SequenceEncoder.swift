import Autograd
import Tensor

/// Looks up (and possibly transforms) item embeddings: ids of any shape S → `[S..., D]`.
///
/// Encoders receive their item embeddings through this function instead of reading the table
/// themselves, so that Ada-Ranker can modulate the input (`γ·x + β`, AdaLayers README § What an Ada-Ranker computes) without the encoders
/// knowing about it.
public typealias ItemEmbedder = (IndexTensor) -> Variable

/// A sequence encoder: turns a batch's histories into one vector per row, `seq_emb [B, D]`.
///
/// Encoders own only their own layers; the user and item tables and the scoring head belong to
/// the `Ranker` that composes them.
protocol SequenceEncoder: Module {
    /// `seq_emb [B, D]` for the batch.
    /// - Parameters:
    ///   - embedItems: the (possibly modulated) item-embedding lookup.
    ///   - userEmbeddings: looks up `user_embedding(user_id)`, `[B, D]`; called (once) only by the
    ///     encoders that use it, MF and SHAN, so the others skip the lookup.
    func encode(_ batch: RankingBatch, embedItems: ItemEmbedder, userEmbeddings: () -> Variable) -> Variable
}
