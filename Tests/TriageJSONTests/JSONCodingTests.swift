import Foundation
import Testing
import TriageJSON

@Suite("Codable through TriageJSON's parser and writer")
struct JSONCodingTests {
    private struct Sample: Codable, Equatable {
        struct Part: Codable, Equatable {
            var name: String
            var weight: Float
        }
        var id: String
        var count: Int
        var ratio: Double
        var flag: Bool
        var note: String?
        var parts: [Part]
        var tags: [String: Int]
        var any: JSONValue
        var when: Date

        enum CodingKeys: String, CodingKey {
            case id, count, ratio, flag, note, parts, tags, any
            case when = "created_at"
        }
    }

    private static let sample = Sample(
        id: "a/b \"q\"\n", count: -3, ratio: 0.1, flag: true, note: nil,
        parts: [.init(name: "x", weight: 0.1), .init(name: "é", weight: 2)], tags: ["b": 2, "a": 1],
        any: .array([.null, .number(1.5), .object(["k": .string("v")])]), when: Date(timeIntervalSinceReferenceDate: 12.5)
    )

    @Test("a value round-trips, keys sorted, nil members left out, as Foundation's encoder writes them")
    func roundTrip() throws {
        let bytes = try JSONCoding.encode(Self.sample)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.hasPrefix(#"{"any":[null,1.5,{"k":"v"}],"count":-3,"created_at":12.5,"flag":true,"id":"a/b \"q\"\n","parts":[{"name":"x","weight":0.1}"#))
        #expect(!text.contains("note"))
        #expect(try JSONCoding.decode(Sample.self, from: bytes) == Self.sample)
        // What Foundation reads from it is the same value.
        #expect(try JSONDecoder().decode(Sample.self, from: Data(bytes)) == Self.sample)
        let foundation = try JSONEncoder().encode(Self.sample)
        #expect(try JSONCoding.decode(Sample.self, from: Array(foundation)) == Self.sample)
    }

    @Test("pretty output is indented two spaces with \"key\" : value members")
    func pretty() throws {
        let bytes = try JSONCoding.encode(Sample.Part(name: "x", weight: 1), pretty: true)
        #expect(String(decoding: bytes, as: UTF8.self) == "{\n  \"name\" : \"x\",\n  \"weight\" : 1\n}")
        #expect(try JSONCoding.decode(Sample.Part.self, from: bytes) == Sample.Part(name: "x", weight: 1))
    }

    @Test("bad JSON and wrong members are clear errors that say where")
    func errors() {
        let broken = #expect(throws: JSONCodingError.self) {
            try JSONCoding.decode(Sample.Part.self, from: Array(#"{"name":"#.utf8))
        }
        #expect(broken?.message == "invalid JSON: unexpected end of input at byte 8")
        let missing = #expect(throws: JSONCodingError.self) {
            try JSONCoding.decode(Sample.Part.self, from: Array(#"{"name":"x"}"#.utf8))
        }
        #expect(missing?.message == #"not a valid Part: missing member "weight""#)
        let wrongType = #expect(throws: JSONCodingError.self) {
            try JSONCoding.decode([Sample.Part].self, from: Array(#"[{"name":"x","weight":"heavy"}]"#.utf8))
        }
        #expect(wrongType?.message.hasPrefix("not a valid Array<Part>: member [0].weight: expected Float") == true)
        #expect(throws: JSONCodingError.self) { try JSONCoding.encode(Sample.Part(name: "x", weight: .nan)) }
    }

    @Test("objects written with CodingKeys get their commas")
    func keyedObjects() {
        enum Keys: String, CodingKey { case a, b = "b_b" }
        var out = JSONWriter()
        out.beginObject()
        out.key(Keys.a)
        out.beginObject()
        out.key(Keys.b); out.strings(["x", "y"])
        out.endObject()
        out.key(Keys.b); out.number(1)
        out.endObject()
        #expect(String(decoding: out.bytes, as: UTF8.self) == #"{"a":{"b_b":["x","y"]},"b_b":1}"#)
    }
}
