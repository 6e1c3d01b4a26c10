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

    @Test("UTF-8 is validated at every position of a string, with and without escapes")
    func utf8AtEveryOffset() throws {
        for escaped in [false, true] {
            for offset in 0..<20 {
                let prefix = Array(String(repeating: "a", count: offset).utf8) + (escaped ? Array(#"\n"#.utf8) : [])
                let suffix = Array("bcdefghijklmnop".utf8)
                let text = String(decoding: prefix, as: UTF8.self)
                // Valid multi-byte characters come back intact...
                for character in ["é", "€", "😀"] {
                    let bytes = Array("{\"a\":\"".utf8) + prefix + Array(character.utf8) + suffix + Array("\"}".utf8)
                    let value = try JSONParser.parse(bytes)
                    let expected = (escaped ? text.replacingOccurrences(of: #"\n"#, with: "\n") : text)
                        + character + "bcdefghijklmnop"
                    #expect(value == .object(["a": .string(expected)]), "offset \(offset), escaped \(escaped)")
                }
                // ...and a broken sequence, or a lone continuation or lead byte, is refused.
                for broken: [UInt8] in [[0xC3, 0x28], [0x80], [0xFF], [0xE2, 0x82]] {
                    let bytes = Array("{\"a\":\"".utf8) + prefix + broken + suffix + Array("\"}".utf8)
                    #expect(throws: JSONParseError.self, "offset \(offset), escaped \(escaped), \(broken)") {
                        try JSONParser.parse(bytes)
                    }
                }
            }
        }
    }

    @Test("integers are written digit for digit, at the extremes too")
    func integers() {
        for value in [0, 7, -7, 10, -10, 1_000_000, Int.max, Int.min, Int(Int32.max), -9_007_199_254_740_993] {
            var writer = JSONWriter()
            writer.number(value)
            #expect(String(decoding: writer.bytes, as: UTF8.self) == String(value))
        }
        for (value, text) in [(0.0, "0"), (-0.0, "0"), (42.0, "42"), (-3.0, "-3"), (1e14, "100000000000000"), (2.5, "2.5")] {
            var writer = JSONWriter()
            writer.number(value)
            #expect(String(decoding: writer.bytes, as: UTF8.self) == text, "\(value)")
        }
    }

    @Test("nested containers and repeated keys come out as before the parser built them at their exact size")
    func containersAndRepeatedKeys() throws {
        #expect(try parse(#"{"a":1,"a":2}"#) == .object(["a": .number(2)]))  // the last one wins
        let nested = try parse(#"{"x":[{"a":[1,[2,{"b":[]}]],"c":{}},[],[[3]]],"y":{"z":{"w":[true]}},"v":"s"}"#)
        #expect(nested == .object([
            "x": .array([
                .object(["a": .array([.number(1), .array([.number(2), .object(["b": .array([])])])]), "c": .object([:])]),
                .array([]), .array([.array([.number(3)])]),
            ]),
            "y": .object(["z": .object(["w": .array([.bool(true)])])]),
            "v": .string("s"),
        ]))
        // A parse that fails part-way leaves nothing behind for the next one.
        #expect(throws: JSONParseError.self) { try parse(#"{"a":[1,{"b":2,"#) }
        #expect(try parse(#"[1,{"b":2}]"#) == .array([.number(1), .object(["b": .number(2)])]))
    }

    @Test("deep nesting is refused, not a stack overflow")
    func depthLimit() throws {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONParseError.tooDeep(maxDepth: JSONParser.maxDepth)) { try parse(deep) }
        let ok = String(repeating: "[", count: 200) + String(repeating: "]", count: 200)
        _ = try parse(ok)
    }

    @Test("the span of one top-level member points at its value's bytes")
    func spans() throws {
        let text = #"{ "stream" : true, "model" : "triage" , "messages":[{"role":"user","content":"hi","model":"x"}] }"#
        let bytes = Array(text.utf8)
        let (members, span) = try JSONParser.parseObject(bytes, spanOf: "model")
        #expect(members["model"] == .string("triage"))
        let model = try #require(span)
        #expect(String(decoding: bytes[model], as: UTF8.self) == #""triage""#)
        let messages = try #require(try JSONParser.parseObject(bytes, spanOf: "messages").span)
        #expect(String(decoding: bytes[messages], as: UTF8.self) == #"[{"role":"user","content":"hi","model":"x"}]"#)
        #expect(try JSONParser.parseObject(bytes, spanOf: "absent").span == nil)
        // A repeated key: the last value, and its span.
        let repeated = Array(#"{"model":"a","model":"bb"}"#.utf8)
        let last = try JSONParser.parseObject(repeated, spanOf: "model")
        #expect(last.members["model"] == .string("bb"))
        #expect(last.span.map { String(decoding: repeated[$0], as: UTF8.self) } == #""bb""#)
        #expect(throws: JSONParseError.notAnObject) { try JSONParser.parseObject(Array("[1]".utf8), spanOf: "model") }
    }

    @Test("integers are read exactly without a string, and other numbers as before")
    func numbers() throws {
        let cases = ["0", "-0", "7", "-42", "123456789012345", "-999999999999999", "1234567890123456", "12345678901234567890",
                     "1.5", "-0.25", "1e3", "2E-2", "10.0"]
        for text in cases {
            let parsed = try JSONParser.parse(Array(text.utf8))
            let expected = try #require(Double(text))
            #expect(parsed == .number(expected), "\(text)")
            if case .number(let value) = parsed { #expect(value.sign == expected.sign, "\(text)") }
        }
        for bad in ["01", "-", "1.", "1e", "+1", "--1", "0x10"] {
            #expect(throws: JSONParseError.self) { try JSONParser.parse(Array(bad.utf8)) }
        }
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

    /// Strings of every length around the 8-byte scanning blocks, with specials at every position.
    private static func sampleStrings() -> [String] {
        let specials: [String] = ["\"", "\\", "\n", "\u{01}", "\u{1F}", "\t", "é", "😀", "/", "\u{7F}"]
        var samples: [String] = ["", "a", String(repeating: "x", count: 7), String(repeating: "y", count: 8), String(repeating: "z", count: 9)]
        var generator = SystemRandomNumberGenerator()
        for length in [1, 7, 8, 9, 15, 16, 17, 31, 64, 1000] {
            for position in Set([0, length / 2, max(0, length - 1)]) {
                for special in specials {
                    var text = String(repeating: "p", count: length)
                    let index = text.index(text.startIndex, offsetBy: min(position, text.count))
                    text.insert(contentsOf: special, at: index)
                    samples.append(text)
                }
            }
        }
        // Random mixes of plain runs and specials.
        for _ in 0..<200 {
            var text = ""
            for _ in 0..<Int.random(in: 1...12, using: &generator) {
                text += String(repeating: "q", count: Int.random(in: 0...20, using: &generator))
                text += specials.randomElement(using: &generator) ?? ""
            }
            samples.append(text)
        }
        return samples
    }

    @Test("strings with specials at any offset are written and parsed exactly as Foundation does")
    func stringScanningAgreesWithFoundation() throws {
        for text in Self.sampleStrings() {
            var writer = JSONWriter()
            writer.string(text)
            let written = writer.bytes
            // Foundation reads our output back to the same string...
            let decoded = try JSONDecoder().decode(String.self, from: Data(written))
            #expect(decoded == text, "written: \(String(decoding: written, as: UTF8.self))")
            // ...no raw control character, quote or backslash is left unescaped...
            let inner = written.dropFirst().dropLast()
            var index = inner.startIndex
            while index < inner.endIndex {
                let byte = inner[index]
                #expect(byte >= 0x20, "raw control byte in \(text.debugDescription)")
                if byte == UInt8(ascii: "\\") { index += 2; continue }
                #expect(byte != UInt8(ascii: "\""), "raw quote in \(text.debugDescription)")
                index += 1
            }
            // ...and our parser reads Foundation's encoding (which escapes differently) and ours.
            let foundation = try JSONEncoder().encode(text)
            #expect(try JSONParser.parse(Array(foundation)) == .string(text))
            #expect(try JSONParser.parse(written) == .string(text))
        }
    }

    @Test("a raw control character or an unterminated string is rejected at any offset")
    func stringErrorsAtAnyOffset() {
        for length in [0, 3, 7, 8, 9, 20] {
            let plain = String(repeating: "a", count: length)
            #expect(throws: JSONParseError.self) { try JSONParser.parse(Array("\"\(plain)\u{01}\(plain)\"".utf8)) }
            #expect(throws: JSONParseError.self) { try JSONParser.parse(Array("\"\(plain)\\n\(plain)".utf8)) }
            #expect(throws: JSONParseError.self) { try JSONParser.parse(Array("\"\(plain)".utf8)) }
        }
    }
}
