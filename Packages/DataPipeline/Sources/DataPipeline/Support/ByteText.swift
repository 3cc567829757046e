#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Line and field parsing directly over bytes, without building `String`s.
///
/// Ingest readers run inside `bytes.withUnsafeBufferPointer { ... }` and walk the text with a
/// `LineScanner`; each line is a `ByteSpan` that splits into field spans and parses numbers from
/// the raw digits. Only error messages ever turn bytes into a `String`.

/// A half-open range `[start, end)` of a byte buffer.
struct ByteSpan {
    let buffer: UnsafeBufferPointer<UInt8>
    var start: Int
    var end: Int

    var count: Int { end - start }
    var isEmpty: Bool { start >= end }

    subscript(offset: Int) -> UInt8 { buffer[start + offset] }

    /// The bytes as text (lossy UTF-8), cut to `limit` characters, for error messages.
    func text(limit: Int = 120) -> String {
        let shown = min(count, limit)
        let string = String(decoding: UnsafeBufferPointer(rebasing: buffer[start ..< start + shown]), as: UTF8.self)
        return shown < count ? string + "…" : string
    }

    /// Whether the bytes equal the ASCII `literal`.
    func equals(_ literal: String) -> Bool {
        var index = start
        for byte in literal.utf8 {
            guard index < end, buffer[index] == byte else { return false }
            index += 1
        }
        return index == end
    }

    /// The span without leading and trailing spaces, tabs and carriage returns.
    func trimmed() -> ByteSpan {
        var result = self
        while result.start < result.end, ByteSpan.isBlank(buffer[result.start]) { result.start += 1 }
        while result.end > result.start, ByteSpan.isBlank(buffer[result.end - 1]) { result.end -= 1 }
        return result
    }

