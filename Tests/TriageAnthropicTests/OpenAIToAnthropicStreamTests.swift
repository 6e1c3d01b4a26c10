import Testing
import TriageAnthropic
import TriageJSON

@Suite("OpenAI chunks -> Anthropic stream")
struct OpenAIToAnthropicStreamTests {
    private func translate(_ input: String, byteByByte: Bool) -> (bytes: [UInt8], stream: OpenAIToAnthropicStream) {
        drive(OpenAIToAnthropicStream(model: "claude-via-triage", id: "msg_1"), input, byteByByte: byteByByte)
    }

    @Test func recordedStreamBecomesTheAnthropicEventSequence() throws {
        let (bytes, stream) = translate(StreamFixtures.openAI, byteByByte: false)
        let events = parseEvents(bytes)
        #expect(events.map(\.name) == [
            "message_start", "content_block_start", "content_block_delta", "content_block_delta",
            "content_block_stop", "message_delta", "message_stop",
        ])
        for event in events { #expect(event.json?["type"]?.stringValue == event.name) }
        #expect(events[0].json == (try json("""
        {"type": "message_start", "message": {"id": "msg_1", "type": "message", "role": "assistant", "model": "claude-via-triage",
         "content": [], "stop_reason": null, "stop_sequence": null, "usage": {"input_tokens": 0, "output_tokens": 0}}}
        """)))
        #expect(events[1].json == (try json(#"{"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}"#)))
        #expect(events[2].json == (try json(#"{"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "Héllo"}}"#)))
        let text = events.compactMap { $0.json?["delta", "text"]?.stringValue }.joined()
        #expect(text == StreamFixtures.openAIText)
        #expect(events[4].json == (try json(#"{"type": "content_block_stop", "index": 0}"#)))
        #expect(events[5].json == (try json("""
        {"type": "message_delta", "delta": {"stop_reason": "max_tokens", "stop_sequence": null}, "usage": {"input_tokens": 19, "output_tokens": 4}}
        """)))
        #expect(events[6].json == (try json(#"{"type": "message_stop"}"#)))
        #expect(stream.text == StreamFixtures.openAIText)
        #expect(stream.finishReason == "length")
        #expect(stream.inputTokens == 19)
        #expect(stream.outputTokens == 4)
        #expect(stream.isFinished)
    }

    @Test func byteByByteEqualsOnePiece() {
        let whole = translate(StreamFixtures.openAI, byteByByte: false).bytes
        #expect(translate(StreamFixtures.openAI, byteByByte: true).bytes == whole)
        let crlf = StreamFixtures.openAI.replacingOccurrences(of: "\n", with: "\r\n")
        #expect(translate(crlf, byteByByte: true).bytes == whole)
    }

    @Test func upstreamErrorBecomesAnthropicErrorEvent() throws {
        let input = """
        data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":"Hi"},"finish_reason":null}]}

        data: {"error": {"message": "Backend 'local' timed out", "type": "upstream_error", "code": "upstream_timeout"}}


        """
        let (bytes, stream) = translate(input, byteByByte: true)
        let events = parseEvents(bytes)
        #expect(events.map(\.name) == ["message_start", "content_block_start", "content_block_delta", "error"])
        #expect(events.last?.json == (try json(#"{"type": "error", "error": {"type": "api_error", "message": "Backend 'local' timed out"}}"#)))
        #expect(stream.isFinished)
        #expect(stream.text == "Hi")
    }

    @Test func finishAfterATruncatedStreamClosesIt() throws {
        let truncated = StreamFixtures.openAI.components(separatedBy: "\n\n")[0...3].joined(separator: "\n\n") + "\n\ndata: {\"id\":\"chatcmpl-B9"
        var stream = OpenAIToAnthropicStream(model: "m", id: "msg_2")
        let body = parseEvents(stream.feed(Array(truncated.utf8)))
        #expect(body.map(\.name) == ["message_start", "content_block_start", "content_block_delta", "content_block_delta"])
        let tail = parseEvents(stream.finish())
        #expect(tail.map(\.name) == ["content_block_stop", "message_delta", "message_stop"])
        #expect(tail[1].json?["delta", "stop_reason"] == .string("end_turn"))
        #expect(tail[1].json?["usage"] == (try json(#"{"output_tokens": 0}"#)))
        #expect(stream.finishReason == nil)
        #expect(stream.text == StreamFixtures.openAIText)
        #expect(stream.finish().isEmpty)
    }

    @Test func emptyUpstreamStillGivesAWellFormedMessage() {
        let (bytes, _) = translate("data: [DONE]\n\n", byteByByte: false)
        #expect(parseEvents(bytes).map(\.name) == [
            "message_start", "content_block_start", "content_block_stop", "message_delta", "message_stop",
        ])
    }

    @Test func failEndsWithAnAnthropicErrorEvent() throws {
        var stream = OpenAIToAnthropicStream(model: "m", id: "msg_3")
        _ = stream.feed(Array(StreamFixtures.openAI.components(separatedBy: "\n\n")[0].utf8) + Array("\n\n".utf8))
        let events = parseEvents(stream.fail(status: 504, message: "Backend 'local' timed out"))
        #expect(events.map(\.name) == ["error"])
        #expect(events.first?.json == AnthropicTranslator.anthropicError(status: 504, message: "Backend 'local' timed out"))
        #expect(stream.finish().isEmpty)
    }
}
