import Foundation
import SeqModels
import Yams

/// Reads the configuration files of a run and stacks them with the command-line overrides:
///
/// 1. `overall.yaml`, 2. `model/<Model>.yaml`, 3. `dataset/<Dataset>.yaml` (optional),
/// 4. `protocol/<protocol>.yaml`, 5. the command's own settings (e.g. `train_type`),
/// 6. `--key=value` overrides. Later wins (Trainer README § Configuration).
///
/// A file may hold a section named after a train type (`Ada-Ranker:` or `Base:`); its entries
/// apply right after that file's top-level entries when the run has that train type (this is how
/// the paper protocol gives the Ada-Ranker its larger batch without a second file).
///
/// The protocol, like the train type, is read from the top-level layers (`protocol` key, normally
/// set by the command's `--protocol`); it defaults to `fair`. The `fair` protocol is the shared
/// defaults themselves, so its file may be missing; any other protocol needs its file.
public struct ConfigLoader: Sendable {
    /// The protocol applied when none is named: Base and Ada-Ranker with the same settings.
    public static let defaultProtocol = "fair"

    /// The folder holding `overall.yaml`, `model/`, `dataset/` and `protocol/`.
    public let directory: URL

    public init(directory: URL) { self.directory = directory }

    /// Finds the `Configs` folder: `ADARANKER_CONFIGS`, else the first `Configs/overall.yaml` in the
    /// current directory or its parents, else next to (or above) the executable.
    public static func locateDefault(executablePath: String = CommandLine.arguments.first ?? "") -> URL? {
        let fm = FileManager.default
        if let env = ProcessInfo.processInfo.environment["ADARANKER_CONFIGS"], !env.isEmpty {
            return URL(fileURLWithPath: env)
        }
        var starts = [URL(fileURLWithPath: fm.currentDirectoryPath)]
        if !executablePath.isEmpty { starts.append(URL(fileURLWithPath: executablePath).resolvingSymlinksInPath().deletingLastPathComponent()) }
        for start in starts {
            var folder = start.standardizedFileURL
            while true {
                let candidate = folder.appendingPathComponent("Configs")
                if fm.fileExists(atPath: candidate.appendingPathComponent("overall.yaml").path) { return candidate }
                let parent = folder.deletingLastPathComponent()
                if parent.path == folder.path { break }
                folder = parent
            }
        }
        return nil
    }

