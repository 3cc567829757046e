/// The seven sequential base models, under the reference's names (the `model` config key).
public enum ModelName: String, CaseIterable, Sendable {
    case mf = "MF"
    case gru4Rec = "GRU4Rec"
    case sasRec = "SASRec"
    case narm = "NARM"
    case nextItNet = "NextItNet"
    case srgnn = "SRGNN"
    case shan = "SHAN"

    /// The model called `name` (exact reference spelling, e.g. `"GRU4Rec"`).
    /// - Throws: `ModelConfigError.unknownModel` listing the seven names.
    public init(validating name: String) throws {
        guard let model = ModelName(rawValue: name) else { throw ModelConfigError.unknownModel(name) }
        self = model
    }

    /// Whether the model's encoder reads SRGNN's session graph (`RankingBatch.graph`).
    public var needsSessionGraph: Bool { self == .srgnn }

    /// The reference names of all models, in declaration order.
    public static var allNames: [String] { allCases.map(\.rawValue) }
}

/// How a model is trained (the `train_type` config key).
public enum TrainType: String, CaseIterable, Sendable {
    /// A plain base ranker (SeqModels README § Models).
    case base = "Base"
    /// The base ranker wrapped in the Ada-Ranker adaptation (AdaLayers README § What an Ada-Ranker computes).
    case adaRanker = "Ada-Ranker"
}
