import Testing
import TriageJSON
@testable import TriageScoring

@Suite("triage score input lines")
struct ScoreInputTests {
    private func parse(_ text: String) throws -> ScoreInput {
        try ScoreInput.parse(Array(text.utf8)[...])
    }

    private func reason(_ text: String) -> String? {
        do {
            _ = try ScoreInput.parse(Array(text.utf8)[...])
            return nil
        } catch {
            return error.reason
        }
    }

    @Test("a prompt line is one message; its id (string or number) is kept")
    func prompt() throws {
        #expect(try parse(#"{"prompt":"hello","id":"a1"}"#) == ScoreInput(prompt: "hello", messageCount: 1, id: .string("a1")))
        #expect(try parse(#"{"id":7,"prompt":"x"}"#) == ScoreInput(prompt: "x", messageCount: 1, id: .number(7)))
        #expect(try parse(#"{"prompt":"x","id":{"no":1}}"#).id == nil)
    }

    @Test("a chat line: the last user message is the prompt and every message counts")
    func chat() throws {
        let line = #"{"messages":[{"role":"system","content":"be brief"},{"role":"user","content":"first"},"#
            + #"{"role":"assistant","content":"ok"},{"role":"user","content":[{"type":"text","text":"a"},{"type":"text","text":"b"}]}]}"#
        #expect(try parse(line) == ScoreInput(prompt: "a\nb", messageCount: 4))
        let trailingAssistant = #"{"messages":[{"role":"user","content":"q"},{"role":"assistant","content":"a"}]}"#
        #expect(try parse(trailingAssistant) == ScoreInput(prompt: "q", messageCount: 2))
    }

    @Test("a routing log line is read as a RoutingLogRecord: its messages and id")
    func routingLog() throws {
        let line = #"{"id":"tr-1","ts":"2026-11-29T10:10:52.498Z","endpoint":"/v1/chat/completions","stream":false,"#
            + #""backend":"local","reason":"r","status":200,"latency_ms":3.2,"#
            + #""messages":[{"role":"user","content":"hi there"},{"role":"assistant","content":"hey"},{"role":"user","content":"card?"}]}"#
        #expect(try parse(line) == ScoreInput(prompt: "card?", messageCount: 3, id: .string("tr-1")))
        #expect(reason(#"{"id":"tr-2","ts":"x","endpoint":"/v1/chat/completions"}"#)?.contains("routing log record") == true)
    }

    @Test("bad lines say what is wrong")
    func errors() {
        #expect(reason("{not json")?.hasPrefix("not valid JSON") == true)
        #expect(reason("[1,2]") == "expected a JSON object")
        #expect(reason(#"{"prompt":3}"#) == "\"prompt\" must be a string")
        #expect(reason(#"{"text":"x"}"#) == "no \"prompt\" string and no \"messages\" list")
        #expect(reason(#"{"messages":"x"}"#) == "\"messages\" must be a list")
        #expect(reason(#"{"messages":[{"role":"assistant","content":"x"}]}"#) == "\"messages\" holds no message with role \"user\"")
        #expect(reason(#"{"messages":[{"role":"user","content":[{"type":"image_url"}]}]}"#) == "the last user message has no text content")
    }
}
