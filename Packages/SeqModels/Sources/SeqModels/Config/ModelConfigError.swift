/// Why a configuration could not be turned into a model.
public enum ModelConfigError: Error, CustomStringConvertible, Equatable {
    /// `model` names none of the seven models.
    case unknownModel(String)
    /// A key holds a value of the wrong type (`expected` says which, `found` shows the value).
    case wrongType(key: String, expected: String, found: String)
    /// A key has the right type but an unusable value.
    case invalidValue(key: String, reason: String)
    /// A configuration file could not be read or parsed.
    case unreadable(path: String, reason: String)

    public var description: String {
        switch self {
        case .unknownModel(let name):
            return "unknown model '\(name)'; expected one of \(ModelName.allNames.joined(separator: ", "))"
        case .wrongType(let key, let expected, let found):
            return "config key '\(key)' must be \(expected), found \(found)"
        case .invalidValue(let key, let reason):
            return "config key '\(key)' is invalid: \(reason)"
        case .unreadable(let path, let reason):
            return "config file \(path) cannot be read: \(reason)"
        }
    }
}
