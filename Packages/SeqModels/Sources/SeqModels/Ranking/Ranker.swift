import Autograd
import Tensor

/// The Base ranker (SeqModels README § Models): user and item tables, a sequence encoder, and the scoring head.
///
/// State-dict names are the reference's: `user_embedding.weight [U, D]`, `item_embedding.weight
/// [I, D]`, the encoder's parameters at the top level (e.g. `gru_layers.weight_ih_l0`), and
/// `mlp_layers.{1,3}.{weight,bias}`.
///
/// ```swift
/// let ranker = try Ranker(config: ModelConfig(model: .gru4Rec, itemNum: 1000, userNum: 500))
/// let probabilities = ranker.scores(batch)   // [B, C], evaluation mode
/// ```
public final class Ranker: Module, RankingModel {
    /// The hyper-parameters the ranker was built from.
    public let config: ModelConfig
    /// The shared random stream of every dropout layer in the model.
    public let random: RandomSource
    /// `user_embedding`: `[U, D]`, N(0, 1) initialised.
    public let userEmbedding: Embedding
    /// `item_embedding`: `[I, D]`, N(0, 1) initialised; row 0 is a zero padding row without
    /// gradient when `config.itemTableHasPaddingRow`.
    public let itemEmbedding: Embedding
    /// The sequence encoder (its parameters sit at the top level of the state dict).
    let encoder: any SequenceEncoder
    /// `mlp_layers`: the scoring MLP.
    public let head: ScoringHead

    /// Builds the model named by `config.model` and initialises it like the reference (PyTorch
    /// defaults; see each encoder's `resetParameters`) from `config.seed`.
    /// - Throws: `ModelConfigError` for invalid hyper-parameters or table sizes.
    public convenience init(config: ModelConfig) throws {
        try config.validate()
        var seeds = SeededGenerator(seed: config.seed)
        let random = RandomSource(seed: seeds.next())
        let encoder = buildEncoder(config: config, random: random)
        try self.init(config: config, encoder: encoder, random: random)
        resetAllParameters(using: &seeds)
    }

    /// Composes a ranker around an existing `encoder` that draws its dropout masks from `random`.
    /// Parameters keep their current values (call `resetAllParameters(using:)` to initialise).
    init(config: ModelConfig, encoder: any SequenceEncoder, random: RandomSource) throws {
        try config.validate()
        try config.validateTables()
        self.config = config
        self.random = random
        self.encoder = encoder
        let d = config.embeddingSize
        userEmbedding = Embedding(count: config.userNum, dimension: d)
        itemEmbedding = Embedding(count: config.itemNum, dimension: d,
                                  paddingIndex: config.itemTableHasPaddingRow ? 0 : nil)
        head = ScoringHead(dimension: d, dropoutProbability: config.dropoutProb, random: random)
        super.init()
    }

    override public var namedChildren: [(String, Module)] {
        [("user_embedding", userEmbedding), ("item_embedding", itemEmbedding), ("", encoder), ("mlp_layers", head)]
    }

    /// Copies pre-trained item vectors into the item table as the reference does: row 0 (padding)
    /// becomes zero and rows `1..<I` receive `vectors [I − 1, D]` (`use_pre_item_emb`; the row 0
    /// then trains like any other unless the table keeps a padding row, as NextItNet's does).
    /// The reference silently drops pre-trained vectors for NextItNet (it re-creates that table);
    /// callers who want that behaviour skip this call for NextItNet.
    /// - Throws: `ModelConfigError.invalidValue` when the shape is not `[I − 1, D]`.
    public func loadPretrainedItemEmbeddings(_ vectors: Tensor) throws {
        let table = itemEmbedding.weight
        let (rows, width) = (table.shape[0], table.shape[1])
        guard vectors.shape == [rows - 1, width] else {
            throw ModelConfigError.invalidValue(
                key: "use_pre_item_emb",
                reason: "pre-trained item embeddings have shape \(vectors.shape), expected [item_num − 1, embedding_size] = \([rows - 1, width])")
        }
        table.value = Tensor(shape: [rows, width], scalars: [Float](repeating: 0, count: width) + vectors.scalars)
    }

    /// The plain item lookup: ids of shape S → `[S..., D]` (the padding row, if any, gets no gradient).
    public func embedItems(_ ids: IndexTensor) -> Variable {
        itemEmbedding.weight.gatherRows(ids, paddingIndex: itemEmbedding.paddingIndex)
    }

    /// `user_embedding(user_id)`: `[B, D]`.
    public func embedUsers(_ ids: IndexTensor) -> Variable {
        userEmbedding.weight.gatherRows(ids)
    }

    /// `seq_emb [B, D]` for the batch, with item embeddings produced by `embedItems` (the plain
    /// lookup by default; the Ada-Ranker passes a FiLM-modulated one).
    public func sequenceEmbedding(_ batch: RankingBatch, embedItems: ItemEmbedder? = nil) -> Variable {
        let lookup: ItemEmbedder = embedItems ?? { [unowned self] ids in self.embedItems(ids) }
        return encoder.encode(batch, embedItems: lookup, userEmbeddings: { self.embedUsers(batch.userIds) })
    }

    /// Probabilities `[B, C]` for the candidates `[B, C]`.
    public func scoreCandidates(_ batch: RankingBatch) -> Variable {
        let candidates = embedItems(batch.candidates)            // [B, C, D]
        let sequence = sequenceEmbedding(batch)                   // [B, D]
        return head(sequence: sequence, candidates: candidates)
    }
}
