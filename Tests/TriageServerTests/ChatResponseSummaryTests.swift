import Testing
import TriageJSON

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

    /// Chunks of every shape the summary meets, odd ones included: the in-place reading must
    /// add exactly what reading the parsed tree adds.
    static let oddChunks = [
        #"{"choices":[{"delta":{"content":"a"},"finish_reason":null}]}"#,
        #"{"choices":[{"delta":{"content":"a"}}],"choices":[{"delta":{"content":"b"}}]}"#,
        #"{"choices":[{"delta":{"content":"a","content":7}}]}"#,
        #"{"choices":[{"delta":{"content":"a"},"delta":{}}]}"#,
        #"{"choices":[{"delta":"text","text":"t","finish_reason":"stop"}]}"#,
        #"{"choices":[{"message":{"content":"m"},"delta":{"content":"d"}}]}"#,
        #"{"choices":[{"text":"legacy","finish_reason":"length"}],"usage":{"prompt_tokens":3}}"#,
        #"{"choices":["not an object",{"delta":{"content":"second"}}]}"#,
        #"{"choices":[],"usage":{"prompt_tokens":7,"completion_tokens":3.0}}"#,
        #"{"choices":{"delta":{"content":"x"}},"usage":[1]}"#,
        #"{"usage":{"prompt_tokens":1,"completion_tokens":2},"usage":{"completion_tokens":9}}"#,
        #"{"usage":{"prompt_tokens":"7","completion_tokens":null}}"#,
        #"{"usage":{"prompt_tokens":1e30,"completion_tokens":-2}}"#,
        #"{"choices":[{"delta":{"content":"caf\u00e9 \ud83d\ude00"},"finish_reason":"stop","logprobs":{"content":[{"token":"x"}]}}]}"#,
        #"{"id":"c","choices":[{"index":0,"delta":{"tool_calls":[{"function":{"arguments":"{\"content\":1}"}}]}}]}"#,
    ]

    @Test("reading a chunk in place adds what reading its parsed tree adds", arguments: oddChunks, [true, false])
    func inPlaceReadingAgreesWithTheTree(_ chunk: String, streamed: Bool) throws {
        var fromTree = ChatResponseSummary(text: "so far ", finishReason: "earlier", promptTokens: 1, completionTokens: 1)
        var inPlace = fromTree
        let bytes = Array(chunk.utf8)
        let tree = try JSONParser.parse(bytes[...], keeping: ChatResponseSummary.fields)
        // The tree's reading, with the counts converted as the summary converts them.
        fromTree.absorb(tree, streamed: streamed)
        try bytes.withUnsafeBufferPointer { buffer throws(JSONParseError) in try inPlace.absorb(json: buffer, streamed: streamed) }
        #expect(inPlace == fromTree, "\(chunk)")
    }

    @Test("a chunk that is not one JSON document throws and adds nothing")
    func invalidChunkAddsNothing() {
        for chunk in [#"{"choices":[{"delta":{"content":"x"}}]"#, #"{"choices":[{"delta":{"content":"x"}}]} {}"#, "nope"] {
            var summary = ChatResponseSummary(text: "kept", finishReason: nil, promptTokens: nil, completionTokens: nil)
            let bytes = Array(chunk.utf8)
            #expect(throws: JSONParseError.self) {
                try bytes.withUnsafeBufferPointer { buffer throws(JSONParseError) in try summary.absorb(json: buffer, streamed: true) }
            }
            #expect(summary.text == "kept")
        }
    }

    @Test("token counts an upstream cannot mean are dropped, not converted (no trap)")
    func impossibleTokenCounts() {
        for number in [Double.infinity, -.infinity, .nan, 1e30, 1e16, -2] {
            #expect(ChatResponseSummary.tokenCount(number) == nil, "\(number)")
        }
        #expect(ChatResponseSummary.tokenCount(0) == 0)
        #expect(ChatResponseSummary.tokenCount(12.0) == 12)
        let huge = #"{"choices":[{"message":{"content":"x"}}],"usage":{"prompt_tokens":1e300,"completion_tokens":1e400}}"#
        let whole = ChatResponseSummary(completionBody: Array(huge.utf8))
        #expect(whole.promptTokens == nil && whole.completionTokens == nil)
        if let tree = try? JSONParser.parse(Array(huge.utf8)) {
            let translated = ChatResponseSummary(openAICompletion: tree)
            #expect(translated.promptTokens == nil && translated.completionTokens == nil)
        }
    }
}
