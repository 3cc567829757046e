import SeqModels
import Yams

/// Reading `ConfigValue`s (SeqModels) from YAML and the command line. Values keep the type YAML
/// gives them (`0.001` is a double, `50` an int, `True` a bool, `[1, 4]` a list, `~` null);
/// `ConfigSchema` then checks each known key's type and range.
extension ConfigValue {
    /// Parses a command-line value the way YAML reads a scalar, plus Python's `None`, so that
    /// reference-style arguments (`--use_pre_item_emb=1`, `--freeze=True`, `--dilations=[1,4]`) work.
    public init(commandLineText text: String) {
        if text == "None" { self = .null; return }
        guard let node = try? Yams.compose(yaml: text) else { self = .string(text); return }
        self = ConfigValue(node: node)
        if case .mapping = self { self = .string(text) }
    }

    /// Converts a composed YAML node, resolving scalars by YAML's core tags. A float that is not
    /// finite (`.inf`, `-.inf`, `.nan`, `1e400`) stays text: no setting takes such a value, a
    /// number key then reports it with its allowed range, and every value can be saved as JSON.
    /// A scalar with a colon stays text too: YAML 1.1 would read `1:30` as a base-60 number, and
    /// Yams traps on an overflowing one (`999999999999999999:0`, found by `FuzzConfigYAML`).
    init(node: Node) {
        if let sequence = node.sequence {
            self = .list(sequence.map(ConfigValue.init(node:)))
        } else if let mapping = node.mapping {
            var result: [String: ConfigValue] = [:]
            for (key, value) in mapping { result[key.string ?? "\(key)"] = ConfigValue(node: value) }
            self = .mapping(result)
        } else if let text = node.scalar?.string, text.contains(":") {
            self = .string(text)
        } else if node.null != nil {
            self = .null
        } else if let b = node.bool {
            self = .bool(b)
        } else if let i = node.int {
            self = .int(i)
        } else if let d = node.float {
            self = d.isFinite ? .double(d) : .string(node.string ?? "\(d)")
        } else {
            self = .string(node.string ?? "")
        }
    }
}
