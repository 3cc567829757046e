import Foundation

/// Every failure of ingest, processing and storage: which file, where in it, and what was expected.
///
/// The description reads like a compiler diagnostic, e.g.
/// `ratings.dat:17: malformed line: expected 4 fields separated by '::', found 3`.
public struct DataPipelineError: Error, CustomStringConvertible, Equatable, Sendable {
    /// What went wrong, for callers and tests that branch on the kind of failure.
    public enum Kind: String, Sendable, Equatable {
        /// The file or folder does not exist or cannot be read.
        case unreadableFile
        /// A line does not have the expected shape (field count, brackets, separators).
        case malformedLine
        /// A header lacks a required column.
        case missingColumn
        /// An id, count or timestamp field is not a number.
        case nonNumericField
        /// A zip archive is damaged: missing records, truncated data, unsupported features.
        case corruptArchive
        /// A zip entry's CRC-32 or a binary split's checksum does not match its data.
        case checksumMismatch
        /// The input holds no interactions at all.
        case emptyInput
        /// No user has more than `minUserInteractions` interactions.
        case noUserPassesFilter
        /// The input format could not be recognised or is not supported.
        case unsupportedFormat
        /// The values are well-formed but contradict each other (e.g. an item with two category lists).
        case inconsistentData
        /// Writing an output file failed.
        case writeFailed
    }

    /// Where in the file the problem is.
    public enum Location: Equatable, Sendable {
        /// The whole file.
        case file
        /// A 1-based line number of a text file.
        case line(Int)
        /// An entry of a zip archive.
        case entry(String)
        /// A byte offset in a binary file.
        case byteOffset(Int)
    }

    public var kind: Kind
    /// The file (or `archive.zip:entry`) the problem was found in.
    public var file: String
    public var location: Location
    /// What was expected and what was found.
    public var message: String

    public init(_ kind: Kind, file: String, location: Location = .file, _ message: String) {
        self.kind = kind
        self.file = file
        self.location = location
        self.message = message
    }

    public var description: String {
        switch location {
        case .file: return "\(file): \(kind.label): \(message)"
        case .line(let line): return "\(file):\(line): \(kind.label): \(message)"
        case .entry(let entry): return "\(file) (entry \(entry)): \(kind.label): \(message)"
        case .byteOffset(let offset): return "\(file) (byte \(offset)): \(kind.label): \(message)"
        }
    }
}

extension DataPipelineError.Kind {
    /// A short human label used in descriptions.
    var label: String {
        switch self {
        case .unreadableFile: return "cannot read"
        case .malformedLine: return "malformed line"
        case .missingColumn: return "missing column"
        case .nonNumericField: return "not a number"
        case .corruptArchive: return "corrupt zip archive"
        case .checksumMismatch: return "checksum mismatch"
        case .emptyInput: return "empty input"
        case .noUserPassesFilter: return "no user passes the filter"
        case .unsupportedFormat: return "unsupported format"
        case .inconsistentData: return "inconsistent data"
        case .writeFailed: return "cannot write"
        }
    }
}

extension DataPipelineError: LocalizedError {
    public var errorDescription: String? { description }
}
