import Foundation

/// The repository's layered YAML configuration (`Configs/`), for tests that run the same workflows
/// and read the same files as the `train` tool.
public enum RepositoryConfigs {
    /// `Configs/` of the repository this file belongs to, found by walking up from its path (the
    /// first folder above it holding `Configs/overall.yaml`).
    public static var directory: URL {
        get throws {
            guard let url = found else { throw MissingTestInput("Configs/overall.yaml not found above \(#filePath)") }
            return url
        }
    }

    /// Copies `Configs/` to `<root>/Configs` and writes `dataset/<dataset>.yaml` there with `yaml`
    /// (typically a tiny synthetic dataset and short training), so that a test changes one dataset
    /// layer and goes through every other file exactly as the CLI does. Returns the copy.
    @discardableResult
    public static func copy(into root: URL, dataset: String, yaml: String) throws -> URL {
        let copy = root.appendingPathComponent("Configs")
        try FileManager.default.copyItem(at: directory, to: copy)
        try yaml.write(to: copy.appendingPathComponent("dataset/\(dataset).yaml"), atomically: false, encoding: .utf8)
        return copy
    }

    private static let found = repositoryFolder("Configs", holding: "overall.yaml")
}