    static func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0D }

    /// Replaces `fields` with the pieces between single-byte `separator`s (empty pieces kept).
    func split(separator: UInt8, into fields: inout [ByteSpan]) {
        fields.removeAll(keepingCapacity: true)
        var fieldStart = start
        var index = start
        while index < end {
            if buffer[index] == separator {
                fields.append(ByteSpan(buffer: buffer, start: fieldStart, end: index))
                fieldStart = index + 1
            }
            index += 1
        }
        fields.append(ByteSpan(buffer: buffer, start: fieldStart, end: end))
    }

    /// Replaces `fields` with the pieces between two-byte `::` separators (MovieLens `.dat` files).
    func splitOnDoubleColon(into fields: inout [ByteSpan]) {
        fields.removeAll(keepingCapacity: true)
        var fieldStart = start
        var index = start
        while index + 1 < end {
            if buffer[index] == 0x3A && buffer[index + 1] == 0x3A {
                fields.append(ByteSpan(buffer: buffer, start: fieldStart, end: index))
                index += 2
                fieldStart = index
            } else {
                index += 1
            }
        }
        fields.append(ByteSpan(buffer: buffer, start: fieldStart, end: end))
    }

    /// Replaces `tokens` with the non-empty pieces between runs of spaces or tabs.
    func splitOnBlanks(into tokens: inout [ByteSpan]) {
        tokens.removeAll(keepingCapacity: true)
        var index = start
        while index < end {
            while index < end, ByteSpan.isBlank(buffer[index]) { index += 1 }
            let tokenStart = index
            while index < end, !ByteSpan.isBlank(buffer[index]) { index += 1 }
            if index > tokenStart { tokens.append(ByteSpan(buffer: buffer, start: tokenStart, end: index)) }
        }
    }

    /// The decimal integer spelled by the whole span (optional sign, surrounding blanks allowed),
    /// or nil if it is empty, holds any other character or overflows `Int`.
    func parseInt() -> Int? {
        let span = trimmed()
        var index = span.start
        guard index < span.end else { return nil }
        var negative = false
        if buffer[index] == 0x2D || buffer[index] == 0x2B {
            negative = buffer[index] == 0x2D
            index += 1
            guard index < span.end else { return nil }
        }
        var value = 0
        while index < span.end {
            let digit = Int(buffer[index]) &- 0x30
            guard digit >= 0 && digit <= 9 else { return nil }
            let (shifted, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = shifted.addingReportingOverflow(digit)
            guard !overflow1 && !overflow2 else { return nil }
            value = sum
            index += 1
        }
        return negative ? -value : value
    }

    /// A timestamp: an integer, optionally written as a decimal whose fraction is all zeros
    /// (RecBole's `timestamp:float` columns hold values like `881250949` or `881250949.0`).
    func parseTimestamp() -> Int64? {
        let span = trimmed()
        var integerPart = span
        var index = span.start
        while index < span.end, buffer[index] != 0x2E { index += 1 }
        if index < span.end {
            integerPart.end = index
            for fraction in (index + 1) ..< span.end where buffer[fraction] != 0x30 { return nil }
        }
        return integerPart.parseInt().map(Int64.init)
    }

    /// Whether the span looks like a decimal number (digits with at most one point, optional sign);
    /// used to validate rating fields that are otherwise ignored.
    func isDecimalNumber() -> Bool {
        let span = trimmed()
        var index = span.start
        if index < span.end, buffer[index] == 0x2D || buffer[index] == 0x2B { index += 1 }
        var digits = 0, points = 0
        while index < span.end {
            let byte = buffer[index]
            if byte >= 0x30 && byte <= 0x39 { digits += 1 } else if byte == 0x2E { points += 1 } else { return false }
            index += 1
        }
        return digits > 0 && points <= 1
    }

    /// Parses a bracketed integer list such as `[5, 15]` or `[]` (a bare integer `5` is read as
    /// `[5]`) into `values`. Returns false if the span is not such a list.
    func parseIntList(into values: inout [Int]) -> Bool {
        values.removeAll(keepingCapacity: true)
        var span = trimmed()
        guard !span.isEmpty else { return false }
        if buffer[span.start] == 0x5B {  // '['
            guard span.count >= 2, buffer[span.end - 1] == 0x5D else { return false }
            span.start += 1
            span.end -= 1
            if span.trimmed().isEmpty { return true }
        }
        var itemStart = span.start
        var index = span.start
        while index <= span.end {
            if index == span.end || buffer[index] == 0x2C {  // ','
                guard let value = ByteSpan(buffer: buffer, start: itemStart, end: index).parseInt() else { return false }
                values.append(value)
                itemStart = index + 1
            }
            index += 1
        }
        return true
    }
}

/// Walks a text buffer line by line, counting 1-based line numbers.
///
/// Lines end at `\n`; a trailing `\r` is dropped; a UTF-8 byte-order mark at the start is skipped.
/// The last line needs no terminating newline.
struct LineScanner {
    let buffer: UnsafeBufferPointer<UInt8>
    private(set) var position: Int
    /// Number of the line most recently returned by `nextLine()`.
    private(set) var lineNumber = 0

    init(_ buffer: UnsafeBufferPointer<UInt8>) {
        self.buffer = buffer
        let hasBOM = buffer.count >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF
        position = hasBOM ? 3 : 0
    }

    /// Fraction of the buffer consumed so far, for progress reporting.
    var consumedBytes: Int { position }

    /// The next line, or nil at the end of the buffer.
    mutating func nextLine() -> ByteSpan? {
        guard position < buffer.count else { return nil }
        let start = position
        var end: Int
        if let base = buffer.baseAddress,
           let found = memchr(base + start, 0x0A, buffer.count - start) {
            end = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
            position = end + 1
        } else {
            end = buffer.count
            position = buffer.count
        }
        if end > start && buffer[end - 1] == 0x0D { end -= 1 }
        lineNumber += 1
        return ByteSpan(buffer: buffer, start: start, end: end)
    }
}
