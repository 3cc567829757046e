import Foundation

/// Reads an input path in the given (or detected) format into a `RawDataset`.
enum InputReader {
    static func read(path: String, format: PrepareOptions.InputFormat) throws -> (RawDataset, PrepareOptions.InputFormat) {
        let resolved = format == .auto ? try detect(path) : format
        switch resolved {
        case .ml10m, .ml1m: return (try MovieLensReader.read(path: path), resolved)
        case .recbole: return (try RecBoleReader.read(path: path), resolved)
        case .tsv: return (try FourFieldTSVReader.read(path: path), resolved)
        case .auto: fatalError("detect never returns .auto")
        }
    }

    /// The format of `path` (see `PrepareOptions.InputFormat.auto`).
    static func detect(_ path: String) throws -> PrepareOptions.InputFormat {
        let lower = path.lowercased()
        if FileBytes.isFile(path) {
            if lower.hasSuffix(".zip") { return lower.contains("1m") ? .ml1m : .ml10m }
            if lower.hasSuffix(".inter") { return .recbole }
            if lower.hasSuffix(".tsv") || lower.hasSuffix(".txt") { return .tsv }
            throw DataPipelineError(.unsupportedFormat, file: path, "cannot tell the format from the file name; expected .zip (MovieLens), .inter (RecBole) or .tsv (4-field TSV), or pass a format")
        }
        guard FileBytes.isDirectory(path) else {
            throw DataPipelineError(.unreadableFile, file: path, "expected an existing input file or folder")
        }
        if RecBoleReader.recognises(path) { return .recbole }
        if MovieLensReader.recognises(path) { return lower.contains("1m") ? .ml1m : .ml10m }
        throw DataPipelineError(.unsupportedFormat, file: path, "expected a folder with ratings.dat + movies.dat (MovieLens), NAME.inter + NAME.item (RecBole), or a MovieLens zip; pass a 4-field TSV file directly")
    }
}
