/// Finds the bytes that end a run of plain JSON string content: `"`, `\` and control
/// characters (< 0x20). Eight bytes at a time (SWAR), so long prompts are scanned, escaped and
/// copied in bulk instead of byte by byte.
enum StringScan {
    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highs: UInt64 = 0x8080_8080_8080_8080

    /// Whether `byte` must be escaped inside a JSON string (and ends a plain run when parsing).
    @inline(__always)
    static func isSpecial(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
    }

    /// Whether any of the eight bytes in `word` is special. Exact (no false positives):
    /// `(x - n·ones) & ~x & highs` is non-zero iff some byte of x is below n (n ≤ 128), and a
    /// byte equal to c is a zero byte of `x ^ c·ones`. UTF-8 bytes ≥ 0x80 never match.
    @inline(__always)
    private static func hasSpecial(_ word: UInt64) -> Bool {
        let below = (word &- ones &* 0x20) & ~word & highs
        let quote = word ^ (ones &* 0x22)
        let hasQuote = (quote &- ones) & ~quote & highs
        let backslash = word ^ (ones &* 0x5C)
        let hasBackslash = (backslash &- ones) & ~backslash & highs
        return (below | hasQuote | hasBackslash) != 0
    }

    /// Index of the first special byte in `base[from..<end]`, or `end` if there is none.
    @inline(__always)
    static func firstSpecial(_ base: UnsafePointer<UInt8>, from: Int, end: Int) -> Int {
        var index = from
        let raw = UnsafeRawPointer(base)
        while index + 8 <= end {
            if hasSpecial(raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)) { break }
            index += 8
        }
        while index < end {
            if isSpecial(base[index]) { return index }
            index += 1
        }
        return end
    }

    /// Whether every byte of `bytes` is ASCII (< 0x80), checked eight bytes at a time.
    @inline(__always)
    static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        let raw = UnsafeRawPointer(base)
        var index = 0
        var high: UInt64 = 0
        while index + 8 <= bytes.count {
            high |= raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            index += 8
        }
        var tail: UInt8 = 0
        while index < bytes.count {
            tail |= base[index]
            index += 1
        }
        return high & highs == 0 && tail < 0x80
    }

    /// `bytes` as a string, or `nil` if they are not valid UTF-8. ASCII (the common case: keys,
    /// roles, model names, most prompts) skips the generic validating initializer, which the
    /// profile showed resolving generic metadata on every call.
    @inline(__always)
    static func string(validatingUTF8 bytes: UnsafeBufferPointer<UInt8>) -> String? {
        if isASCII(bytes) {
            return String(decoding: bytes, as: UTF8.self)
        }
        return String(validating: bytes, as: UTF8.self)
    }
}
