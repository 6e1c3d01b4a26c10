import Testing
import TriageJSON

/// ``JSONWriter/value(_:)`` on objects: keys in order whatever their number (one and two members
/// are ordered without sorting an array, more are sorted), nested objects too.
@Suite("JSON writer: object keys in order")
struct JSONWriterObjectTests {
    private func written(_ value: JSONValue) -> String {
        var out = JSONWriter()
        out.value(value)
        return String(decoding: out.bytes, as: UTF8.self)
    }

    @Test("empty, one, two and three members come out with their keys sorted")
    func sizes() {
        #expect(written(.object([:])) == "{}")
        #expect(written(.object(["only": .number(1)])) == #"{"only":1}"#)
        #expect(written(.object(["role": .string("user"), "content": .string("hi")])) == #"{"content":"hi","role":"user"}"#)
        #expect(written(.object(["a": .bool(true), "b": .null])) == #"{"a":true,"b":null}"#)
        #expect(written(.object(["c": .number(3), "a": .number(1), "b": .number(2)])) == #"{"a":1,"b":2,"c":3}"#)
    }

    @Test("two-member objects inside arrays and objects, and keys that need escaping")
    func nested() {
        let messages = JSONValue.array([
            .object(["role": .string("system"), "content": .string("be brief")]),
            .object(["z\"q": .object(["y": .number(1), "x": .array([])]), "a\n": .string("line")]),
        ])
        #expect(written(messages) == #"[{"content":"be brief","role":"system"},{"a\n":"line","z\"q":{"x":[],"y":1}}]"#)
    }

    @Test("what is written parses back to the same value")
    func roundTrip() throws {
        let value = JSONValue.object([
            "b": .object(["k": .string("v"), "j": .number(2.5)]), "a": .array([.object(["one": .bool(false)])]),
        ])
        var out = JSONWriter()
        out.value(value)
        #expect(try JSONParser.parse(out.bytes) == value)
    }
}
