import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The reference's `item_emb_<D>.txt` format: one line per item id `1 ... I`, in order,
/// `id<TAB>v1,v2,...,vD\n`, each value printed as C's `%.6f` (six decimals, correctly rounded,
/// a minus sign also when a negative value rounds to zero). Items without a vector have zeros.
extension ItemEmbeddings {
    /// `item_emb_<vectorSize>.txt`, the reference's file name.
    public static func textFileName(vectorSize: Int) -> String { "item_emb_\(vectorSize).txt" }

    /// The whole file as bytes.
    public func textBytes() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(itemCount * (8 + vectorSize * 10))
        // One line is formatted into `line`, then appended at once.
        let lineCapacity = 24 + vectorSize * (ItemEmbeddingsTextFormat.maxValueBytes + 1)
        let line = UnsafeMutablePointer<UInt8>.allocate(capacity: lineCapacity)
        defer { line.deallocate() }
        values.withUnsafeBufferPointer { values in
            for item in 1 ..< itemCount + 1 {
                var length = ItemEmbeddingsTextFormat.writeDecimal(UInt64(item), to: line)
                line[length] = 0x09
                length += 1
                let row = item * vectorSize
                for d in 0..<vectorSize {
                    if d > 0 {
                        line[length] = 0x2C
                        length += 1
                    }
                    length += ItemEmbeddingsTextFormat.writeFixed6(values[row + d], to: line + length)
                }
                line[length] = 0x0A
                length += 1
                out.append(contentsOf: UnsafeBufferPointer(start: line, count: length))
            }
        }
        return out
    }

    /// Writes the text file atomically (a temporary file in the same folder, then a rename).
    /// - Throws: `DataPipelineError` of kind `.writeFailed` naming the path.
    public func writeText(to path: String) throws {
        try ItemEmbeddingsTextFormat.writeAtomically(textBytes(), to: path)
    }

    /// Reads an `item_emb_<D>.txt` file. `itemCount` and `vectorSize`, when given, must match the
    /// file (one line per item, `vectorSize` values per line).
    /// - Throws: `DataPipelineError` naming the file and line and what was expected.
    public static func readText(from path: String, itemCount: Int? = nil, vectorSize: Int? = nil) throws -> ItemEmbeddings {
        try parseText(FileBytes.read(path), source: path, itemCount: itemCount, vectorSize: vectorSize)
    }

    /// Parses the text format from `bytes`; `source` names the file in errors.
    public static func parseText(_ bytes: [UInt8], source: String, itemCount: Int? = nil,
                                 vectorSize: Int? = nil) throws -> ItemEmbeddings {
        func failure(_ line: Int, _ message: String) -> DataPipelineError {
            DataPipelineError(.malformedLine, file: source, location: .line(line), message)
        }
        var size = vectorSize
        var values = [Float](repeating: 0, count: size ?? 0)  // row 0 when the size is known
        values.reserveCapacity(bytes.count / 8)  // a written value takes at least 9 bytes
        var lines = 0
        try bytes.withUnsafeBufferPointer { buffer in
            var scanner = LineScanner(buffer)
            while let line = scanner.nextLine() {
                let number = scanner.lineNumber
                if line.isEmpty {
                    // Only a final newline may leave an empty line behind.
                    if scanner.consumedBytes >= buffer.count { break }
                    throw failure(number, "expected '\(lines + 1)<TAB>v1,...,vD', found an empty line")
                }
                let count = try parseLine(line, number: number, expectedId: lines + 1, into: &values, failure: failure)
                if let size {
                    guard count == size else {
                        throw failure(number, "expected \(size) comma-separated values, found \(count)")
                    }
                } else {
                    size = count
                    values.insert(contentsOf: repeatElement(0, count: count), at: 0)  // row 0
                }
                lines += 1
            }
        }
        guard lines > 0, let size else {
            throw DataPipelineError(.emptyInput, file: source, "expected one line per item, found no lines")
        }
        if let itemCount, itemCount != lines {
            throw DataPipelineError(.inconsistentData, file: source,
                                    "expected \(itemCount) lines (one per item), found \(lines)")
        }
        return ItemEmbeddings(itemCount: lines, vectorSize: size, values: values)
    }

    /// Parses one `<id><TAB>v1,...,vD` line whose id must be `expectedId`, appending its values
    /// to `values`; returns how many values it has.
    private static func parseLine(_ line: ByteSpan, number: Int, expectedId: Int, into values: inout [Float],
                                  failure: (Int, String) -> DataPipelineError) throws -> Int {
        let buffer = line.buffer
        var index = line.start
        var id = 0
        while index < line.end, buffer[index] >= 0x30, buffer[index] <= 0x39, id < 1 << 40 {
            id = id * 10 + Int(buffer[index] - 0x30)
            index += 1
        }
        guard index > line.start, index < line.end, buffer[index] == 0x09 else {
            throw failure(number, "expected an item id followed by a tab, found '\(line.text(limit: 40))'")
        }
        guard id == expectedId else {
            throw failure(number, "expected item id \(expectedId) (ids run 1, 2, ... in order), found \(id)")
        }
        index += 1
        var count = 0
        while true {
            let fieldStart = index
            while index < line.end, buffer[index] != 0x2C { index += 1 }
            guard let value = ItemEmbeddingsTextFormat.parseFloat(buffer, fieldStart, index) else {
                let field = ByteSpan(buffer: buffer, start: fieldStart, end: index).text(limit: 40)
                throw failure(number, "expected a decimal number as value \(count + 1), found '\(field)'")
            }
            values.append(value)
            count += 1
            if index == line.end { break }
            index += 1  // the comma
        }
        return count
    }
}

