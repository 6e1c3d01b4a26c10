import Foundation
import Testing
import TriageJSON

@Suite("Fast JSON parser and writer")
struct JSONParserTests {
    private func parse(_ text: String) throws -> JSONValue {
        try JSONParser.parse(Array(text.utf8))
    }

    @Test("values of every kind parse as Foundation's decoder reads them")
    func agreesWithFoundation() throws {
        let documents = [
            #"{"a":1,"b":[true,false,null],"c":{"d":"e\n\"q\"","f":-1.5e3},"g":"\u00e9\ud83d\ude00","h":0.25,"i":[],"j":{}}"#,
            #"[1,2,3,"x",{"y":[{"z":null}]}]"#,
            #""just a string""#,
            "  42  ",
            #"{"model":"triage","messages":[{"role":"user","content":"caf\u00e9 \\ / \/ \t"}]}"#,
        ]
        for document in documents {
            let ours = try parse(document)
            let foundation = try JSONDecoder().decode(JSONValue.self, from: Data(document.utf8))
            #expect(ours == foundation, "\(document)")
        }
    }

    @Test("invalid documents are rejected with an offset", arguments: [
        "", "{", "[1,]", "{\"a\":}", "{\"a\" 1}", "01", "1.", "-", "tru", "nul", "\"abc", "\"\\x\"", "\"\\ud800\"",
        "{\"a\":1}}", "[1] [2]", "\"\u{01}\"", "{'a':1}", "[1,2", "\"\\u12\"",
    ])
    func rejectsInvalid(document: String) {
        #expect(throws: JSONParseError.self) { try parse(document) }
    }

    @Test("invalid UTF-8 inside a string is rejected")
    func invalidUTF8() {
        let bytes: [UInt8] = Array("{\"a\":\"".utf8) + [0xC3, 0x28] + Array("\"}".utf8)
        #expect(throws: JSONParseError.self) { try JSONParser.parse(bytes) }
    }

    @Test("deep nesting is refused, not a stack overflow")
    func depthLimit() throws {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONParseError.tooDeep(maxDepth: JSONParser.maxDepth)) { try parse(deep) }
        let ok = String(repeating: "[", count: 200) + String(repeating: "]", count: 200)
        _ = try parse(ok)
    }

    @Test("top-level member spans point at each value's bytes")
    func spans() throws {
        let text = #"{ "stream" : true, "model" : "triage" , "messages":[{"role":"user","content":"hi"}] }"#
        let bytes = Array(text.utf8)
        let (members, spans) = try JSONParser.parseObjectWithSpans(bytes)
        #expect(members["model"] == .string("triage"))
        let span = try #require(spans["model"])
        #expect(String(decoding: bytes[span], as: UTF8.self) == #""triage""#)
        let messages = try #require(spans["messages"])
        #expect(String(decoding: bytes[messages], as: UTF8.self) == #"[{"role":"user","content":"hi"}]"#)
        #expect(throws: JSONParseError.notAnObject) { try JSONParser.parseObjectWithSpans(Array("[1]".utf8)) }
    }

    @Test("the writer's output parses back to the same value, and escapes control characters")
    func writerRoundTrip() throws {
        let value: JSONValue = .object([
            "text": .string("line\nbreak \"quoted\" \\ tab\t bell\u{07} é 😀"),
            "numbers": .array([.number(0), .number(-3), .number(2.5), .number(1e20)]),
            "flags": .array([.bool(true), .bool(false), .null]),
            "nested": .object(["k": .array([])]),
        ])
        let bytes = value.jsonBytes
        #expect(try JSONParser.parse(bytes) == value)
        #expect(try JSONDecoder().decode(JSONValue.self, from: Data(bytes)) == value)
        #expect(String(decoding: bytes, as: UTF8.self).contains("\\u0007"))
    }
}