    /// The names of the model files present (`model/*.yaml`).
    public var availableModels: [String] {
        let folder = directory.appendingPathComponent("model")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix(".yaml") }.map { String($0.dropLast(5)) }.sorted()
    }

    /// The names of the protocol files present (`protocol/*.yaml`), plus `fair`, which needs no file.
    public var availableProtocols: [String] {
        let folder = directory.appendingPathComponent("protocol")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return Set(names.filter { $0.hasSuffix(".yaml") }.map { String($0.dropLast(5)) } + [Self.defaultProtocol]).sorted()
    }

    /// The file of protocol `name`, or nil for the default protocol when it has no file.
    /// - Throws: `ConfigError.missingFile` for another name without a file.
    public func protocolFile(_ name: String) throws -> URL? {
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
            throw ConfigError.wrongType(key: "protocol", expected: "a protocol name such as \(Self.defaultProtocol) or paper",
                                        found: "'\(name)'", origin: "command line")
        }
        let file = directory.appendingPathComponent("protocol/\(name).yaml")
        if FileManager.default.fileExists(atPath: file.path) { return file }
        if name == Self.defaultProtocol { return nil }
        throw ConfigError.missingFile(path: file.path,
                                      what: "no protocol '\(name)' (available: \(availableProtocols.joined(separator: ", ")))")
    }

    /// Assembles the configuration of a run.
    /// - Parameters:
    ///   - model: the model name (must have `model/<model>.yaml`).
    ///   - dataset: the dataset name; its file is optional (a dataset without one uses the defaults).
    ///   - modeValues: settings implied by the command (e.g. `train_type`, `protocol`), below the overrides.
    ///   - overrides: raw `--key=value` arguments.
    func load(model: String, dataset: String?, modeValues: [String: ConfigValue] = [:],
                     overrides: [String] = []) throws -> Configuration {
        guard ModelName(rawValue: model) != nil else {
            throw ConfigError.wrongType(key: "model", expected: ConfigKind.choice(ModelName.allNames).expectation,
                                        found: "'\(model)'", origin: "command line")
        }
        let overall = directory.appendingPathComponent("overall.yaml")
        guard FileManager.default.fileExists(atPath: overall.path) else {
            throw ConfigError.missingFile(path: overall.path, what: "the base configuration is missing")
        }
        var files = [try Self.readFile(overall)]
        let modelFile = directory.appendingPathComponent("model/\(model).yaml")
        guard FileManager.default.fileExists(atPath: modelFile.path) else {
            throw ConfigError.missingFile(path: modelFile.path, what: "no configuration for model \(model)")
        }
        files.append(try Self.readFile(modelFile))
        if let dataset {
            let datasetFile = directory.appendingPathComponent("dataset/\(dataset).yaml")
            if FileManager.default.fileExists(atPath: datasetFile.path) { files.append(try Self.readFile(datasetFile)) }
        }
        var identity: [String: ConfigValue] = ["model": .string(model)]
        if let dataset { identity["dataset"] = .string(dataset) }
        let command = ConfigLayer(source: "command", values: identity.merging(modeValues) { _, new in new })
        let commandLine = try Self.parseOverrides(overrides)

        // The protocol and the train type decide which layers apply; find them from the
        // top-level layers first.
        let topLevel = Configuration(layers: files + [command, commandLine])
        let protocolName = topLevel.contains("protocol") ? try topLevel.string("protocol") : Self.defaultProtocol
        if let protocolFile = try protocolFile(protocolName) {
            let layer = try Self.readFile(protocolFile)
            if let named = layer.values["protocol"], named != .string(protocolName) {
                throw ConfigError.wrongType(key: "protocol", expected: "absent or '\(protocolName)' in its own file",
                                            found: "\(named)", origin: layer.lines["protocol"].map { "\(layer.source):\($0)" } ?? layer.source)
            }
            files.append(layer)
        }
        let trainType = (try? topLevel.choice("train_type")) ?? TrainType.base.rawValue

        var configuration = Configuration()
        for file in files {
            configuration.append(file)
            if case .mapping(let section)? = file.values[trainType] {
                configuration.append(ConfigLayer(source: "\(file.source) [\(trainType)]", values: section))
            }
        }
        var commandWithProtocol = command
        commandWithProtocol.values["protocol"] = .string(protocolName)
        configuration.append(commandWithProtocol)
        configuration.append(commandLine)
        try configuration.validate()
        return configuration
    }

    /// Parses one YAML file into a layer with line numbers.
    static func readFile(_ url: URL) throws -> ConfigLayer {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw ConfigError.unreadableFile(path: url.path, reason: error.localizedDescription)
        }
        return try parse(text, source: url.path)
    }

    /// Parses YAML text (a mapping, or empty) into a layer.
    static func parse(_ text: String, source: String) throws -> ConfigLayer {
        let node: Node?
        do { node = try Yams.compose(yaml: text) } catch let error as YamlError {
            throw ConfigError.invalidYAML(path: source, line: yamlLine(error), reason: "\(error)".split(separator: "\n").first.map(String.init) ?? "")
        } catch {
            throw ConfigError.invalidYAML(path: source, line: nil, reason: "\(error)")
        }
        guard let node else { return ConfigLayer(source: source, values: [:]) }
        guard case .mapping(let mapping) = node else { throw ConfigError.notAMapping(path: source) }
        try checkNoDuplicateKeys(mapping, source: source)
        var values: [String: ConfigValue] = [:]
        var lines: [String: Int] = [:]
        for (key, value) in mapping {
            guard let name = key.string else { throw ConfigError.notAMapping(path: source) }
            values[name] = ConfigValue(node: value)
            if let mark = key.mark { lines[name] = mark.line }
        }
        return ConfigLayer(source: source, values: values, lines: lines)
    }

    /// Refuses a mapping (or any mapping nested in it, such as an `Ada-Ranker:` section) that sets
    /// one key twice, also through an alias (`learner` and `optimizer`): YAML readers disagree on
    /// which one wins, so the file is ambiguous.
    private static func checkNoDuplicateKeys(_ mapping: Node.Mapping, source: String) throws {
        var firstLines: [String: Int?] = [:]
        for (key, value) in mapping {
            if let spelling = key.string {
                let name = ConfigSchema.canonicalName(spelling)
                if let first = firstLines[name] {
                    throw ConfigError.duplicateKey(path: source, line: key.mark?.line, key: name, spelling: spelling, firstLine: first)
                }
                firstLines[name] = key.mark?.line
            }
            if case .mapping(let nested) = value { try checkNoDuplicateKeys(nested, source: source) }
        }
    }

    /// Parses `--key=value` arguments. The same key twice with different values is an error
    /// (as in the reference); values are read like YAML scalars.
    static func parseOverrides(_ arguments: [String]) throws -> ConfigLayer {
        var values: [String: ConfigValue] = [:]
        var raw: [String: String] = [:]
        for argument in arguments {
            guard argument.hasPrefix("--"), let equals = argument.firstIndex(of: "=") else {
                throw ConfigError.badOverride(argument: argument)
            }
            let key = String(argument[argument.index(argument.startIndex, offsetBy: 2)..<equals])
            let text = String(argument[argument.index(after: equals)...])
            guard !key.isEmpty else { throw ConfigError.badOverride(argument: argument) }
            let name = ConfigSchema.canonicalName(key)
            if let previous = raw[name], previous != text {
                throw ConfigError.conflictingOverrides(key: name, first: previous, second: text)
            }
            raw[name] = text
            values[name] = ConfigValue(commandLineText: text)
        }
        return ConfigLayer(source: "command line", values: values)
    }

    private static func yamlLine(_ error: YamlError) -> Int? {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _):
            return mark.line
        default:
            return nil
        }
    }
}
