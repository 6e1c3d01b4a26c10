/// ASCII byte classes for the detectors (non-ASCII bytes are never part of a value).
enum Bytes {
    @inline(__always) static func isDigit(_ byte: UInt8) -> Bool { byte &- 48 < 10 }
    @inline(__always) static func isUpper(_ byte: UInt8) -> Bool { byte &- 65 < 26 }
    @inline(__always) static func isLower(_ byte: UInt8) -> Bool { byte &- 97 < 26 }
    @inline(__always) static func isLetter(_ byte: UInt8) -> Bool { isUpper(byte) || isLower(byte) }
    @inline(__always) static func isAlnum(_ byte: UInt8) -> Bool { isDigit(byte) || isLetter(byte) }
    @inline(__always) static func isHex(_ byte: UInt8) -> Bool { isDigit(byte) || (byte | 0x20) &- 97 < 6 }
    @inline(__always) static func isSpace(_ byte: UInt8) -> Bool { byte == 32 || byte == 9 || byte == 10 || byte == 13 }
    @inline(__always) static func digit(_ byte: UInt8) -> Int { Int(byte &- 48) }

    /// Bytes that end a token besides whitespace: quotes, brackets and list punctuation.
    @inline(__always) static func isTokenBreak(_ byte: UInt8) -> Bool {
        switch byte {
        case 32, 9, 10, 13, UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "`"), UInt8(ascii: "<"), UInt8(ascii: ">"),
             UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "{"), UInt8(ascii: "}"),
             UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "|"):
            return true
        default:
            return false
        }
    }

    /// Whether the lowercased bytes just before `position` (up to `window` of them) contain one of `words`.
    static func context(_ text: UnsafeBufferPointer<UInt8>, before position: Int, window: Int = 32, words: [[UInt8]]) -> Bool {
        let start = max(0, position - window)
        guard start < position else { return false }
        for word in words where word.count <= position - start {
            var index = start
            while index + word.count <= position {
                // A keyword starts a word: "tel" in "hotel" does not count.
                if index > 0, Bytes.isLetter(text[index - 1]) {
                    index += 1
                    continue
                }
                var matched = true
                for offset in 0..<word.count where text[index + offset] | 0x20 != word[offset] {
                    matched = false
                    break
                }
                // Short keywords are whole words: "tel" but not "television".
                let end = index + word.count
                if matched, word.count <= 4, end < text.count, Bytes.isLetter(text[end]) { matched = false }
                if matched { return true }
                index += 1
            }
        }
        return false
    }
}
