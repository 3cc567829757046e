/// The few pieces of JSON text the server writes by hand (responses are small and fixed in shape,
/// so writing them directly is cheaper than a general encoder). Strings go through Tensor's
/// `jsonStringLiteral`, the one JSON string escaper of the project.
enum JSONText {
    /// `{"scores":[…],"order":[…]}` for one ranked list. Each score is written in the shortest
    /// form that reads back to the same `Float`, so clients recover the model's exact values.
    static func ranking(_ result: RankResult, into out: inout String) {
        out += "{\"scores\":["
        for (index, score) in result.scores.enumerated() {
            if index > 0 { out += "," }
            out += String(score)
        }
        out += "],\"order\":["
        for (index, position) in result.order.enumerated() {
            if index > 0 { out += "," }
            out += String(position)
        }
        out += "]}"
    }
}
