import Testing
import TriageAnthropic
import TriageJSON

@Suite("Response translation")
struct ResponseTranslationTests {
    @Test func anthropicMessageToChatCompletion() throws {
        let message = try json("""
        {"id": "msg_01XFDUDYJgAACzvnptvVoYEL", "type": "message", "role": "assistant", "model": "claude-sonnet-4-5",
         "content": [{"type": "thinking", "thinking": "hmm", "signature": "s"}, {"type": "text", "text": "Hello"}, {"type": "text", "text": ", world"}],
         "stop_reason": "end_turn", "stop_sequence": null,
         "usage": {"input_tokens": 12, "cache_read_input_tokens": 3, "output_tokens": 6}}
        """)
        let out = try AnthropicTranslator.openAIResponse(fromAnthropic: message, model: "triage")
        #expect(out["id"] == .string("msg_01XFDUDYJgAACzvnptvVoYEL"))
        #expect(out["object"] == .string("chat.completion"))
        #expect(out["model"] == .string("triage"))
        if case .number(let created)? = out["created"] { #expect(created > 1_700_000_000) } else { Issue.record("no created") }
        #expect(out["choices"]?[index: 0] == (try json("""
        {"index": 0, "message": {"role": "assistant", "content": "Hello, world", "refusal": null}, "logprobs": null, "finish_reason": "stop"}
        """)))
        #expect(out["usage"] == (try json(#"{"prompt_tokens": 15, "completion_tokens": 6, "total_tokens": 21}"#)))
    }

    @Test(arguments: [
        ("end_turn", "stop"), ("stop_sequence", "stop"), ("max_tokens", "length"),
        ("tool_use", "tool_calls"), ("refusal", "content_filter"), ("pause_turn", "stop"),
        ("model_context_window_exceeded", "length"),
    ])
    func stopReasonToFinishReason(stopReason: String, finishReason: String) throws {
        let message: JSONValue = .object([
            "type": .string("message"), "content": .array([]), "stop_reason": .string(stopReason),
        ])
        let out = try AnthropicTranslator.openAIResponse(fromAnthropic: message, model: "m")
        #expect(out["choices"]?[index: 0]?["finish_reason"] == .string(finishReason))
    }

    @Test func chatCompletionToAnthropicMessage() throws {
        let completion = try json("""
        {"id": "chatcmpl-abc", "object": "chat.completion", "created": 1700000000, "model": "gpt-4o",
         "choices": [{"index": 0, "message": {"role": "assistant", "content": "Paris."}, "finish_reason": "length"}],
         "usage": {"prompt_tokens": 9, "completion_tokens": 2, "total_tokens": 11}}
        """)
        let out = try AnthropicTranslator.anthropicResponse(fromOpenAI: completion, model: "claude-via-triage")
        #expect(out == (try json("""
        {"id": "chatcmpl-abc", "type": "message", "role": "assistant", "model": "claude-via-triage",
         "content": [{"type": "text", "text": "Paris."}], "stop_reason": "max_tokens", "stop_sequence": null,
         "usage": {"input_tokens": 9, "output_tokens": 2}}
        """)))
    }

    @Test(arguments: [
        ("stop", "end_turn"), ("length", "max_tokens"), ("tool_calls", "tool_use"),
        ("content_filter", "refusal"), ("function_call", "tool_use"),
    ])
    func finishReasonToStopReason(finishReason: String, stopReason: String) throws {
        let completion: JSONValue = .object(["choices": .array([.object([
            "message": .object(["role": .string("assistant"), "content": .string("x")]),
            "finish_reason": .string(finishReason),
        ])])])
        let out = try AnthropicTranslator.anthropicResponse(fromOpenAI: completion, model: "m")
        #expect(out["stop_reason"] == .string(stopReason))
        #expect(out["usage"] == (try json(#"{"input_tokens": 0, "output_tokens": 0}"#)))
    }

    @Test func toolCallsInResponsesTranslateBothWays() throws {
        let completion = try json("""
        {"choices": [{"message": {"role": "assistant", "content": null,
          "tool_calls": [{"id": "c", "type": "function", "function": {"name": "f", "arguments": "{\\"a\\": 1}"}},
                         {"id": "d", "type": "function", "function": {"name": "g", "arguments": ""}}]}, "finish_reason": "tool_calls"}]}
        """)
        let message = try AnthropicTranslator.anthropicResponse(fromOpenAI: completion, model: "m")
        #expect(message["content"] == (try json(#"[{"type": "tool_use", "id": "c", "name": "f", "input": {"a": 1}}, {"type": "tool_use", "id": "d", "name": "g", "input": {}}]"#)))
        #expect(message["stop_reason"] == .string("tool_use"))
        let back = try AnthropicTranslator.openAIResponse(fromAnthropic: message, model: "m")
        let calls = try #require(back["choices"]?.arrayValue?.first?["message"]?["tool_calls"]?.arrayValue)
        #expect(calls.count == 2)
        #expect(calls[0]["function"]?["arguments"] == .string(#"{"a":1}"#))
        #expect(back["choices"]?.arrayValue?.first?["message"]?["content"] == .null)
        #expect(back["choices"]?.arrayValue?.first?["finish_reason"] == .string("tool_calls"))
    }

    @Test func malformedResponsesAreInvalid() throws {
        #expect(throws: TranslationError.self) {
            try AnthropicTranslator.openAIResponse(fromAnthropic: try json(#"{"type": "error", "error": {"type": "api_error", "message": "x"}}"#), model: "m")
        }
        #expect(throws: TranslationError.self) {
            try AnthropicTranslator.anthropicResponse(fromOpenAI: try json(#"{"choices": []}"#), model: "m")
        }
    }
}

@Suite("Error translation")
struct ErrorTranslationTests {
    @Test(arguments: [
        (400, "invalid_request_error"), (401, "authentication_error"), (403, "permission_error"),
        (404, "not_found_error"), (413, "request_too_large"), (422, "invalid_request_error"),
        (429, "rate_limit_error"), (500, "api_error"), (502, "api_error"), (503, "overloaded_error"),
        (504, "timeout_error"), (529, "overloaded_error"),
    ])
    func anthropicErrorTypeByStatus(status: Int, type: String) {
        let body = AnthropicTranslator.anthropicError(status: status, message: "boom")
        #expect(body == .object([
            "type": .string("error"),
            "error": .object(["type": .string(type), "message": .string("boom")]),
        ]))
    }

    @Test func anthropicErrorToOpenAI() throws {
        let body = try json(#"{"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}, "request_id": "req_1"}"#)
        #expect(AnthropicTranslator.openAIErrorMessage(fromAnthropic: body) == "Overloaded")
        #expect(AnthropicTranslator.openAIError(fromAnthropic: body) == (try json(#"{"error": {"message": "Overloaded", "type": "overloaded_error", "code": null}}"#)))
        #expect(AnthropicTranslator.openAIErrorMessage(fromAnthropic: try json(#"{"detail": "nope"}"#)) == nil)
        #expect(AnthropicTranslator.openAIErrorMessage(fromAnthropic: .string("x")) == nil)
    }

    @Test func openAIErrorToAnthropic() throws {
        let body = try json(#"{"error": {"message": "Rate limit reached", "type": "requests", "code": "rate_limit_exceeded"}}"#)
        #expect(AnthropicTranslator.anthropicError(fromOpenAI: body, status: 429) == AnthropicTranslator.anthropicError(status: 429, message: "Rate limit reached"))
        #expect(AnthropicTranslator.anthropicError(fromOpenAI: .null, status: 500) == nil)
    }
}
