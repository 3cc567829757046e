import Tensor

/// Binary storage of item embeddings: a safetensors file holding one `F32` tensor
/// `item_embedding` of shape `[I + 1, D]` (row 0 = zeros), for fast loading by the trainer.
extension ItemEmbeddings {
    /// Name of the tensor in the file.
    public static let safeTensorsName = "item_embedding"

    /// `item_emb_<vectorSize>.safetensors`, next to the reference's text file.
    public static func safeTensorsFileName(vectorSize: Int) -> String { "item_emb_\(vectorSize).safetensors" }

    /// Writes the table atomically as safetensors.
    public func writeSafeTensors(to path: String) throws {
        try SafeTensors.write([Self.safeTensorsName: .float(tensor)], to: path)
    }

    /// Reads a table written by `writeSafeTensors(to:)`.
    /// - Throws: `SafeTensorsError` when the file or its `item_embedding` tensor is missing or malformed,
    ///   `DataPipelineError` when the tensor is not two-dimensional.
    public static func readSafeTensors(from path: String) throws -> ItemEmbeddings {
        let table = try SafeTensorsFile(contentsOf: path).tensor(safeTensorsName)
        guard table.rank == 2, table.shape[0] >= 1, table.shape[1] >= 1 else {
            throw DataPipelineError(.inconsistentData, file: path,
                                    "expected '\(safeTensorsName)' of shape [I + 1, D], found \(table.shape)")
        }
        return ItemEmbeddings(tensor: table)
    }
}
