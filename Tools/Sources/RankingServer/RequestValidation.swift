import Trainer

/// Checks a decoded request against the data and the server's limits, and maps its raw ids to the
/// model's internal ids. Every refusal is a 400 whose message names the field and the values.
struct RequestValidation: Sendable {
    let tables: IdTables
    let maxCandidates: Int

    /// At most this many offending ids are listed in one message.
    static let listedIds = 10

    /// The model's input for `request`; `field` prefixes messages (e.g. `requests[2].`).
    func scoringRow(_ request: RankRequest, field: String = "") throws -> ScoringRow {
        guard !request.candidates.isEmpty else { throw APIError.badRequest("\(field)candidates: expected at least one item id") }
        guard request.candidates.count <= maxCandidates else {
            throw APIError.badRequest("\(field)candidates: \(request.candidates.count) items; at most \(maxCandidates) are allowed (--max-candidates)")
        }
        guard !request.history.isEmpty else { throw APIError.badRequest("\(field)history: expected at least one item id") }
        var seen = Set<Int>(minimumCapacity: request.candidates.count)
        var duplicates: [Int] = []
        for id in request.candidates where !seen.insert(id).inserted && !duplicates.contains(id) { duplicates.append(id) }
        guard duplicates.isEmpty else {
            throw APIError.badRequest("\(field)candidates: duplicate item ids \(Self.list(duplicates)); each candidate must appear once")
        }
        let candidates = try map(request.candidates, field: "\(field)candidates")
        let history = try map(request.history, field: "\(field)history")
        var user = 0
        if let raw = request.userId {
            guard let id = tables.internalId(raw, .user) else {
                throw APIError.badRequest("\(field)user_id: unknown user id \(raw) (not in the prepared data's user2idx.tsv)")
            }
            user = id
        }
        return ScoringRow(user: user, history: history, candidates: candidates)
    }

    /// Internal ids of `raw`, or a 400 naming every raw id the data does not know.
    private func map(_ raw: [Int], field: String) throws -> [Int] {
        var mapped: [Int] = []
        mapped.reserveCapacity(raw.count)
        var unknown: [Int] = []
        for id in raw {
            if let internalId = tables.internalId(id, .item) { mapped.append(internalId) } else if !unknown.contains(id) { unknown.append(id) }
        }
        guard unknown.isEmpty else {
            throw APIError.badRequest("\(field): unknown item ids \(Self.list(unknown)) (not in the prepared data's item2idx.tsv)")
        }
        return mapped
    }

    /// `1, 2, 3` or `1, 2, … (14 in all)`.
    static func list(_ ids: [Int]) -> String {
        let shown = ids.prefix(listedIds).map(String.init).joined(separator: ", ")
        return ids.count > listedIds ? "\(shown), … (\(ids.count) in all)" : shown
    }
}
