import Foundation

/// The body of `POST /v1/rank`: `{"history": [raw item ids, oldest first], "candidates": [raw item
/// ids], "user_id": raw user id (optional)}`. Unknown fields are refused, so a misspelt field name
/// is reported instead of silently ignored.
public struct RankRequest: Decodable, Sendable, Equatable {
    public var history: [Int]
    public var candidates: [Int]
    public var userId: Int?

    public init(history: [Int], candidates: [Int], userId: Int? = nil) {
        self.history = history
        self.candidates = candidates
        self.userId = userId
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: FieldKey.self)
        try container.refuseUnknownKeys(allowed: ["history", "candidates", "user_id"])
        history = try container.decode([Int].self, forKey: FieldKey("history"))
        candidates = try container.decode([Int].self, forKey: FieldKey("candidates"))
        userId = try container.decodeIfPresent(Int.self, forKey: FieldKey("user_id"))
    }
}

/// The body of `POST /v1/rank/batch`: `{"requests": [RankRequest…]}`.
public struct RankBatchRequest: Decodable, Sendable {
    public var requests: [RankRequest]

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: FieldKey.self)
        try container.refuseUnknownKeys(allowed: ["requests"])
        requests = try container.decode([RankRequest].self, forKey: FieldKey("requests"))
    }
}

/// One answer: `scores[i]` is the click probability of `candidates[i]`; `order` lists candidate
/// indices from the highest score to the lowest (equal scores: lower index first).
public struct RankResult: Sendable, Equatable {
    public var scores: [Float]
    public var order: [Int]

    public init(scores: [Float]) {
        self.scores = scores
        order = scores.indices.sorted { scores[$0] != scores[$1] ? scores[$0] > scores[$1] : $0 < $1 }
    }
}

/// Any JSON object key.
struct FieldKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ name: String) { stringValue = name }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

extension KeyedDecodingContainer where Key == FieldKey {
    /// Throws a `DecodingError` naming the first key not in `allowed`.
    func refuseUnknownKeys(allowed: Set<String>) throws {
        if let unknown = allKeys.map(\.stringValue).sorted().first(where: { !allowed.contains($0) }) {
            throw DecodingError.dataCorrupted(.init(codingPath: codingPath + [FieldKey(unknown) as any CodingKey],
                                                    debugDescription: "unknown field; expected one of \(allowed.sorted().joined(separator: ", "))"))
        }
    }
}
