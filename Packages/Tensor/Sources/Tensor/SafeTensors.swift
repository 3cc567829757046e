import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One tensor stored in a safetensors file: floats (`F32`, or `F64` read as `Float`) or integer ids
/// (`I64`, `I32`).
public enum SafeTensorValue: Equatable, Sendable {
    case float(Tensor)
    case index(IndexTensor)

    /// The shape of the stored tensor.
    public var shape: [Int] {
        switch self {
        case .float(let t): return t.shape
        case .index(let t): return t.shape
        }
    }
}

/// A problem with a safetensors file; the description names the file (and tensor, where relevant).
public struct SafeTensorsError: Error, CustomStringConvertible, Equatable {
    public enum Kind: Equatable {
        case unreadable(String)
        case tooShort(byteCount: Int)
        case headerBeyondFile(headerLength: UInt64, fileLength: Int)
        case invalidHeader(String)
        case unknownDType(tensor: String, dtype: String)
        case shapeMismatch(tensor: String, shape: [Int], dtype: String, byteCount: Int)
        case invalidOffsets(tensor: String, begin: Int, end: Int)
        case truncatedData(tensor: String, end: Int, dataLength: Int)
        case overlapping(tensor: String, other: String)
        case missingTensor(String, available: [String])
        case wrongKind(tensor: String, expected: String, found: String)
        case writeFailed(String)
    }

    public let path: String
    public let kind: Kind

    public init(path: String, kind: Kind) {
        self.path = path
        self.kind = kind
    }

    public var description: String {
        let detail: String
        switch kind {
        case .unreadable(let reason):
            detail = "cannot be read: \(reason)"
        case .tooShort(let n):
            detail = "is \(n) bytes long; a safetensors file starts with an 8-byte header length"
        case .headerBeyondFile(let header, let file):
            detail = "declares a \(header)-byte JSON header but the file has only \(file) bytes"
        case .invalidHeader(let reason):
            detail = "has an invalid JSON header: \(reason)"
        case .unknownDType(let name, let dtype):
            detail = "tensor '\(name)' has dtype '\(dtype)'; expected one of F32, F64, I64, I32"
        case .shapeMismatch(let name, let shape, let dtype, let bytes):
            let needed = SafeTensors.byteCount(shape: shape, width: SafeTensors.byteWidth(dtype) ?? 1).map(String.init) ?? "more than 2⁶³"
            detail = "tensor '\(name)' of shape \(shape) and dtype \(dtype) needs \(needed) bytes, but its data_offsets span \(bytes)"
        case .invalidOffsets(let name, let begin, let end):
            detail = "tensor '\(name)' has invalid data_offsets [\(begin), \(end)]; expected 0 ≤ begin ≤ end"
        case .truncatedData(let name, let end, let length):
            detail = "tensor '\(name)' ends at data byte \(end) but the data section has only \(length) bytes (truncated file?)"
        case .overlapping(let name, let other):
            detail = "tensors '\(other)' and '\(name)' have overlapping data_offsets"
        case .missingTensor(let name, let available):
            detail = "has no tensor '\(name)' (it has: \(available.joined(separator: ", ")))"
        case .wrongKind(let name, let expected, let found):
            detail = "tensor '\(name)' holds \(found) values, expected \(expected)"
        case .writeFailed(let reason):
            detail = "cannot be written: \(reason)"
        }
        return "safetensors file \(path) \(detail)"
    }
}

/// A safetensors file read fully into memory.
///
/// Layout: an 8-byte little-endian header length `N`, `N` bytes of UTF-8 JSON
/// `{"name": {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}, ..., "__metadata__": {"k": "v"}}`,
/// then the little-endian data, with offsets relative to the start of the data section.
public struct SafeTensorsFile: Sendable {
    public let path: String
    public let entries: [String: SafeTensorValue]
    /// The optional `__metadata__` string map.
    public let metadata: [String: String]

    /// Reads and validates the file at `path`.
    public init(contentsOf path: String) throws {
        let bytes: Data
        do {
            bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw SafeTensorsError(path: path, kind: .unreadable("\(error)"))
        }
        try self.init(bytes: bytes, path: path)
    }

