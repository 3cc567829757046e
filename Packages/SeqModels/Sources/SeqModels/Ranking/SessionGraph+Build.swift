import Autograd
import Tensor

extension SessionGraph {
    /// Builds SRGNN's graphs from left-padded histories `itemSeq [B, L]` exactly as the reference does
    /// (SeqModels README § Batches the models read), with Autograd's `transitionGraphs(of:)` kernel
    /// (O(L log L) per row, scratch space reused across rows): `uniqueItems [B, L]`, `alias [B, L]`,
    /// `adjacency [B, L, 2L]`.
    public init(itemSeq: IndexTensor) {
        let graphs = transitionGraphs(of: itemSeq)
        self.init(uniqueItems: graphs.uniqueItems, alias: graphs.alias, adjacency: graphs.adjacency)
    }
}
