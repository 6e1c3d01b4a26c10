import Testing

@testable import TriageServer

@Suite("Broken 2xx answers from a backend are told from real ones")
struct UpstreamAnswerCheckTests {
    @Test("a whole answer must be a chat completion (OpenAI) or a message (Anthropic)")
    func wholeAnswers() {
        let completion = Array(#"{"id":"c","choices":[{"message":{"content":"hi"}}]}"#.utf8)
        let message = Array(#"{"type":"message","content":[{"type":"text","text":"hi"}]}"#.utf8)
        #expect(UpstreamAnswerCheck.problem(withAnswer: completion, contentType: "application/json", kind: .openai) == nil)
        #expect(UpstreamAnswerCheck.problem(withAnswer: message, contentType: "application/json", kind: .anthropic) == nil)
        let html = Array("<!DOCTYPE html><html><body>Bad Gateway</body></html>".utf8)
        let problem = UpstreamAnswerCheck.problem(withAnswer: html, contentType: "text/html", kind: .openai)
        #expect(problem?.contains("not a chat completion") == true)
        #expect(problem?.contains("content-type text/html, body starts \"<!DOCTYPE html>") == true, "\(problem ?? "")")
        #expect(UpstreamAnswerCheck.problem(withAnswer: Array(#"{"error":{"message":"x"}}"#.utf8), contentType: nil, kind: .openai) != nil)
        #expect(UpstreamAnswerCheck.problem(withAnswer: completion, contentType: nil, kind: .anthropic) != nil)
        #expect(UpstreamAnswerCheck.problem(withAnswer: [], contentType: nil, kind: .openai) != nil)
    }

    @Test("a stream's content type must be text/event-stream when given")
    func streamContentType() {
        #expect(UpstreamAnswerCheck.problem(withStreamContentType: "text/event-stream; charset=utf-8") == nil)
        #expect(UpstreamAnswerCheck.problem(withStreamContentType: nil) == nil)
        #expect(UpstreamAnswerCheck.problem(withStreamContentType: "application/json")?.contains("application/json instead of server-sent events") == true)
        // Case, blanks and parameters as HTTP allows them; nothing else passes.
        for accepted in ["text/event-stream", "Text/Event-Stream", " text/event-stream ", "TEXT/EVENT-STREAM;charset=utf-8", "\ttext/event-stream ; x=y"] {
            #expect(UpstreamAnswerCheck.isEventStream(accepted), "\(accepted)")
            #expect(UpstreamAnswerCheck.problem(withStreamContentType: accepted) == nil, "\(accepted)")
        }
        for refused in ["", ";", "text/event-strea", "text/event-streams", "text/event-stream/x", "text/html", "text/event_stream", "tex t/event-stream"] {
            #expect(!UpstreamAnswerCheck.isEventStream(refused), "\(refused)")
            #expect(UpstreamAnswerCheck.problem(withStreamContentType: refused) != nil, "\(refused)")
        }
        #expect(UpstreamAnswerCheck.problem(withStreamContentType: "")?.contains("an empty content type") == true)
    }

    @Test("events must carry JSON objects or [DONE], split anywhere; a stream needs at least one event")
    func events() {
        let good = Array("data: {\"choices\":[]}\n\n: comment\n\ndata: [DONE]\n\n".utf8)
        for size in [1, 5, good.count] {
            var check = StreamAnswerCheck()
            #expect(Self.feed(good, inPiecesOf: size, to: &check))
            #expect(check.problem == nil)
        }
        var bad = StreamAnswerCheck()
        let first = bad.feed(Array("data: {\"a\":1}\n\n".utf8))
        let second = bad.feed(Array("data: {not json\n\n".utf8))
        #expect(first && !second)
        #expect(bad.problem?.contains("not JSON") == true)
        var html = StreamAnswerCheck()
        let fed = html.feed(Array("<html><body>oops</body></html>\n".utf8))
        let ended = html.finish()
        #expect(fed && !ended)
        #expect(html.problem?.contains("without a single server-sent event") == true)
    }

    @Test("a check that summarises gives the log the same summary as the bytes read after the stream, at any split")
    func summaryWhileChecking() {
        let stream = Array((
            "data: {\"choices\":[{\"delta\":{\"role\":\"assistant\",\"content\":\"Hel\"}}]}\r\n\r\n"
            + ": keep-alive\n\n"
            + "data: {\"choices\":[{\"delta\":{\"content\":\"lo é\"},\"finish_reason\":\"stop\"}]}\n\n"
            + "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":3}}\n\n"
            + "data: [DONE]"
        ).utf8)
        let expected = ChatResponseSummary(sseBytes: stream)
        #expect(expected == ChatResponseSummary(text: "Hello é", finishReason: "stop", promptTokens: 7, completionTokens: 3))
        for size in [1, 7, stream.count] {
            var check = StreamAnswerCheck(summarizing: true)
            #expect(Self.feed(stream, inPiecesOf: size, to: &check))
            #expect(check.summary == expected)
        }
        #expect(StreamAnswerCheck().summary == nil)
        // A stream that shows itself invalid keeps no summary (the log reads the relayed bytes then).
        var broken = StreamAnswerCheck(summarizing: true)
        #expect(broken.feed(Array("data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n\ndata: <html>\n\n".utf8)) == false)
        #expect(broken.summary == nil && broken.problem != nil)
    }

    /// Feeds `bytes` to `check` in pieces of `size` bytes, then ends it: whether every piece and the end passed.
    private static func feed(_ bytes: [UInt8], inPiecesOf size: Int, to check: inout StreamAnswerCheck) -> Bool {
        var offset = 0
        var accepted = true
        while offset < bytes.count {
            accepted = check.feed(Array(bytes[offset..<min(bytes.count, offset + size)])) && accepted
            offset += size
        }
        return check.finish() && accepted
    }
}
