import DataPipeline
import Foundation

/// Which dataset name a run uses to select `Configs/dataset/<name>.yaml`, and where the name came
/// from: the command's `--dataset`, else the `name` that `prepare` wrote into the data folder's
/// `stats.json`, else the data folder's own name (a folder of reference TSVs, or data prepared
/// without a name). A folder renamed to `Datasets/ML10M-reference` thus still trains with `ML10M.yaml`.
struct DatasetSelection: Equatable {
    /// Where `name` came from, for the log.
    enum Origin: String {
        case request = "--dataset"
        case stats = "stats.json"
        case folderName = "the data folder's name"
    }

    var name: String
    var origin: Origin

    /// Resolves the name for `dataFolder`; a `stats.json` that cannot be read names nothing here
    /// (loading the data reports it), nor does a name that is not a plain file name (`../x`).
    init(requested: String?, dataFolder: String) {
        if let requested {
            (name, origin) = (requested, .request)
            return
        }
        let stats = URL(fileURLWithPath: dataFolder).appendingPathComponent("stats.json").path
        if FileManager.default.fileExists(atPath: stats), let named = (try? DatasetStats.read(path: stats))?.name,
           Self.isPlainName(named) {
            (name, origin) = (named, .stats)
        } else {
            (name, origin) = (URL(fileURLWithPath: dataFolder).standardizedFileURL.lastPathComponent, .folderName)
        }
    }

    /// Letters, digits, `-`, `_` and `.`, not starting with `.`: a name that stays inside `dataset/`.
    static func isPlainName(_ name: String) -> Bool {
        !name.isEmpty && !name.hasPrefix(".") && name.allSatisfy { $0.isLetter || $0.isNumber || "-_.".contains($0) }
    }

    /// The dataset file this name selects in `configDirectory` (which may not exist).
    func configFile(in configDirectory: URL) -> URL {
        configDirectory.appendingPathComponent("dataset/\(name).yaml")
    }

    /// One line saying which dataset configuration applies, e.g.
    /// `dataset ML10M (from stats.json): applying Configs/dataset/ML10M.yaml`.
    func summary(configDirectory: URL) -> String {
        let file = configFile(in: configDirectory)
        let applied = FileManager.default.fileExists(atPath: file.path)
            ? "applying \(file.path)" : "no \(file.path), so no dataset settings apply"
        return "dataset \(name) (from \(origin.rawValue)): \(applied)"
    }
}
