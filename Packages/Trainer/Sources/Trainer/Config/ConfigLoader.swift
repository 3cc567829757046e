import Foundation
import Yams

/// Reads the configuration files of a run and stacks them with the command-line overrides:
///
/// 1. `overall.yaml`, 2. `model/<Model>.yaml`, 3. `dataset/<Dataset>.yaml` (optional),
/// 4. the mode's own settings (e.g. `train_type`), 5. `--key=value` overrides. Later wins.
///
/// A file may hold a section named after a train type (`Ada-Ranker:` or `Base:`); its entries
/// apply right after that file's top-level entries when the run has that train type (this is how
/// Ada-Ranker gets its larger batch without a second file).
public struct ConfigLoader: Sendable {
    /// The folder holding `overall.yaml`, `model/` and `dataset/`.
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

    /// Assembles the configuration of a run.
    /// - Parameters:
    ///   - model: the model name (must have `model/<model>.yaml`).
    ///   - dataset: the dataset name; its file is optional (a dataset without one uses the defaults).
    ///   - modeValues: settings implied by the command (e.g. `train_type`), below the overrides.
    ///   - overrides: raw `--key=value` arguments.
    public func load(model: String, dataset: String?, modeValues: [String: ConfigValue] = [:],
                     overrides: [String] = []) throws -> Configuration {
        guard ConfigSchema.modelNames.contains(model) else {
            throw ConfigError.wrongType(key: "model", expected: ConfigKind.choice(ConfigSchema.modelNames).expectation,
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
        let commandLine = try Self.parseOverrides(overrides)

        // The train type decides which sections apply; find it from the top-level layers first.
        let topLevel = Configuration(layers: files + [
            ConfigLayer(source: "command", values: identity.merging(modeValues) { _, new in new }), commandLine,
        ])
        let trainType = (try? topLevel.choice("train_type")) ?? "Base"

        var configuration = Configuration()
        for file in files {
            configuration.append(file)
            if case .mapping(let section)? = file.values[trainType] {
                configuration.append(ConfigLayer(source: "\(file.source) [\(trainType)]", values: section))
            }
        }
        configuration.append(ConfigLayer(source: "command", values: identity.merging(modeValues) { _, new in new }))
        configuration.append(commandLine)
        try configuration.validate()
        return configuration
    }

    /// Parses one YAML file into a layer with line numbers.
    public static func readFile(_ url: URL) throws -> ConfigLayer {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw ConfigError.unreadableFile(path: url.path, reason: error.localizedDescription)
        }
        return try parse(text, source: url.path)
    }

    /// Parses YAML text (a mapping, or empty) into a layer.
    public static func parse(_ text: String, source: String) throws -> ConfigLayer {
        let node: Node?
        do { node = try Yams.compose(yaml: text) } catch let error as YamlError {
            throw ConfigError.invalidYAML(path: source, line: yamlLine(error), reason: "\(error)".split(separator: "\n").first.map(String.init) ?? "")
        } catch {
            throw ConfigError.invalidYAML(path: source, line: nil, reason: "\(error)")
        }
        guard let node else { return ConfigLayer(source: source, values: [:]) }
        guard case .mapping(let mapping) = node else { throw ConfigError.notAMapping(path: source) }
        var values: [String: ConfigValue] = [:]
        var lines: [String: Int] = [:]
        for (key, value) in mapping {
            guard let name = key.string else { throw ConfigError.notAMapping(path: source) }
            values[name] = ConfigValue(node: value)
            if let mark = key.mark { lines[name] = mark.line }
        }
        return ConfigLayer(source: source, values: values, lines: lines)
    }

    /// Parses `--key=value` arguments. The same key twice with different values is an error
    /// (as in the reference); values are read like YAML scalars.
    public static func parseOverrides(_ arguments: [String]) throws -> ConfigLayer {
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