    /// Parses safetensors `bytes`; `path` names the source in errors.
    public init(bytes: Data, path: String) throws {
        self.path = path
        let bytes = [UInt8](bytes)
        let (header, dataStart) = try Self.parseHeader(bytes, path: path)
        let metadata = try Self.parseMetadata(header, path: path)
        let dataLength = bytes.count - dataStart
        var entries: [String: SafeTensorValue] = [:]
        var spans: [(begin: Int, end: Int, name: String)] = []
        for (name, raw) in header where name != "__metadata__" {
            let (begin, end, dtype, shape) = try Self.parseEntry(name, raw, dataLength: dataLength, path: path)
            spans.append((begin, end, name))
            entries[name] = bytes.withUnsafeBufferPointer { buffer in
                SafeTensors.decode(UnsafeRawBufferPointer(buffer).baseAddress! + dataStart + begin, dtype: dtype, shape: shape)
            }
        }
        try Self.checkNoOverlap(&spans, path: path)
        self.entries = entries
        self.metadata = metadata
    }

    /// The JSON header object of a safetensors file and where its data section starts.
    private static func parseHeader(_ bytes: [UInt8], path: String) throws -> (header: [String: Any], dataStart: Int) {
        func fail(_ kind: SafeTensorsError.Kind) -> SafeTensorsError { SafeTensorsError(path: path, kind: kind) }
        guard bytes.count >= 8 else { throw fail(.tooShort(byteCount: bytes.count)) }
        let headerLength = bytes[0..<8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        guard headerLength <= UInt64(bytes.count - 8) else {
            throw fail(.headerBeyondFile(headerLength: headerLength, fileLength: bytes.count))
        }
        let dataStart = 8 + Int(headerLength)
        let json: Any
        do {
            json = try JSONSerialization.jsonObject(with: Data(bytes[8..<dataStart]))
        } catch {
            throw fail(.invalidHeader("not parseable JSON (\(error.localizedDescription))"))
        }
        guard let header = json as? [String: Any] else { throw fail(.invalidHeader("the top level is not an object")) }
        return (header, dataStart)
    }

    /// The string map under the header's `__metadata__` key (empty when absent).
    private static func parseMetadata(_ header: [String: Any], path: String) throws -> [String: String] {
        func fail(_ kind: SafeTensorsError.Kind) -> SafeTensorsError { SafeTensorsError(path: path, kind: kind) }
        var metadata: [String: String] = [:]
        if let raw = header["__metadata__"] {
            guard let map = raw as? [String: Any] else { throw fail(.invalidHeader("__metadata__ is not an object")) }
            for (key, value) in map {
                guard let text = value as? String else {
                    throw fail(.invalidHeader("__metadata__ value for '\(key)' is not a string"))
                }
                metadata[key] = text
            }
        }
        return metadata
    }

    /// Checks one tensor entry of the header (dtype, shape, offsets within the data section);
    /// returns its byte range, dtype and shape.
    private static func parseEntry(_ name: String, _ raw: Any, dataLength: Int, path: String) throws
        -> (begin: Int, end: Int, dtype: String, shape: [Int]) {
        func fail(_ kind: SafeTensorsError.Kind) -> SafeTensorsError { SafeTensorsError(path: path, kind: kind) }
        guard let info = raw as? [String: Any],
              let dtype = info["dtype"] as? String,
              let shapeValues = info["shape"] as? [Any],
              let offsetValues = info["data_offsets"] as? [Any], offsetValues.count == 2
        else {
            throw fail(.invalidHeader("entry '\(name)' needs \"dtype\" (string), \"shape\" (array) and \"data_offsets\" ([begin, end])"))
        }
        guard let shape = integers(shapeValues), shape.allSatisfy({ $0 >= 0 }) else {
            throw fail(.invalidHeader("entry '\(name)' has a shape that is not a list of non-negative integers"))
        }
        guard let offsets = integers(offsetValues) else {
            throw fail(.invalidHeader("entry '\(name)' has data_offsets that are not integers"))
        }
        guard let width = SafeTensors.byteWidth(dtype) else { throw fail(.unknownDType(tensor: name, dtype: dtype)) }
        let (begin, end) = (offsets[0], offsets[1])
        guard begin >= 0, begin <= end else { throw fail(.invalidOffsets(tensor: name, begin: begin, end: end)) }
        guard let byteCount = SafeTensors.byteCount(shape: shape, width: width) else {
            throw fail(.invalidHeader("entry '\(name)' has shape \(shape), whose size overflows a 64-bit byte count"))
        }
        guard end - begin == byteCount else {
            throw fail(.shapeMismatch(tensor: name, shape: shape, dtype: dtype, byteCount: end - begin))
        }
        guard end <= dataLength else { throw fail(.truncatedData(tensor: name, end: end, dataLength: dataLength)) }
        return (begin, end, dtype, shape)
    }

    /// Throws `overlapping` for the first pair of tensors (in offset order) whose bytes overlap.
    private static func checkNoOverlap(_ spans: inout [(begin: Int, end: Int, name: String)], path: String) throws {
        spans.sort { ($0.begin, $0.end, $0.name) < ($1.begin, $1.end, $1.name) }
        for (previous, next) in zip(spans, spans.dropFirst()) where next.begin < previous.end {
            throw SafeTensorsError(path: path, kind: .overlapping(tensor: next.name, other: previous.name))
        }
    }

    /// Tensor names, sorted.
    public var names: [String] { entries.keys.sorted() }

    /// The float tensor `name`.
    public func tensor(_ name: String) throws -> Tensor {
        switch try value(name) {
        case .float(let t): return t
        case .index: throw SafeTensorsError(path: path, kind: .wrongKind(tensor: name, expected: "float (F32/F64)", found: "integer"))
        }
    }

    /// The integer tensor `name`.
    public func indexTensor(_ name: String) throws -> IndexTensor {
        switch try value(name) {
        case .index(let t): return t
        case .float: throw SafeTensorsError(path: path, kind: .wrongKind(tensor: name, expected: "integer (I64/I32)", found: "float"))
        }
    }

    private func value(_ name: String) throws -> SafeTensorValue {
        guard let value = entries[name] else {
            throw SafeTensorsError(path: path, kind: .missingTensor(name, available: names))
        }
        return value
    }
}

/// JSON numbers as `Int`s, or nil if any is not an integer.
private func integers(_ values: [Any]) -> [Int]? {
    var result: [Int] = []
    for value in values {
        guard let integer = value as? Int else { return nil }
        result.append(integer)
    }
    return result
}

/// Writing safetensors files and the dtype table.
public enum SafeTensors {
    /// How integer tensors are stored.
    public enum IndexDType: String, Sendable {
        case i64 = "I64"
        case i32 = "I32"
    }

