import Foundation
import Testing
import TriageAnthropic
import TriageJSON
import TriageResponses
import TriageSSE

/// Parses `event:`/`data:` output into (type, data) pairs.
func responsesEvents(_ bytes: [UInt8]) throws -> [(String, JSONValue)] {
    var parser = SSEParser()
    return try (parser.feed(bytes) + parser.finish()).map { event in
        (event.name ?? "", try JSONParser.parse(Array(event.data.utf8)))
    }
}

@Suite struct ResponsesStreamTests {
    @Test func chatChunksBecomeResponsesEventsWithTextAndToolCalls() throws {
        let chunks = [
            #"{"choices":[{"index":0,"delta":{"role":"assistant","content":"Hi "}}]}"#,
            #"{"choices":[{"index":0,"delta":{"content":"there"}}]}"#,
            #"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","function":{"name":"f","arguments":"{\"a\":"}}]}}]}"#,
            #"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"1}"}}]}}]}"#,
            #"{"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}"#,
            #"{"choices":[],"usage":{"prompt_tokens":9,"completion_tokens":4}}"#,
        ]
        var stream = ResponsesStream(request: try object(#"{"model": "triage", "input": "x"}"#), id: "r1", fromAnthropic: false)
        var bytes: [UInt8] = []
        for byte in Array((chunks.map { "data: \($0)\n\n" }.joined() + "data: [DONE]\n\n").utf8) { bytes += stream.feed([byte]) }
        bytes += stream.finish()
        let events = try responsesEvents(bytes)
        #expect(events.map(\.0) == [
            "response.created", "response.in_progress", "response.output_item.added", "response.content_part.added",
            "response.output_text.delta", "response.output_text.delta", "response.output_text.done", "response.content_part.done",
            "response.output_item.done", "response.output_item.added", "response.function_call_arguments.delta",
            "response.function_call_arguments.delta", "response.function_call_arguments.done", "response.output_item.done",
            "response.completed",
        ])
        #expect(events.enumerated().allSatisfy { $0.element.1["sequence_number"] == .number(Double($0.offset)) })
        let completed = try #require(events.last?.1["response"])
        #expect(completed["status"] == .string("completed"))
        #expect(completed["usage"]?["input_tokens"] == .number(9))
        let output = try #require(completed["output"]?.arrayValue)
        #expect(output[0]["content"]?.arrayValue?.first?["text"] == .string("Hi there"))
        #expect(output[1]["call_id"] == .string("call_1"))
        #expect(output[1]["arguments"] == .string(#"{"a":1}"#))
        #expect(stream.text == "Hi there")
    }

    @Test func anthropicEventsAreTranslatedThroughChatChunksAndUsageIsEstimatedWhenMissing() throws {
        var stream = ResponsesStream(request: try object(#"{"model": "triage", "input": "x"}"#), id: "r2", fromAnthropic: true)
        stream.usageEstimate = UsageEstimate(promptTokens: 4) { ($0.utf8.count + 3) / 4 }
        var bytes = stream.feed(Array("""
        event: content_block_delta
        data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Bonjour"}}

        event: message_delta
        data: {"type":"message_delta","delta":{"stop_reason":"max_tokens"}}

        event: message_stop
        data: {"type":"message_stop"}


        """.utf8))
        bytes += stream.finish()
        let events = try responsesEvents(bytes)
        let last = try #require(events.last)
        #expect(last.0 == "response.incomplete")
        #expect(last.1["response"]?["incomplete_details"]?["reason"] == .string("max_output_tokens"))
        #expect(last.1["response"]?["usage"]?["input_tokens"] == .number(4))
        #expect(last.1["response"]?["usage"]?["output_tokens"] == .number(2))
        #expect(stream.outputTokens == nil)
    }

    @Test func wholeAnswersTranslateAndSummarise() throws {
        let chat = try JSONParser.parse(Array(#"""
        {"choices": [{"message": {"role": "assistant", "content": "Hello", "tool_calls": [{"id": "c9", "type": "function", "function": {"name": "f", "arguments": "{}"}}]}, "finish_reason": "tool_calls"}],
         "usage": {"prompt_tokens": 3, "completion_tokens": 2}}
        """#.utf8))
        let response = try ResponsesTranslator.responsesAnswer(fromChat: chat, request: try object(#"{"model": "triage", "input": "x"}"#), id: "abc")
        #expect(response["id"] == .string("resp_abc"))
        #expect(response["output"]?.arrayValue?.count == 2)
        #expect(response["usage"]?["total_tokens"] == .number(5))
        let summary = ResponsesTranslator.summary(ofResponse: response)
        #expect(summary.text == "Hello")
        #expect(summary.finishReason == "tool_calls")
        #expect(summary.input == 3)
    }
}