/// Number formatting and parsing for `item_emb_<D>.txt`, on bytes (no `String` per value).
enum ItemEmbeddingsTextFormat {
    /// Longest text `writeFixed6` produces (`-FLT_MAX` with six decimals is 47 bytes).
    static let maxValueBytes = 48

    /// Writes the decimal digits of `value` at `out`; returns the number of bytes written (≤ 20).
    @inline(__always)
    static func writeDecimal(_ value: UInt64, to out: UnsafeMutablePointer<UInt8>) -> Int {
        var digits = 1
        var bound: UInt64 = 10
        while digits < 20 && value >= bound {
            digits += 1
            bound = bound &* 10
        }
        var rest = value
        for k in stride(from: digits - 1, through: 0, by: -1) {
            out[k] = UInt8(truncatingIfNeeded: 0x30 &+ rest % 10)
            rest /= 10
        }
        return digits
    }

    /// Writes `value` at `out` exactly as C's `printf("%.6f", (double)value)` and returns the
    /// number of bytes written (≤ `maxValueBytes`). The exact binary value times 10⁶ is rounded
    /// to an integer (half to even) with integer arithmetic, which is exact because a `Float`
    /// significand times 10⁶ fits in 44 bits. Values of magnitude ≥ 2³⁰ and non-finite values
    /// go through `String(format:)`.
    static func writeFixed6(_ value: Float, to out: UnsafeMutablePointer<UInt8>) -> Int {
        let magnitude = abs(value)
        guard magnitude.isFinite, magnitude < 0x1p30 else {
            let text = Array(String(format: "%.6f", Double(value)).utf8.prefix(maxValueBytes))
            for (k, byte) in text.enumerated() { out[k] = byte }
            return text.count
        }
        var length = 0
        if value.sign == .minus {
            out[0] = 0x2D
            length = 1
        }
        // magnitude = significand · 2^exponent with an integer significand.
        let significand: UInt64
        let exponent: Int
        if magnitude.exponentBitPattern == 0 {
            significand = UInt64(magnitude.significandBitPattern)
            exponent = -149
        } else {
            significand = UInt64(magnitude.significandBitPattern) | (1 << 23)
            exponent = Int(magnitude.exponentBitPattern) - 127 - 23
        }
        let scaled = significand * 1_000_000
        var millionths: UInt64
        if exponent >= 0 {
            millionths = scaled << UInt64(exponent)
        } else if exponent <= -64 {
            millionths = 0  // below 2^-40: rounds to zero
        } else {
            let shift = UInt64(-exponent)
            millionths = scaled >> shift
            let remainder = scaled & ((1 << shift) - 1)
            let half: UInt64 = 1 << (shift - 1)
            if remainder > half || (remainder == half && millionths & 1 == 1) { millionths += 1 }
        }
        length += writeDecimal(millionths / 1_000_000, to: out + length)
        out[length] = 0x2E
        var fraction = millionths % 1_000_000
        for k in stride(from: length + 6, to: length, by: -1) {
            out[k] = UInt8(truncatingIfNeeded: 0x30 &+ fraction % 10)
            fraction /= 10
        }
        return length + 7
    }

    /// Parses `buffer[start ..< end]` as a decimal number (optional sign, digits, optional
    /// fraction, optional exponent) rounded correctly to `Float`, or nil if it is not one.
    /// Short numbers (≤ 7 significant digits, ≤ 10 decimals, as this format writes them) take an
    /// exact fast path: an integer below 2²⁴ divided by a power of ten that `Float` holds exactly.
    static func parseFloat(_ buffer: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Float? {
        var index = start
        var negative = false
        if index < end, buffer[index] == 0x2D || buffer[index] == 0x2B {
            negative = buffer[index] == 0x2D
            index += 1
        }
        var mantissa: UInt64 = 0
        var digits = 0, decimals = 0
        var simple = true
        while index < end, buffer[index] >= 0x30, buffer[index] <= 0x39 {
            if mantissa < 1 << 60 { mantissa = mantissa * 10 + UInt64(buffer[index] - 0x30) } else { simple = false }
            digits += 1
            index += 1
        }
        if index < end, buffer[index] == 0x2E {
            index += 1
            while index < end, buffer[index] >= 0x30, buffer[index] <= 0x39 {
                if mantissa < 1 << 60 { mantissa = mantissa * 10 + UInt64(buffer[index] - 0x30) } else { simple = false }
                digits += 1
                decimals += 1
                index += 1
            }
        }
        guard digits > 0 else { return nil }
        if index < end {
            // An exponent or anything unusual: validate the rest and let the standard library round.
            guard buffer[index] == 0x65 || buffer[index] == 0x45 else { return nil }
            let text = String(decoding: UnsafeBufferPointer(rebasing: buffer[start ..< end]), as: UTF8.self)
            return Float(text)
        }
        if simple, mantissa < 1 << 24, decimals <= 10 {
            let magnitude = Float(mantissa) / powersOfTen[decimals]
            return negative ? -magnitude : magnitude
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: buffer[start ..< end]), as: UTF8.self)
        return Float(text)
    }

    /// 10⁰ ... 10¹⁰, all exact in `Float`.
    static let powersOfTen: [Float] = (0...10).map { k in (0..<k).reduce(Float(1)) { value, _ in value * 10 } }

    /// Writes `bytes` to a temporary file next to `path`, then renames it over `path`.
    static func writeAtomically(_ bytes: [UInt8], to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
        do {
            try Data(bytes).write(to: temporary)
            guard rename(temporary.path, url.path) == 0 else {
                throw DataPipelineError(.writeFailed, file: path, "cannot rename the temporary file (\(FileBytes.systemReason()))")
            }
        } catch let error as DataPipelineError {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw DataPipelineError(.writeFailed, file: path, "\(error.localizedDescription)")
        }
    }
}
