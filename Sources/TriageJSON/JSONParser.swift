/// A fast, strict JSON parser (RFC 8259) from UTF-8 bytes to ``JSONValue``.
///
/// It exists because the request path parses every client body: Foundation's `JSONDecoder`
/// through `Codable` costs several times more. It validates UTF-8, escapes (surrogate pairs
/// included) and number syntax, refuses nesting deeper than ``maxDepth`` (so hostile input
/// cannot exhaust the stack), and can report where each top-level member's value lies in the
/// input, so a proxy can replace one field without re-encoding the rest.
public struct JSONParser {
    /// Deepest nesting of arrays and objects accepted.
    public static let maxDepth = 256

    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0
    var depth = 0
    /// When set, object members whose key it does not contain are checked and skipped.
    let filter: JSONKeyFilter?
    /// Members and items of the objects and arrays being parsed, innermost last: each object
    /// or array collects here and is then built once at its exact size, instead of growing
    /// its own dictionary or array step by step (one allocation per container, not several).
    var pendingMembers: [(key: String, value: JSONValue)] = []
    var pendingItems: [JSONValue] = []

    init(_ bytes: UnsafeBufferPointer<UInt8>, filter: JSONKeyFilter? = nil) {
        self.bytes = bytes
        self.filter = filter
    }

    /// Parses a whole document.
    public static func parse(_ input: [UInt8]) throws(JSONParseError) -> JSONValue {
        try parse(input[...])
    }

    /// Parses a whole document.
    public static func parse(_ input: ArraySlice<UInt8>) throws(JSONParseError) -> JSONValue {
        try parseDocument(input, filter: nil)
    }

    /// Parses a whole document, keeping only the object members (at any depth) that `filter`
    /// names; the others are checked for JSON syntax and skipped without being built, which
    /// is several times cheaper when a caller needs a few fields of a large answer. Strings in
    /// skipped members are not decoded, so invalid UTF-8 there is not reported.
    public static func parse(_ input: ArraySlice<UInt8>, keeping filter: JSONKeyFilter) throws(JSONParseError) -> JSONValue {
        try parseDocument(input, filter: filter)
    }

    /// Parses a whole document from bytes the caller holds (an event's data in place, say),
    /// keeping only what `filter` names when there is one: no copy into an array first.
    public static func parse(_ buffer: UnsafeBufferPointer<UInt8>, keeping filter: JSONKeyFilter?) throws(JSONParseError) -> JSONValue {
        var parser = JSONParser(buffer, filter: filter)
        parser.skipWhitespace()
        let value = try parser.parseValue()
        parser.skipWhitespace()
        guard parser.index == buffer.count else { throw parser.error("unexpected data after the JSON value") }
        return value
    }

