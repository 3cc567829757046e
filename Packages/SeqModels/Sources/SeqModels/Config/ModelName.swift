/// The seven sequential base models, under the reference's names (the `model` config key).
/// In JSON (checkpoint sidecars) a model is its reference name; decoding an unknown name fails
/// naming the value and the seven names. Printed (`"\(model)"`), it is its reference name too.
public enum ModelName: String, CaseIterable, Sendable, Codable, CustomStringConvertible {
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

    /// The reference name (`"GRU4Rec"`).
    public var description: String { rawValue }

    /// The reference names of all models, in declaration order.
    public static var allNames: [String] { allCases.map(\.rawValue) }

    /// Decodes a reference name; an unknown one is a `DecodingError.dataCorrupted` whose
    /// description names it and lists the seven names.
    public init(from decoder: any Decoder) throws {
        self = try decodeReferenceName(from: decoder) { ModelConfigError.unknownModel($0).description }
    }
}

/// How a model is trained (the `train_type` config key).
/// In JSON (checkpoint sidecars) and printed, a train type is its reference name (`"Base"`, `"Ada-Ranker"`).
public enum TrainType: String, CaseIterable, Sendable, Codable, CustomStringConvertible {
    /// A plain base ranker (SeqModels README § Models).
    case base = "Base"
    /// The base ranker wrapped in the Ada-Ranker adaptation (AdaLayers README § What an Ada-Ranker computes).
    case adaRanker = "Ada-Ranker"

    /// The reference name (`"Ada-Ranker"`).
    public var description: String { rawValue }

    /// Decodes a reference name; an unknown one is a `DecodingError.dataCorrupted` naming it and
    /// the two train types.
    public init(from decoder: any Decoder) throws {
        self = try decodeReferenceName(from: decoder) { name in
            "unknown train type '\(name)'; expected one of \(TrainType.allCases.map(\.rawValue).joined(separator: ", "))"
        }
    }
}

/// The case of `E` whose raw value is the decoded string, exactly (JSON written by this project
/// uses the reference spelling); otherwise a `DecodingError.dataCorrupted` at the value's coding
/// path, described by `unknown(name)`.
private func decodeReferenceName<E: RawRepresentable>(from decoder: any Decoder,
                                                      unknown: (String) -> String) throws -> E where E.RawValue == String {
    let container = try decoder.singleValueContainer()
    let name = try container.decode(String.self)
    guard let value = E(rawValue: name) else {
        throw DecodingError.dataCorruptedError(in: container, debugDescription: unknown(name))
    }
    return value
}
