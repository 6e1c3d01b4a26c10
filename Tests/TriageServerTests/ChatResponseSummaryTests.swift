import Testing

@testable import TriageServer

/// What the routing log keeps of an answer, read with the selective parser: the text, the
/// finish reason and the usage, whatever else the answer carries.
@Suite("Chat response summary for the routing log")
struct ChatResponseSummaryTests {
    @Test func wholeCompletionWithToolCallsAndLogprobs() {
        let body = #"""
        {"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"m",
         "choices":[{"index":0,"message":{"role":"assistant","content":"The answer is \"42\".",
           "tool_calls":[{"id":"t","type":"function","function":{"name":"f","arguments":"{\"content\":\"not this\"}"}}]},
           "logprobs":{"content":[{"token":"The","logprob":-0.1,"bytes":[84,104,101],"top_logprobs":[]}]},
           "finish_reason":"length"}],
         "usage":{"prompt_tokens":11,"completion_tokens":5,"total_tokens":16,"prompt_tokens_details":{"cached_tokens":0}}}
        """#
        let summary = ChatResponseSummary(completionBody: Array(body.utf8))
        #expect(summary == ChatResponseSummary(text: #"The answer is "42"."#, finishReason: "length", promptTokens: 11, completionTokens: 5))
    }

    @Test func legacyTextCompletion() {
        let body = #"{"choices":[{"text":"done","index":0,"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":2,"completion_tokens":1}}"#
        #expect(ChatResponseSummary(completionBody: Array(body.utf8))
            == ChatResponseSummary(text: "done", finishReason: "stop", promptTokens: 2, completionTokens: 1))
    }

    @Test func streamedEventsWithCRLFAndUsageChunk() {
        let events = [
            #"data: {"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}"#,
            #"data:{"id":"c","choices":[{"index":0,"delta":{"content":"caf\u00e9 "},"logprobs":null,"finish_reason":null}]}"#,
            #"data: {"id":"c","choices":[{"index":0,"delta":{"content":"ok"},"finish_reason":null}]}"#,
            #"data: {"id":"c","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"#,
            #"data: {"id":"c","choices":[],"usage":{"prompt_tokens":7,"completion_tokens":3,"total_tokens":10}}"#,
            "data: [DONE]",
        ]
        let bytes = Array((events.joined(separator: "\r\n\r\n") + "\r\n\r\n").utf8)
        #expect(ChatResponseSummary(sseBytes: bytes)
            == ChatResponseSummary(text: "café ok", finishReason: "stop", promptTokens: 7, completionTokens: 3))
    }

    @Test func unparseableAnswersGiveAnEmptySummary() {
        #expect(ChatResponseSummary(completionBody: Array("not json".utf8)) == ChatResponseSummary())
        #expect(ChatResponseSummary(completionBody: Array(#"{"choices":[{"message":{"content":"x"}}],"id":[}"#.utf8)) == ChatResponseSummary())
    }
}
