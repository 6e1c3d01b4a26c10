import Testing
import TriageJSON
@testable import TriageServer

@Suite("Chat request parsing")
struct ChatRequestTests {
    @Test("model, messages, stream and the last user message are read; other fields pass through")
    func parsesAndForwards() throws {
        let body = #"{"model":"triage","stream":true,"temperature":0.2,"top_k":5,"messages":[{"role":"system","content":"s"},{"role":"user","content":[{"type":"text","text":"a"},{"type":"text","text":"b"}]},{"role":"assistant","content":null}]}"#
        let chat = try ChatRequest(parsing: Array(body.utf8))
        #expect(chat.model == "triage")
        #expect(chat.stream)
        #expect(chat.lastUserMessage == "a\nb")
        #expect(chat.messageTexts == ["s", "a\nb", ""])
        let forwarded = try JSONValueDecoding.decode(chat.upstreamBody(model: "small"))
        #expect(forwarded["model"] == .string("small"))
        #expect(forwarded["top_k"] == .number(5))
        #expect(forwarded["temperature"] == .number(0.2))
    }

    @Test("invalid UTF-8 is a 400, not a crash")
    func invalidUTF8() {
        var bytes = Array(#"{"model":"triage","messages":[{"role":"user","content":"x"#.utf8)
        bytes += [0xff, 0xfe]
        bytes += Array(#""}]}"#.utf8)
        #expect(throws: APIError.self) { try ChatRequest(parsing: bytes) }
    }

    @Test("content of the wrong type names the message")
    func wrongContentType() {
        do {
            _ = try ChatRequest(parsing: Array(#"{"model":"t","messages":[{"role":"user","content":5}]}"#.utf8))
            Issue.record("expected an error")
        } catch {
            #expect(error.param == "messages[0].content")
            #expect(error.status.code == 400)
        }
    }
}

import Foundation

enum JSONValueDecoding {
    static func decode(_ bytes: [UInt8]) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data(bytes))
    }
}
