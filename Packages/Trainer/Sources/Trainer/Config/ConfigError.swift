/// Why a configuration could not be assembled. Every description is one line naming the key and
/// where its value came from (a file and line, or the command line).
enum ConfigError: Error, CustomStringConvertible, Equatable {
    case unreadableFile(path: String, reason: String)
    case invalidYAML(path: String, line: Int?, reason: String)
    case notAMapping(path: String)
    case duplicateKey(path: String, line: Int?, key: String, spelling: String, firstLine: Int?)
    case missingFile(path: String, what: String)
    case badOverride(argument: String)
    case conflictingOverrides(key: String, first: String, second: String)
    case wrongType(key: String, expected: String, found: String, origin: String)
    case missingKey(key: String, searched: [String])
    case conflictsWithData(key: String, configured: Int, origin: String, data: Int, dataSource: String)

    public var description: String {
        switch self {
        case .unreadableFile(let path, let reason):
            return "cannot read config file \(path): \(reason)"
        case .invalidYAML(let path, let line, let reason):
            return "config file \(path)\(line.map { ":\($0)" } ?? "") is not valid YAML: \(reason)"
        case .notAMapping(let path):
            return "config file \(path) must be a mapping of `key: value` lines"
        case .duplicateKey(let path, let line, let key, let spelling, let firstLine):
            let alias = spelling == key ? "" : " (spelled '\(spelling)')"
            let first = firstLine.map { " (first at line \($0))" } ?? ""
            return "config file \(path)\(line.map { ":\($0)" } ?? ""): key '\(key)'\(alias) is set a second time\(first); keep one of them"
        case .missingFile(let path, let what):
            return "\(what): \(path) does not exist"
        case .badOverride(let argument):
            return "cannot read the argument '\(argument)': config overrides are written --key=value (e.g. --learning_rate=0.001)"
        case .conflictingOverrides(let key, let first, let second):
            return "--\(key) is given twice with different values (\(first) and \(second))"
        case .wrongType(let key, let expected, let found, let origin):
            return "config key '\(key)' (\(origin)) must be \(expected), found \(found)"
        case .missingKey(let key, let searched):
            return "config key '\(key)' is not set in \(searched.joined(separator: ", ")) nor on the command line"
        case .conflictsWithData(let key, let configured, let origin, let data, let dataSource):
            return "config key '\(key)' = \(configured) (\(origin)) disagrees with the data: \(dataSource) gives \(data); remove the setting, the value is read from the data"
        }
    }
}
