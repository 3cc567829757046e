import DataPipeline
import Foundation
import SeqModels

/// The settings of the built-in synthetic generator, from the `synthetic:` section of
/// `Configs/dataset/<name>.yaml` (`train prepare --synthetic <name>`, `train demo`). Each key is
/// declared once in `SyntheticSettings.keys` (name, range, doc, the setting it fills); a key left
/// out keeps `SyntheticDataset.Configuration.demo`'s value.
struct SyntheticSettings: Equatable {
    /// The generator's configuration.
    var generator = SyntheticDataset.Configuration.demo
    /// Optional override of the category-merging threshold for this dataset.
    var minItemsPerCategory: Int?

    /// Every key of a `synthetic:` section.
    static let keys: [SyntheticKey] = [
        .integer("users", \.generator.users, "number of users (at least 1)"),
        .integer("items", \.generator.items, "number of items (at least 2)"),
        .integer("categories", \.generator.categories, "number of categories (at least 1)"),
        .integer("interactions", \.generator.interactions, "target total number of interactions"),
        .integer("min_interactions_per_user", \.generator.minInteractionsPerUser, "fewest interactions of a user"),
        .number("popularity_exponent", \.generator.popularityExponent, .atLeast(0), "Zipf exponent of item popularity"),
        .number("category_exponent", \.generator.categoryExponent, .atLeast(0), "Zipf exponent of category sizes"),
        .number("stay_probability", \.generator.stayProbability, .unitInterval, "chance that the next item stays in the current category"),
        .number("drift_probability", \.generator.driftProbability, .unitInterval, "chance per step that a favourite category is replaced"),
        .number("neighbour_probability", \.generator.neighbourProbability, .unitInterval,
                "chance that the next item follows the previous one in its category's list"),
        .integer("neighbourhood", \.generator.neighbourhood, "how many following items count as neighbours (0 is read as 1)",
                 as: { max(1, $0) }),
        .integer("seed", \.generator.seed, "seed of the generator", as: { UInt64($0) }),
        .integer("min_items_per_category", \.minItemsPerCategory, "categories with fewer items are merged (prepare's threshold)",
                 as: { $0 }),
    ]

    /// Reads the `synthetic:` section of `Configs/dataset/<name>.yaml` in `configDirectory`, key by
    /// key in alphabetical order.
    /// - Throws: `TrainerError.invalidSetting` when the folder, the file or its section is missing,
    ///   for a key not in `keys`, or when users < 1, items < 2 or categories < 1;
    ///   `ConfigError.wrongType` (`synthetic.<key>`, the file) for a value outside its key's range.
    init(name: String, configDirectory: URL?) throws {
        guard let configDirectory else {
            throw TrainerError.invalidSetting("the synthetic dataset '\(name)' needs the Configs folder (pass --configs)")
        }
        let file = configDirectory.appendingPathComponent("dataset/\(name).yaml")
        guard FileManager.default.fileExists(atPath: file.path) else {
            throw TrainerError.invalidSetting("no synthetic dataset '\(name)': \(file.path) does not exist")
        }
        guard case .mapping(let section)? = try ConfigLoader.readFile(file).values["synthetic"] else {
            throw TrainerError.invalidSetting("\(file.path) has no `synthetic:` section describing the generator")
        }
        self.init()
        for (entry, value) in section.sorted(by: { $0.key < $1.key }) {
            guard let key = Self.keys.first(where: { $0.name == entry }) else {
                throw TrainerError.invalidSetting("unknown synthetic setting '\(entry)' in \(file.path)")
            }
            guard key.fill(&self, value) else {
                throw ConfigError.wrongType(key: "synthetic.\(entry)", expected: key.declaration.kind.expectation,
                                            found: "\(value)", origin: "\(file.path) [synthetic]")
            }
        }
        guard generator.users > 0, generator.items > 1, generator.categories > 0 else {
            throw TrainerError.invalidSetting("\(file.path): the synthetic dataset needs users ≥ 1, items ≥ 2 and categories ≥ 1")
        }
    }

    private init() {}
}

/// One key of a `synthetic:` section: its declaration (name, kind with range, doc) and how a value
/// fills its `SyntheticSettings` property.
struct SyntheticKey: Sendable {
    /// Name, kind (type and range) and doc.
    let declaration: ConfigKey
    /// Stores `value` in the property; false when it is not of the declared type and range.
    let fill: @Sendable (inout SyntheticSettings, ConfigValue) -> Bool

    var name: String { declaration.name }

    /// An integer ≥ 0 (written as one: `3`, not `3.0`), stored as `convert` makes it.
    static func integer<Value>(_ name: String, _ path: WritableKeyPath<SyntheticSettings, Value>, _ help: String,
                               as convert: @escaping @Sendable (Int) -> Value) -> SyntheticKey {
        let minimum = 0
        return SyntheticKey(declaration: ConfigKey(name, .integer(minimum: minimum), help)) { settings, value in
            guard case .int(let i) = value, i >= minimum else { return false }
            settings[keyPath: path] = convert(i)
            return true
        }
    }

    /// An integer ≥ 0, stored as it is.
    static func integer(_ name: String, _ path: WritableKeyPath<SyntheticSettings, Int>, _ help: String) -> SyntheticKey {
        integer(name, path, help, as: { $0 })
    }

    /// A number (integers accepted) in `range`.
    static func number(_ name: String, _ path: WritableKeyPath<SyntheticSettings, Double>, _ range: NumberRange,
                       _ help: String) -> SyntheticKey {
        SyntheticKey(declaration: ConfigKey(name, .number(range), help)) { settings, value in
            let number: Double
            switch value {
            case .int(let i): number = Double(i)
            case .double(let d): number = d
            default: return false
            }
            guard range.contains(number) else { return false }
            settings[keyPath: path] = number
            return true
        }
    }
}

extension NumberRange {
    /// A probability, `[0, 1]`.
    static let unitInterval = NumberRange(lower: 0, upper: 1)
}
