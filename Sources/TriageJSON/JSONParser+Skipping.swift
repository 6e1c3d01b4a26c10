/// The selective parse's skipping: members a ``JSONKeyFilter`` does not keep are checked for
/// syntax and passed over without being built.
extension JSONParser {
    /// Reads a key at a `"`: the key if `filter` keeps it, else `nil` (without building it
    /// when it has no escapes).
    mutating func keptKey(_ filter: JSONKeyFilter) throws(JSONParseError) -> String? {
        guard let base = bytes.baseAddress else { throw error("unterminated string") }
        let start = index + 1
        let end = StringScan.firstSpecial(base, from: start, end: bytes.count)
        if end < bytes.count, bytes[end] == UInt8(ascii: "\"") {
            let raw = UnsafeBufferPointer(rebasing: bytes[start..<end])
            guard filter.contains(raw) else {
                index = end + 1
                return nil
            }
            return try parseString()
        }
        let key = try parseString()  // escapes: decode, then match
        return filter.contains(key) ? key : nil
    }

    /// Checks the syntax of the value at `index` and moves past it, building nothing.
    mutating func skipValue() throws(JSONParseError) {
        guard let byte = peek() else { throw error("unexpected end of input") }
        switch byte {
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            let isObject = byte == UInt8(ascii: "{")
            let close = isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")
            try enter()
            defer { depth -= 1 }
            index += 1
            skipWhitespace()
            if peek() == close {
                index += 1
                return
            }
            while true {
                skipWhitespace()
                if isObject {
                    guard peek() == UInt8(ascii: "\"") else { throw error("expected a string key") }
                    try skipString()
                    skipWhitespace()
                    guard peek() == UInt8(ascii: ":") else { throw error("expected ':' after a key") }
                    index += 1
                    skipWhitespace()
                }
                try skipValue()
                skipWhitespace()
                switch peek() {
                case UInt8(ascii: ",")?:
                    index += 1
                case close?:
                    index += 1
                    return
                default:
                    throw error(isObject ? "expected ',' or '}' in an object" : "expected ',' or ']' in an array")
                }
            }
        case UInt8(ascii: "\""):
            try skipString()
        default:
            _ = try parseValue()  // literals and numbers: nothing to allocate
        }
    }

    /// Moves past the string at `index`, checking its escapes and control characters.
    mutating func skipString() throws(JSONParseError) {
        index += 1  // opening quote
        guard let base = bytes.baseAddress else { throw error("unterminated string") }
        while true {
            index = StringScan.firstSpecial(base, from: index, end: bytes.count)
            guard index < bytes.count else { throw error("unterminated string") }
            switch bytes[index] {
            case UInt8(ascii: "\""):
                index += 1
                return
            case UInt8(ascii: "\\"):
                index += 1
                guard let escape = peek() else { throw error("unterminated escape") }
                index += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                     UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    break
                case UInt8(ascii: "u"):
                    _ = try parseHex4()
                default:
                    throw error("invalid escape '\\\(Self.printable(escape))'")
                }
            default:
                throw error("control character in a string (escape it)")
            }
        }
    }
}
