/// The configuration reader's entry for the libFuzzer target `FuzzConfigYAML` (`Fuzz/`,
/// `make fuzz`) and the replay of its regression inputs in the package tests: lines starting with
/// `--` are read as command-line overrides, the other lines as a YAML configuration file, which is
/// stacked into a configuration, validated and turned into training and model settings. A thrown
/// `ConfigError` is the expected answer to hostile input; a trap is a bug.
enum ConfigFuzzEntryPoint {
    /// Returns whether the YAML part was accepted as a configuration layer (for tests only).
    static func yaml(_ bytes: [UInt8]) -> Bool {
        let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        _ = try? ConfigLoader.parseOverrides(lines.filter { $0.hasPrefix("--") })
        let text = lines.filter { !$0.hasPrefix("--") }.joined(separator: "\n")
        guard let layer = try? ConfigLoader.parse(text, source: "fuzz.yaml") else { return false }
        let configuration = Configuration(layers: [layer])
        _ = try? configuration.validate()
        _ = configuration.unknownKeyWarnings
        _ = try? configuration.jsonData()
        _ = try? TrainingSettings(configuration)
        _ = try? ModelFactory.modelConfig(configuration)
        return true
    }
}
