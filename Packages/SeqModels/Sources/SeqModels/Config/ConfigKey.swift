/// The numbers a number key accepts: a lower bound (inclusive or not) and an upper bound (inclusive
/// or not; `.infinity` for none).
public struct NumberRange: Sendable, Equatable {
    public var lower: Double
    public var lowerInclusive: Bool
    public var upper: Double
    public var upperInclusive: Bool

    public init(lower: Double, lowerInclusive: Bool = true, upper: Double = .infinity, upperInclusive: Bool = true) {
        self.lower = lower
        self.lowerInclusive = lowerInclusive
        self.upper = upper
        self.upperInclusive = upperInclusive
    }

    /// `x ≥ minimum`.
    public static func atLeast(_ minimum: Double) -> NumberRange { NumberRange(lower: minimum) }
    /// `x > minimum`.
    public static func greaterThan(_ minimum: Double) -> NumberRange { NumberRange(lower: minimum, lowerInclusive: false) }
    /// A dropout probability, `[0, 1)`.
    public static let probability = NumberRange(lower: 0, upper: 1, upperInclusive: false)

    public func contains(_ x: Double) -> Bool {
        guard !x.isNaN else { return false }
        let aboveLower = lowerInclusive ? x >= lower : x > lower
        let belowUpper = upper == .infinity ? x < .infinity : (upperInclusive ? x <= upper : x < upper)
        return aboveLower && belowUpper
    }

    /// `≥ 0`, `> 0`, `in [0, 1)`.
    public var description: String {
        if upper == .infinity { return "\(lowerInclusive ? "≥" : ">") \(Self.format(lower))" }
        return "in \(lowerInclusive ? "[" : "(")\(Self.format(lower)), \(Self.format(upper))\(upperInclusive ? "]" : ")")"
    }

    static func format(_ x: Double) -> String { x.rounded() == x && abs(x) < 1e15 ? String(Int(x)) : String(x) }
}

/// The type (and allowed range) a configuration key must have.
public enum ConfigKind: Sendable, Equatable {
    /// An integer `≥ minimum`.
    case integer(minimum: Int)
    /// A number (integers accepted) in `range`.
    case number(NumberRange)
    /// A number `≥ minimum`, or null (`~`) for "off".
    case optionalNumber(minimum: Double)
    /// A boolean; the reference's `0` / `1` are accepted too.
    case flag
    /// One of a fixed set of words (compared case-insensitively).
    case choice([String])
    /// Free text (names, paths).
    case text
    /// A list of integers, each `≥ minimum` (a single integer is read as a one-element list).
    case integerList(minimum: Int)
    /// A nested mapping passed through untouched (generator settings, per-train-type sections).
    case section

    /// One of the cases of `type`, by raw value.
    public static func choice<E: CaseIterable & RawRepresentable>(of type: E.Type) -> ConfigKind where E.RawValue == String {
        .choice(E.allCases.map(\.rawValue))
    }

    /// What a value of this kind looks like, for error messages.
    public var expectation: String {
        switch self {
        case .integer(let minimum): return "an integer ≥ \(minimum)"
        case .number(let range): return "a number \(range.description)"
        case .optionalNumber(let lo): return "a number ≥ \(NumberRange.format(lo)) or ~ (off)"
        case .flag: return "a boolean (true/false or 1/0)"
        case .choice(let words): return "one of \(words.joined(separator: ", "))"
        case .text: return "a string"
        case .integerList: return "a list of integers such as [1, 4]"
        case .section: return "a mapping"
        }
    }
}

/// One declared configuration key: its reference name, type and range, and what it controls.
public struct ConfigKey: Sendable {
    public let name: String
    public let kind: ConfigKind
    /// Other spellings accepted for this key (`optimizer` for the reference's `learner`).
    public let aliases: [String]
    /// What the key controls (shown in messages and documentation).
    public let help: String

    public init(_ name: String, _ kind: ConfigKind, aliases: [String] = [], _ help: String) {
        self.name = name
        self.kind = kind
        self.aliases = aliases
        self.help = help
    }
}
