import Testing
import TriageAnthropic
import TriageJSON

@Suite("Anthropic stream -> OpenAI chunks")
struct AnthropicToOpenAIStreamTests {
    private func translate(_ input: String, byteByByte: Bool, includeUsage: Bool = false) -> (bytes: [UInt8], stream: AnthropicToOpenAIStream) {
        drive(AnthropicToOpenAIStream(model: "triage", id: "chatcmpl-1", includeUsage: includeUsage, created: 1_700_000_000), input, byteByByte: byteByByte)
    }

    @Test func recordedStreamBecomesChunksWithTheSameText() throws {
        let (bytes, stream) = translate(StreamFixtures.anthropic, byteByByte: false)
        let events = parseEvents(bytes)
        #expect(events.last?.data == "[DONE]")
        let chunks = events.dropLast().compactMap(\.json)
        #expect(chunks.count == events.count - 1)
        for chunk in chunks {
            #expect(chunk["object"] == .string("chat.completion.chunk"))
            #expect(chunk["id"] == .string("chatcmpl-1"))
            #expect(chunk["model"] == .string("triage"))
            #expect(chunk["created"] == .number(1_700_000_000))
        }
        let deltas = chunks.compactMap { $0["choices"]?[index: 0]?["delta", "content"]?.stringValue }
        #expect(deltas.joined() == StreamFixtures.anthropicText)
        #expect(chunks.first?["choices"]?[index: 0]?["delta"] == (try json(#"{"role": "assistant", "content": ""}"#)))
        #expect(chunks.last?["choices"]?[index: 0]?["finish_reason"] == .string("stop"))
        #expect(chunks.last?["choices"]?[index: 0]?["delta"] == .object([:]))
        #expect(stream.text == StreamFixtures.anthropicText)
        #expect(stream.finishReason == "stop")
        #expect(stream.inputTokens == 25)
        #expect(stream.outputTokens == 15)
        #expect(stream.isFinished)
    }

    @Test func byteByByteEqualsOnePiece() {
        let whole = translate(StreamFixtures.anthropic, byteByByte: false).bytes
        let split = translate(StreamFixtures.anthropic, byteByByte: true).bytes
        #expect(whole == split)
        let crlf = StreamFixtures.anthropic.replacingOccurrences(of: "\n", with: "\r\n")
        #expect(translate(crlf, byteByByte: true).bytes == whole)
        #expect(translate(crlf, byteByByte: false).bytes == whole)
    }

    @Test func includeUsageAddsAUsageChunkBeforeDone() throws {
        let events = parseEvents(translate(StreamFixtures.anthropic, byteByByte: false, includeUsage: true).bytes)
        let usageChunk = try #require(events.dropLast().last?.json)
        #expect(usageChunk["choices"] == .array([]))
        #expect(usageChunk["usage"] == (try json(#"{"prompt_tokens": 25, "completion_tokens": 15, "total_tokens": 40}"#)))
    }

    @Test func eachDeltaIsRelayedAsSoonAsItsEventEnds() {
        var stream = AnthropicToOpenAIStream(model: "m", id: "c", created: 1)
        #expect(stream.feed(Array("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"usage\":{\"input_tokens\":3}}}\n\n".utf8)).isEmpty == false)
        let partial = stream.feed(Array("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hi\"}}\n".utf8))
        #expect(partial.isEmpty)
        let rest = stream.feed(Array("\n".utf8))
        #expect(parseEvents(rest).first?.json?["choices"]?[index: 0]?["delta", "content"] == .string("Hi"))
        #expect(stream.inputTokens == 3)
    }

    @Test func multipleDataLinesAndMissingEventNames() {
        let input = "data: {\"type\": \"content_block_delta\", \"index\": 0,\ndata: \"delta\": {\"type\": \"text_delta\", \"text\": \"joined\"}}\n\n"
        var stream = AnthropicToOpenAIStream(model: "m", id: "c", created: 1)
        _ = stream.feed(Array(input.utf8))
        #expect(stream.text == "joined")
    }

    @Test func maxTokensStopReason() {
        let input = """
        event: message_delta
        data: {"type": "message_delta", "delta": {"stop_reason": "max_tokens", "stop_sequence": null}, "usage": {"output_tokens": 5}}


        """
        let (bytes, stream) = translate(input, byteByByte: false)
        #expect(stream.finishReason == "length")
        let events = parseEvents(bytes)
        #expect(events.map(\.data).last == "[DONE]")
        #expect(events.dropLast().last?.json?["choices"]?[index: 0]?["finish_reason"] == .string("length"))
    }

    @Test func upstreamErrorEventBecomesOpenAIErrorAndEndsTheStream() throws {
        let input = """
        event: message_start
        data: {"type": "message_start", "message": {"id": "msg_1", "usage": {"input_tokens": 1, "output_tokens": 1}}}

        event: error
        data: {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}


        """
        let (bytes, stream) = translate(input, byteByByte: true)
        let events = parseEvents(bytes)
        #expect(events.count == 2)
        #expect(events.last?.json == (try json(#"{"error": {"message": "Overloaded", "type": "overloaded_error", "code": null}}"#)))
        #expect(!events.contains { $0.data == "[DONE]" })
        #expect(stream.isFinished)
    }

    @Test func finishAfterATruncatedStreamClosesIt() throws {
        let cut = StreamFixtures.anthropic.components(separatedBy: "event: content_block_stop")[0]
        // Also cut the last event mid-line: its partial JSON must be ignored, not crash.
        let truncated = cut + "event: content_block_delta\ndata: {\"type\": \"content_block_del"
        var stream = AnthropicToOpenAIStream(model: "m", id: "c", created: 1)
        let body = stream.feed(Array(truncated.utf8))
        #expect(!stream.isFinished)
        let tail = stream.finish()
        let events = parseEvents(tail)
        #expect(events.count == 2)
        #expect(events.first?.json?["choices"]?[index: 0]?["finish_reason"] == .string("stop"))
        #expect(events.last?.data == "[DONE]")
        #expect(stream.text == StreamFixtures.anthropicText)
        #expect(stream.finishReason == nil)
        #expect(stream.outputTokens == 1)
        #expect(!parseEvents(body).contains { $0.data == "[DONE]" })
        #expect(stream.finish().isEmpty)
    }

    @Test func failEndsWithAnErrorEventOnce() throws {
        var stream = AnthropicToOpenAIStream(model: "m", id: "c", created: 1)
        let error = stream.fail(status: 502, message: "backend 'remote' closed the connection")
        #expect(parseEvents(error).first?.json == (try json(#"{"error": {"message": "backend 'remote' closed the connection", "type": "api_error", "code": null}}"#)))
        #expect(stream.fail(status: 502, message: "again").isEmpty)
        #expect(stream.finish().isEmpty)
        #expect(stream.feed(Array(StreamFixtures.anthropic.utf8)).isEmpty)
    }
}
