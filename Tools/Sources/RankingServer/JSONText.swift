/// The few pieces of JSON text the server writes by hand (responses are small and fixed in shape,
/// so writing them directly is cheaper than a general encoder).
enum JSONText {
    /// `value` as a JSON string literal, with `"`, `\` and control characters escaped.
    static func string(_ value: String) -> String {
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

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