    /// Bytes per element of a dtype, or nil if unsupported.
    public static func byteWidth(_ dtype: String) -> Int? {
        switch dtype {
        case "F32", "I32": return 4
        case "F64", "I64": return 8
        default: return nil
        }
    }

    /// Writes `entries` to `path` atomically (a temporary file in the same folder, then a rename).
    ///
    /// The bytes are deterministic: the header lists tensors in sorted name order with their data
    /// in the same order, floats as `F32`, ids as `indexDType`; the header is padded with spaces
    /// so the data section starts at a multiple of 8 bytes.
    public static func write(_ entries: [String: SafeTensorValue], metadata: [String: String] = [:],
                             to path: String, indexDType: IndexDType = .i64) throws {
        let bytes = encode(entries, metadata: metadata, indexDType: indexDType)
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
        do {
            try bytes.write(to: temporary)
            guard rename(temporary.path, url.path) == 0 else {
                throw SafeTensorsError(path: path, kind: .writeFailed(String(cString: strerror(errno))))
            }
        } catch let error as SafeTensorsError {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw SafeTensorsError(path: path, kind: .writeFailed("\(error)"))
        }
    }

    /// The complete file contents for `entries` (see `write`).
    public static func encode(_ entries: [String: SafeTensorValue], metadata: [String: String] = [:],
                              indexDType: IndexDType = .i64) -> Data {
        var fields: [String] = []
        if !metadata.isEmpty {
            let pairs = metadata.keys.sorted().map { "\(jsonStringLiteral($0)):\(jsonStringLiteral(metadata[$0]!))" }
            fields.append("\"__metadata__\":{\(pairs.joined(separator: ","))}")
        }
        var data: [UInt8] = []
        for name in entries.keys.sorted() {
            precondition(name != "__metadata__", "'__metadata__' is reserved and cannot name a tensor")
            let value = entries[name]!
            let begin = data.count
            let dtype: String
            switch value {
            case .float(let t):
                dtype = "F32"
                data.reserveCapacity(data.count + 4 * t.count)
                for x in t.scalars { appendLittleEndian(x.bitPattern, to: &data) }
            case .index(let t):
                dtype = indexDType.rawValue
                for i in t.indices {
                    switch indexDType {
                    case .i64: appendLittleEndian(UInt64(bitPattern: Int64(i)), to: &data)
                    case .i32:
                        guard let narrow = Int32(exactly: i) else {
                            preconditionFailure("id \(i) in tensor '\(name)' does not fit I32")
                        }
                        appendLittleEndian(UInt32(bitPattern: narrow), to: &data)
                    }
                }
            }
            let shape = value.shape.map(String.init).joined(separator: ",")
            fields.append("\(jsonStringLiteral(name)):{\"dtype\":\"\(dtype)\",\"shape\":[\(shape)],\"data_offsets\":[\(begin),\(data.count)]}")
        }
        var header = Array("{\(fields.joined(separator: ","))}".utf8)
        while (8 + header.count) % 8 != 0 { header.append(UInt8(ascii: " ")) }
        var file: [UInt8] = []
        file.reserveCapacity(8 + header.count + data.count)
        appendLittleEndian(UInt64(header.count), to: &file)
        file += header
        file += data
        return Data(file)
    }

