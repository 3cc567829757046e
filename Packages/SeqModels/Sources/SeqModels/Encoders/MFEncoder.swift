import Autograd
import Tensor

/// MF: `seq_emb = user_embedding(user_id)` `[B, D]`; the history is not used and the encoder has
/// no parameters of its own.
public final class MFEncoder: Module, SequenceEncoder {
    override public init() { super.init() }

    public func encode(_ batch: RankingBatch, embedItems: ItemEmbedder, userEmbeddings: Variable) -> Variable {
        userEmbeddings
    }
}
