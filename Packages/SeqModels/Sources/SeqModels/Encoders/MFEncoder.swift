import Autograd
import Tensor

/// MF: `seq_emb = user_embedding(user_id)` `[B, D]`; the history is not used and the encoder has
/// no parameters of its own.
final class MFEncoder: Module, SequenceEncoder {
    override init() { super.init() }

    func encode(_ batch: RankingBatch, embedItems: ItemEmbedder, userEmbeddings: () -> Variable) -> Variable {
        userEmbeddings()
    }
}