    /// One whole document (surrounding whitespace allowed, nothing after it), with or without
    /// a key filter.
    static func parseDocument(_ input: ArraySlice<UInt8>, filter: JSONKeyFilter?) throws(JSONParseError) -> JSONValue {
        let result: Result<JSONValue, JSONParseError> = input.withUnsafeBufferPointer { buffer in
            do throws(JSONParseError) {
                return .success(try parse(buffer, keeping: filter))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// Parses a document that must be an object, returning its members and the byte range in
    /// `input` of the value of the member named `key` (nil when there is none), so that one
    /// field can be replaced without re-encoding the rest. Only that one range is kept.
    public static func parseObject(_ input: [UInt8], spanOf key: String) throws(JSONParseError) -> (members: [String: JSONValue], span: Range<Int>?) {
        typealias Parsed = (members: [String: JSONValue], span: Range<Int>?)
        let result: Result<Parsed, JSONParseError> = input.withUnsafeBufferPointer { buffer in
            var parser = JSONParser(buffer)
            do throws(JSONParseError) {
                parser.skipWhitespace()
                guard parser.peek() == UInt8(ascii: "{") else { throw JSONParseError.notAnObject }
                let parsed = try parser.parseObject(spanOf: key)
                parser.skipWhitespace()
                guard parser.index == buffer.count else { throw parser.error("unexpected data after the JSON value") }
                return .success(parsed)
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    // MARK: Values

    mutating func parseValue() throws(JSONParseError) -> JSONValue {
        guard let byte = peek() else { throw error("unexpected end of input") }
        switch byte {
        case UInt8(ascii: "{"):
            return .object(try parseObject(spanOf: nil).members)
        case UInt8(ascii: "["):
            return try parseArray()
        case UInt8(ascii: "\""):
            return .string(try parseString())
        case UInt8(ascii: "t"):
            try expectLiteral("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try expectLiteral("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try expectLiteral("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return .number(try parseNumber())
        default:
            throw error("unexpected character '\(Self.printable(byte))'")
        }
    }

    /// An object at `{`; with `spanOf`, also where the value of the member so named lies
    /// (the last one, like the value, when the key is repeated).
    mutating func parseObject(spanOf spanKey: String?) throws(JSONParseError) -> (members: [String: JSONValue], span: Range<Int>?) {
        var span: Range<Int>?
        // One allocation for the members of every object of a typical document, not one per doubling.
        if pendingMembers.capacity == 0 { pendingMembers.reserveCapacity(16) }
        let base = pendingMembers.count
        // On a thrown error the whole parse fails, so what is left above `base` never matters.
        try walkObject(keeping: filter) { (parser, key) throws(JSONParseError) in
            guard let key else { return try parser.skipValue() }
            let start = parser.index
            let value = try parser.parseValue()
            parser.pendingMembers.append((key, value))
            if let spanKey, key == spanKey { span = start..<parser.index }
        }
        var members = [String: JSONValue](minimumCapacity: pendingMembers.count - base)
        for member in pendingMembers[base...] {
            members[member.key] = member.value  // a repeated key: the last one wins
        }
        pendingMembers.removeSubrange(base...)
        return (members, span)
    }

    mutating func parseArray() throws(JSONParseError) -> JSONValue {
        if pendingItems.capacity == 0 { pendingItems.reserveCapacity(16) }
        let base = pendingItems.count
        try walkArray { (parser, _) throws(JSONParseError) in
            parser.pendingItems.append(try parser.parseValue())
        }
        let items = Array(pendingItems[base...])
        pendingItems.removeSubrange(base...)
        return .array(items)
    }

    /// The one walk over an object's members, at `{` (for the tree, ``parseObject(spanOf:)``,
    /// and for reading in place, `readObject`): `member` gets each key that `filter` keeps (every
    /// key without one), nil for the others, and must take the member's value.
    @inline(__always)
    mutating func walkObject(
        keeping filter: JSONKeyFilter?, _ member: (inout JSONParser, String?) throws(JSONParseError) -> Void
    ) throws(JSONParseError) {
        try enter()
        defer { depth -= 1 }
        index += 1  // {
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
            index += 1
            return
        }
        while true {
            skipWhitespace()
            guard peek() == UInt8(ascii: "\"") else { throw error("expected a string key") }
            let key: String? = if let filter { try keptKey(filter) } else { try parseString() }
            skipWhitespace()
            guard peek() == UInt8(ascii: ":") else { throw error("expected ':' after a key") }
            index += 1
            skipWhitespace()
            try member(&self, key)
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ",")?:
                index += 1
            case UInt8(ascii: "}")?:
                index += 1
                return
            default:
                throw error("expected ',' or '}' in an object")
            }
        }
    }

    /// The one walk over an array's items, at `[`: `item` gets each one's position and must take it.
    @inline(__always)
    mutating func walkArray(_ item: (inout JSONParser, Int) throws(JSONParseError) -> Void) throws(JSONParseError) {
        try enter()
        defer { depth -= 1 }
        index += 1  // [
        skipWhitespace()
        if peek() == UInt8(ascii: "]") {
            index += 1
            return
        }
        var position = 0
        while true {
            skipWhitespace()
            try item(&self, position)
            position += 1
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ",")?:
                index += 1
            case UInt8(ascii: "]")?:
                index += 1
                return
            default:
                throw error("expected ',' or ']' in an array")
            }
        }
    }

    mutating func enter() throws(JSONParseError) {
        depth += 1
        guard depth <= Self.maxDepth else { throw JSONParseError.tooDeep(maxDepth: Self.maxDepth) }
    }

    // MARK: Strings

    mutating func parseString() throws(JSONParseError) -> String {
        index += 1  // opening quote
        let start = index
        guard let base = bytes.baseAddress else { throw error("unterminated string") }
        // Fast path: no escapes, all printable; validated as UTF-8 when made a String.
        index = StringScan.firstSpecial(base, from: index, end: bytes.count)
        if index < bytes.count, bytes[index] == UInt8(ascii: "\"") {
            let raw = UnsafeBufferPointer(rebasing: bytes[start..<index])
            index += 1
            guard let string = StringScan.string(validatingUTF8: raw) else { throw error("invalid UTF-8 in a string") }
            return string
        }
        // Slow path: escapes; plain runs between them are still copied in bulk.
        var out: [UInt8] = []
        out.reserveCapacity(index - start + 64)
        out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index]))
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                let made = out.withUnsafeBufferPointer { StringScan.string(validatingUTF8: $0) }
                guard let string = made else { throw error("invalid UTF-8 in a string") }
                return string
            case UInt8(ascii: "\\"):
                index += 1
                guard let escape = peek() else { throw error("unterminated escape") }
                index += 1
                switch escape {
                case UInt8(ascii: "\""): out.append(UInt8(ascii: "\""))
                case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\"))
                case UInt8(ascii: "/"): out.append(UInt8(ascii: "/"))
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try parseHex4()
                    if (0xD800...0xDBFF).contains(scalar) {
                        guard peek() == UInt8(ascii: "\\"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "u") else {
                            throw error("unpaired surrogate in a \\u escape")
                        }
                        index += 2
                        let low = try parseHex4()
                        guard (0xDC00...0xDFFF).contains(low) else { throw error("unpaired surrogate in a \\u escape") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00...0xDFFF).contains(scalar) {
                        throw error("unpaired surrogate in a \\u escape")
                    }
                    guard let unicode = Unicode.Scalar(scalar) else { throw error("invalid \\u escape") }
                    out.append(contentsOf: Array(String(Character(unicode)).utf8))
                default:
                    throw error("invalid escape '\\\(Self.printable(escape))'")
                }
            default:
                guard byte >= 0x20 else { throw error("control character in a string (escape it)") }
                let runEnd = StringScan.firstSpecial(base, from: index, end: bytes.count)
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[index..<runEnd]))
                index = runEnd
            }
        }
        throw error("unterminated string")
    }

    mutating func parseHex4() throws(JSONParseError) -> UInt32 {
        guard index + 4 <= bytes.count else { throw error("truncated \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw error("invalid hex digit in a \\u escape")
            }
            value = value << 4 | digit
            index += 1
        }
        return value
    }

    // MARK: Numbers and literals

    mutating func parseNumber() throws(JSONParseError) -> Double {
        let start = index
        if peek() == UInt8(ascii: "-") { index += 1 }
        guard let first = peek(), Self.isDigit(first) else { throw error("invalid number") }
        if first == UInt8(ascii: "0") {
            index += 1
            if let next = peek(), Self.isDigit(next) { throw error("invalid number: leading zero") }
        } else {
            while let next = peek(), Self.isDigit(next) { index += 1 }
        }
        if peek() == UInt8(ascii: ".") {
            index += 1
            guard let next = peek(), Self.isDigit(next) else { throw error("invalid number: expected a digit after '.'") }
            while let next = peek(), Self.isDigit(next) { index += 1 }
        }
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            index += 1
            if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { index += 1 }
            guard let next = peek(), Self.isDigit(next) else { throw error("invalid number: expected an exponent") }
            while let next = peek(), Self.isDigit(next) { index += 1 }
        }
        if let integer = Self.smallInteger(UnsafeBufferPointer(rebasing: bytes[start..<index])) { return integer }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        guard let value = Double(text) else { throw error("invalid number") }
        return value
    }

    /// A valid number token that is a plain integer of at most 15 digits (ids, counts, token
    /// usage: most numbers in practice), read without making a string: such a value is exact
    /// in a Double, so this is the value `Double(text)` gives. Nil for anything else.
    @inline(__always)
    static func smallInteger(_ token: UnsafeBufferPointer<UInt8>) -> Double? {
        let negative = token.first == UInt8(ascii: "-")
        let digits = token.count - (negative ? 1 : 0)
        guard digits <= 15 else { return nil }
        var value: Int64 = 0
        for byte in token.dropFirst(negative ? 1 : 0) {
            guard isDigit(byte) else { return nil }
            value = value * 10 + Int64(byte &- UInt8(ascii: "0"))
        }
        return negative ? -Double(value) : Double(value)
    }

    mutating func expectLiteral(_ literal: StaticString) throws(JSONParseError) {
        let count = literal.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw error("invalid literal") }
        let expected = UnsafeBufferPointer(start: literal.utf8Start, count: count)
        for offset in 0..<count where bytes[index + offset] != expected[offset] {
            throw error("invalid literal")
        }
        index += count
    }

    // MARK: Helpers

    func peek() -> UInt8? {
        index < bytes.count ? bytes[index] : nil
    }

    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    func error(_ message: String) -> JSONParseError {
        .syntax(message: message, offset: index)
    }

    static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    static func printable(_ byte: UInt8) -> String {
        (0x20..<0x7F).contains(byte) ? String(UnicodeScalar(byte)) : "\\u{\(String(byte, radix: 16))}"
    }
}