    /// `width · Π shape` bytes, or nil when that product overflows `Int` (a damaged or hostile header).
    static func byteCount(shape: [Int], width: Int) -> Int? {
        var total = width
        for extent in shape {
            let (product, overflow) = total.multipliedReportingOverflow(by: extent)
            if overflow { return nil }
            total = product
        }
        return total
    }

    /// Decodes `shape.product` little-endian elements of `dtype` starting at `base`.
    static func decode(_ base: UnsafeRawPointer, dtype: String, shape: [Int]) -> SafeTensorValue {
        let n = Tensor.elementCount(shape)
        switch dtype {
        case "F32":
            return .float(Tensor(shape: shape, unsafeUninitializedScalars: { out in
                for i in 0..<n { out[i] = Float(bitPattern: UInt32(littleEndian: base.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))) }
            }))
        case "F64":
            return .float(Tensor(shape: shape, unsafeUninitializedScalars: { out in
                for i in 0..<n { out[i] = Float(Double(bitPattern: UInt64(littleEndian: base.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self)))) }
            }))
        case "I64":
            return .index(IndexTensor(shape: shape, indices: (0..<n).map {
                Int(Int64(littleEndian: base.loadUnaligned(fromByteOffset: 8 * $0, as: Int64.self)))
            }))
        case "I32":
            return .index(IndexTensor(shape: shape, indices: (0..<n).map {
                Int(Int32(littleEndian: base.loadUnaligned(fromByteOffset: 4 * $0, as: Int32.self)))
            }))
        default:
            preconditionFailure("internal: unsupported dtype \(dtype) passed validation")
        }
    }
}

private func appendLittleEndian<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
    withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
}

/// `text` as a JSON string literal: in double quotes, with `"`, `\`, newline, carriage return and
/// tab escaped as `\"`, `\\`, `\n`, `\r`, `\t`, other control characters below U+0020 as `\u00XX`,
/// everything else as it is. Used for safetensors headers and by the ranking server's JSON replies.
public func jsonStringLiteral(_ text: String) -> String {
    var result = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": result += "\\\""
        case "\\": result += "\\\\"
        case "\n": result += "\\n"
        case "\r": result += "\\r"
        case "\t": result += "\\t"
        case _ where scalar.value < 0x20: result += String(format: "\\u%04x", scalar.value)
        default: result.unicodeScalars.append(scalar)
        }
    }
    return result + "\""
}
