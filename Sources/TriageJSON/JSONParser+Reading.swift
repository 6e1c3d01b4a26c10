/// Reading a document in place: the caller walks the shape it expects, reading the values it
/// needs and checking and passing over the rest, with no ``JSONValue`` built in between. The
/// same parser and rules as ``JSONParser/parse(_:keeping:)`` (strict syntax, the depth limit,
/// strings in skipped members not decoded); for the hot paths that need a few fields of many
/// small documents, such as each event of a streamed answer.
extension JSONParser {
    /// Reads the one document in `buffer` with `body`, which must take exactly one value (with
    /// the `read…` and ``skip()`` methods); whitespace may surround it, nothing else may follow.
    public static func read<Result>(
        _ buffer: UnsafeBufferPointer<UInt8>, _ body: (inout JSONParser) throws(JSONParseError) -> Result
    ) throws(JSONParseError) -> Result {
        var parser = JSONParser(buffer)
        parser.skipWhitespace()
        let result = try body(&parser)
        parser.skipWhitespace()
        guard parser.index == buffer.count else { throw parser.error("unexpected data after the JSON value") }
        return result
    }

    /// At an object: calls `member` with the key of each member `keys` keeps, at that member's
    /// value, which `member` must take (read or skip); the members it does not keep are checked
    /// and passed over. A repeated key is passed each time, in order (so the last one wins when
    /// `member` overwrites what it keeps). Any other value is checked and passed over, and the
    /// result is false.
    @discardableResult
    public mutating func readObject(
        keeping keys: JSONKeyFilter, _ member: (inout JSONParser, String) throws(JSONParseError) -> Void
    ) throws(JSONParseError) -> Bool {
        guard peek() == UInt8(ascii: "{") else {
            try skipValue()
            return false
        }
        try walkObject(keeping: keys) { (parser, key) throws(JSONParseError) in
            guard let key else { return try parser.skipValue() }
            let start = parser.index
            try member(&parser, key)
            if parser.index == start { try parser.skipValue() }  // `member` left the value: passed over
        }
        return true
    }

    /// At an array: calls `item` with the position of each item, at that item, which `item`
    /// may take (read or skip) or leave (then it is checked and passed over). Any other value
    /// is checked and passed over, and the result is false.
    @discardableResult
    public mutating func readArray(_ item: (inout JSONParser, Int) throws(JSONParseError) -> Void) throws(JSONParseError) -> Bool {
        guard peek() == UInt8(ascii: "[") else {
            try skipValue()
            return false
        }
        try walkArray { (parser, position) throws(JSONParseError) in
            let start = parser.index
            try item(&parser, position)
            if parser.index == start { try parser.skipValue() }
        }
        return true
    }

    /// The string here, or nil (the value, of another kind, checked and passed over).
    public mutating func readString() throws(JSONParseError) -> String? {
        guard peek() == UInt8(ascii: "\"") else {
            try skipValue()
            return nil
        }
        return try parseString()
    }

    /// The number here, or nil (the value, of another kind, checked and passed over).
    public mutating func readNumber() throws(JSONParseError) -> Double? {
        guard let byte = peek(), byte == UInt8(ascii: "-") || Self.isDigit(byte) else {
            try skipValue()
            return nil
        }
        return try parseNumber()
    }

    /// Checks the value here and passes over it.
    public mutating func skip() throws(JSONParseError) {
        try skipValue()
    }
}
