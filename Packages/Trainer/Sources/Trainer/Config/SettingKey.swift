import SeqModels

/// A settings struct decoded from a `Configuration` by the keys it declares (`TrainingSettings`,
/// `AdaptationSettings`). Each key says its name, aliases, type and range, doc, default and the
/// property it fills (`SettingKey`); the configuration schema (`ConfigSchema.trainingKeys`) lists
/// the same declarations, so a key's range, its error message and its decoding have one source.
protocol DeclaredSettings: Sendable {
    /// The keys this struct declares, in decoding order (a key whose default is another setting
    /// comes after that setting's key).
    static var keys: [SettingKey<Self>] { get }
    /// Keys declared elsewhere (model keys of SeqModels' `ModelConfig.keys`) that also fill a
    /// property here; decoded after `keys`.
    static var borrowedKeys: [SettingKey<Self>] { get }
    /// Where decoding starts; every stored property is then set by one of the keys.
    static var unfilled: Self { get }
}

extension DeclaredSettings {
    static var borrowedKeys: [SettingKey<Self>] { [] }

    /// Reads and checks every setting: each key's value, or its default when no layer sets it.
    /// - Throws: `ConfigError` naming the first missing key (one without a default) or the first
    ///   value of the wrong type or outside its range, with the file line or argument it came from.
    init(_ config: Configuration) throws {
        self = Self.unfilled
        for key in Self.keys + Self.borrowedKeys { try key.fill(&self, config) }
    }
}

/// What a setting takes when no configuration layer sets its key.
enum SettingDefault<Settings, Value: Sendable>: Sendable {
    /// None: the key must be set (reading it unset is `ConfigError.missingKey`).
    case required
    /// This value.
    case value(Value)
    /// The value of another property, filled by an earlier key (`eval_batch_size` → `batch_size`).
    case sameAs(KeyPath<Settings, Value> & Sendable)
}

/// One configuration key of a `DeclaredSettings` struct: its declaration and how it fills its property.
struct SettingKey<Settings>: Sendable {
    /// Name, aliases, kind (type and range) and doc.
    let declaration: ConfigKey
    /// Reads the key's value (checked against `declaration.kind` by `Configuration`'s typed
    /// accessors), or its default when unset, into the property.
    let fill: @Sendable (inout Settings, Configuration) throws -> Void

    var name: String { declaration.name }
}

extension SettingKey {
    /// An integer `≥ minimum`.
    static func integer(_ name: String, _ path: WritableKeyPath<Settings, Int>, minimum: Int,
                        default fallback: SettingDefault<Settings, Int> = .required, _ help: String) -> SettingKey {
        bound(ConfigKey(name, .integer(minimum: minimum), help), path, fallback) { try $0.int(name) }
    }

    /// A finite number in `range` (integers accepted), stored as a `Float`.
    static func number(_ name: String, _ path: WritableKeyPath<Settings, Float>, _ range: NumberRange,
                       default fallback: SettingDefault<Settings, Float> = .required, _ help: String) -> SettingKey {
        bound(ConfigKey(name, .number(range), help), path, fallback) { Float(try $0.double(name)) }
    }

    /// A finite number `≥ minimum`, or null (`~`) for "off"; unset is off too (`nil`).
    static func optionalNumber(_ name: String, _ path: WritableKeyPath<Settings, Float?>, minimum: Double,
                               _ help: String) -> SettingKey {
        bound(ConfigKey(name, .optionalNumber(minimum: minimum), help), path, .value(nil)) {
            try $0.optionalDouble(name).map(Float.init)
        }
    }

    /// A boolean (`true`/`false` or the reference's `1`/`0`).
    static func flag(_ name: String, _ path: WritableKeyPath<Settings, Bool>,
                     default fallback: SettingDefault<Settings, Bool> = .required, _ help: String) -> SettingKey {
        bound(ConfigKey(name, .flag, help), path, fallback) { try $0.bool(name) }
    }

    /// One of the raw values of `E` (matched case-insensitively); an unknown word is an error
    /// listing `E`'s cases.
    static func choice<E: CaseIterable & RawRepresentable & Sendable>(
        _ name: String, _ path: WritableKeyPath<Settings, E>, aliases: [String] = [],
        default fallback: SettingDefault<Settings, E> = .required, _ help: String
    ) -> SettingKey where E.RawValue == String {
        bound(ConfigKey(name, .choice(of: E.self), aliases: aliases, help), path, fallback) { try $0.choice(name, as: E.self) }
    }

    /// One of `words` (matched case-insensitively), stored in the spelling of `words`.
    static func choice(_ name: String, _ path: WritableKeyPath<Settings, String>, among words: [String],
                       default fallback: SettingDefault<Settings, String> = .required, _ help: String) -> SettingKey {
        bound(ConfigKey(name, .choice(words), help), path, fallback) { try $0.choice(name) }
    }

    /// The integer model key `name` (declared in `ModelConfig.keys`, range included), which also
    /// fills a property here.
    static func integer(modelKey name: String, _ path: WritableKeyPath<Settings, Int>) -> SettingKey {
        bound(modelDeclaration(name), path, .required) { try $0.int(name) }
    }

    /// The flag model key `name` (declared in `ModelConfig.keys`), which also fills a property here.
    static func flag(modelKey name: String, _ path: WritableKeyPath<Settings, Bool>) -> SettingKey {
        bound(modelDeclaration(name), path, .required) { try $0.bool(name) }
    }

    private static func modelDeclaration(_ name: String) -> ConfigKey {
        guard let key = ModelConfig.key(named: name) else { preconditionFailure("'\(name)' is not in ModelConfig.keys") }
        return key.declaration
    }

    /// The key `declaration` filling `path` with what `read` returns, or with `fallback` when no
    /// layer sets the key (`.required` reads anyway, so that the missing key is reported).
    private static func bound<Value: Sendable>(
        _ declaration: ConfigKey, _ path: WritableKeyPath<Settings, Value>, _ fallback: SettingDefault<Settings, Value>,
        read: @escaping @Sendable (Configuration) throws -> Value
    ) -> SettingKey {
        SettingKey(declaration: declaration) { settings, config in
            let isSet = config.contains(declaration.name)
            switch fallback {
            case .value(let value) where !isSet: settings[keyPath: path] = value
            case .sameAs(let other) where !isSet: settings[keyPath: path] = settings[keyPath: other]
            default: settings[keyPath: path] = try read(config)
            }
        }
    }
}
