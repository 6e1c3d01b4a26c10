import Testing
import TriageJSON

/// Reading a document in place (`JSONParser.read`): the fields a caller walks to come out as
/// the tree parse has them, everything else checked with the same strictness.
@Suite("JSON read in place")
struct JSONParserReadingTests {
    /// Runs `body` over `text` as one document.
    private func read<T>(_ text: String, _ body: (inout JSONParser) throws(JSONParseError) -> T) throws(JSONParseError) -> T {
        let bytes = Array(text.utf8)
        let result: Result<T, JSONParseError> = bytes.withUnsafeBufferPointer { buffer in
            do throws(JSONParseError) {
                return .success(try JSONParser.read(buffer, body))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    @Test("kept members are passed in order, repeated keys each time; the rest is passed over")
    func keptMembersInOrder() throws {
        let document = #"{"a":1,"skip":{"a":[1,{"b":2}]},"b":"x\u00e9","a":2.5,"c":[true,null],"b":null}"#
        var seen: [String] = []
        var numbers: [Double?] = []
        var strings: [String?] = []
        try read(document) { (parser: inout JSONParser) throws(JSONParseError) in
            let isObject = try parser.readObject(keeping: JSONKeyFilter(["a", "b"])) { (parser, key) throws(JSONParseError) in
                seen.append(key)
                if key == "a" { numbers.append(try parser.readNumber()) } else { strings.append(try parser.readString()) }
            }
            #expect(isObject)
        }
        #expect(seen == ["a", "b", "a", "b"])
        #expect(numbers == [1, 2.5])
        #expect(strings == ["xé", nil])  // `null` is no string: checked, passed over, nil
    }

    @Test("a value the callback leaves is passed over; array items come with their position")
    func leftValuesAndPositions() throws {
        var firsts: [String] = []
        var positions: [Int] = []
        _ = try read(#" [ {"k":"one"}, {"k":"two"}, 3, [4] ] "#) { (parser: inout JSONParser) throws(JSONParseError) in
            try parser.readArray { (parser, position) throws(JSONParseError) in
                positions.append(position)
                guard position == 0 else { return }  // left: passed over
                try parser.readObject(keeping: JSONKeyFilter(["k"])) { (parser, _) throws(JSONParseError) in
                    if let text = try parser.readString() { firsts.append(text) }
                }
            }
        }
        #expect(firsts == ["one"])
        #expect(positions == [0, 1, 2, 3])
    }

    @Test("a value of another kind gives false or nil and is passed over")
    func otherKinds() throws {
        let results = try read(#"[{"a":1}, "s", 5, [1]]"#) { (parser: inout JSONParser) throws(JSONParseError) -> [String] in
            var results: [String] = []
            try parser.readArray { (parser, position) throws(JSONParseError) in
                switch position {
                case 0: results.append("array? \(try parser.readArray { (_, _) throws(JSONParseError) in })")
                case 1: results.append("number? \(try parser.readNumber() == nil ? "nil" : "some")")
                case 2: results.append("string? \(try parser.readString() ?? "nil")")
                default: results.append("object? \(try parser.readObject(keeping: JSONKeyFilter([])) { (_, _) throws(JSONParseError) in })")
                }
            }
            return results
        }
        #expect(results == ["array? false", "number? nil", "string? nil", "object? false"])
    }

    @Test("invalid documents are rejected as by the parser", arguments: [
        "", "{", "[1,]", "{\"a\":}", "{\"a\" 1}", "01", "1.", "-", "tru", "nul", "\"abc", "\"\\x\"",
        "{\"a\":1}}", "[1] [2]", "\"\u{01}\"", "{'a':1}", "[1,2", "\"\\u12\"", "{\"a\":[1,}", "{\"a\":\"\\q\"}",
    ])
    func rejectsWhatTheParserRejects(_ document: String) {
        #expect(throws: JSONParseError.self) { try JSONParser.parse(Array(document.utf8)) }
        #expect(throws: JSONParseError.self) {
            try read(document) { (parser: inout JSONParser) throws(JSONParseError) in try parser.skip() }
        }
        #expect(throws: JSONParseError.self) {
            try read(document) { (parser: inout JSONParser) throws(JSONParseError) in
                try parser.readObject(keeping: JSONKeyFilter(["a"])) { (parser, _) throws(JSONParseError) in _ = try parser.readString() }
            }
        }
    }

    @Test("nesting deeper than the parser's limit is refused")
    func depthLimit() {
        let deep = String(repeating: "[", count: JSONParser.maxDepth + 1) + String(repeating: "]", count: JSONParser.maxDepth + 1)
        #expect(throws: JSONParseError.self) {
            try read(deep) { (parser: inout JSONParser) throws(JSONParseError) in try parser.skip() }
        }
        let document = "{\"a\":" + deep + "}"
        #expect(throws: JSONParseError.self) {
            try read(document) { (parser: inout JSONParser) throws(JSONParseError) in
                try parser.readObject(keeping: JSONKeyFilter(["a"])) { (parser, _) throws(JSONParseError) in try parser.skip() }
            }
        }
    }
}
