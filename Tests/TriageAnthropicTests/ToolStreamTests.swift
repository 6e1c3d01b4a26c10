import Foundation
import Testing
import TriageAnthropic
import TriageJSON

/// Streamed tool calls, and usage estimates when the backend reports none.
@Suite struct ToolStreamTests {
    static let estimate = UsageEstimate(promptTokens: 12) { ($0.utf8.count + 3) / 4 }

    @Test func anthropicToolUseBlocksStreamAsOpenAIToolCallDeltas() throws {
        let upstream = """
        event: message_start
        data: {"type":"message_start","message":{"id":"msg_1","usage":{"input_tokens":20,"output_tokens":1}}}

        event: content_block_start
        data: {"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"toolu_a","name":"weather","input":{}}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"{\\"city\\": "}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"\\"Paris\\"}"}}

        event: content_block_stop
        data: {"type":"content_block_stop","index":0}

        event: content_block_start
        data: {"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_b","name":"weather","input":{}}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\\"city\\": \\"Rome\\"}"}}

        event: message_delta
        data: {"type":"message_delta","delta":{"stop_reason":"tool_use"},"usage":{"output_tokens":30}}

        event: message_stop
        data: {"type":"message_stop"}


        """
        var stream = AnthropicToOpenAIStream(model: "m", id: "chatcmpl-1", includeUsage: true)
        var bytes: [UInt8] = []
        for byte in Array(upstream.utf8) { bytes += stream.feed([byte]) }  // split anywhere
        bytes += stream.finish()
        let chunks = parseEvents(bytes).compactMap(\.json)
        let calls = chunks.compactMap { $0["choices"]?.arrayValue?.first?["delta"]?["tool_calls"]?.arrayValue?.first }
        #expect(calls.count == 5)
        #expect(calls[0]["id"] == .string("toolu_a"))
        #expect(calls[0]["index"] == .number(0))
        #expect(calls[3]["id"] == .string("toolu_b"))
        #expect(calls[3]["index"] == .number(1))
        let arguments0 = calls.filter { $0["index"] == .number(0) }.compactMap { $0["function"]?["arguments"]?.stringValue }.joined()
        #expect(arguments0 == #"{"city": "Paris"}"#)
        #expect(chunks.contains { $0["choices"]?.arrayValue?.first?["finish_reason"] == .string("tool_calls") })
        #expect(chunks.last?["usage"]?["completion_tokens"] == .number(30))
    }

    @Test func openAIToolCallDeltasStreamAsAnthropicToolUseBlocks() throws {
        let chunks = [
            #"{"choices":[{"index":0,"delta":{"role":"assistant","content":"Let me check."}}]}"#,
            #"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_a","type":"function","function":{"name":"weather","arguments":""}}]}}]}"#,
            #"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"city\":"}}]}}]}"#,
            #"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"\"Paris\"}"}}]}}]}"#,
            #"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"id":"call_b","type":"function","function":{"name":"weather","arguments":"{\"city\":\"Rome\"}"}}]}}]}"#,
            #"{"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}"#,
        ]
        var stream = OpenAIToAnthropicStream(model: "m", id: "msg_1")
        stream.usageEstimate = Self.estimate
        var bytes = stream.feed(Array(chunks.map { "data: \($0)\n\n" }.joined().utf8))
        bytes += stream.feed(Array("data: [DONE]\n\n".utf8))
        bytes += stream.finish()
        let events = parseEvents(bytes)
        #expect(events.map { $0.name ?? "" } == [
            "message_start", "content_block_start", "content_block_delta", "content_block_stop",
            "content_block_start", "content_block_delta", "content_block_delta", "content_block_stop",
            "content_block_start", "content_block_delta", "content_block_stop", "message_delta", "message_stop",
        ])
        #expect(events[4].json?["content_block"] == (try json(#"{"type": "tool_use", "id": "call_a", "name": "weather", "input": {}}"#)))
        #expect(events[4].json?["index"] == .number(1))
        #expect(events[6].json?["delta"] == (try json(#"{"type": "input_json_delta", "partial_json": "\"Paris\"}"}"#)))
        #expect(events[8].json?["index"] == .number(2))
        #expect(events[11].json?["delta"]?["stop_reason"] == .string("tool_use"))
        // The backend reported no usage: the client gets the estimate, the translator keeps nil for the log.
        #expect(events[0].json?["message"]?["usage"]?["input_tokens"] == .number(12))
        let output = try #require(events[11].json?["usage"]?["output_tokens"]?.intValue)
        #expect(output > 0)
        #expect(stream.outputTokens == nil)
    }

    @Test func estimatedUsageGoesIntoTheOpenAIUsageChunkWhenAnthropicSendsNone() throws {
        var stream = AnthropicToOpenAIStream(model: "m", id: "chatcmpl-1", includeUsage: true)
        stream.usageEstimate = Self.estimate
        var bytes = stream.feed(Array("""
        event: content_block_delta
        data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello there, friend"}}


        """.utf8))
        bytes += stream.finish()
        let usage = try #require(parseEvents(bytes).compactMap(\.json).last?["usage"])
        #expect(usage["prompt_tokens"] == .number(12))
        #expect(usage["completion_tokens"] == .number(5))
        #expect(stream.inputTokens == nil)
    }
}
