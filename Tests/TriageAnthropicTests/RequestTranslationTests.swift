import Testing
import TriageAnthropic
import TriageJSON

@Suite("Anthropic request -> OpenAI request")
struct OpenAIRequestTests {
    @Test func systemPromptMessagesAndParameters() throws {
        let body = try object("""
        {"model": "claude-x", "max_tokens": 256, "system": "You are terse.",
         "temperature": 0.5, "top_p": 0.9, "top_k": 40, "stop_sequences": ["END", "STOP"],
         "stream": false, "metadata": {"user_id": "u-42"},
         "messages": [
           {"role": "user", "content": "Hi"},
           {"role": "assistant", "content": [{"type": "text", "text": "Hello."}]},
           {"role": "user", "content": [{"type": "text", "text": "Part one"}, {"type": "text", "text": "Part two", "cache_control": {"type": "ephemeral"}}]}
         ]}
        """)
        let out = try AnthropicTranslator.openAIRequest(fromAnthropic: body)
        #expect(out == (try object("""
        {"model": "claude-x", "max_tokens": 256, "temperature": 0.5, "top_p": 0.9,
         "stop": ["END", "STOP"], "stream": false, "user": "u-42",
         "messages": [
           {"role": "system", "content": "You are terse."},
           {"role": "user", "content": "Hi"},
           {"role": "assistant", "content": "Hello."},
           {"role": "user", "content": [{"type": "text", "text": "Part one"}, {"type": "text", "text": "Part two"}]}
         ]}
        """)))
    }

    @Test func systemBlocksAreJoinedAndStreamAsksForUsage() throws {
        let body = try object("""
        {"model": "m", "max_tokens": 10, "stream": true,
         "system": [{"type": "text", "text": "Rule one."}, {"type": "text", "text": "Rule two."}],
         "messages": [{"role": "user", "content": "go"}]}
        """)
        let out = try AnthropicTranslator.openAIRequest(fromAnthropic: body)
        #expect(out["messages"]?[index: 0] == (try json(#"{"role": "system", "content": "Rule one.\n\nRule two."}"#)))
        #expect(out["stream"] == .bool(true))
        #expect(out["stream_options"] == (try json(#"{"include_usage": true}"#)))
    }

    @Test func serverToolsThinkingAndDocumentsAreUnsupported() throws {
        let serverTool = try object(#"{"model": "m", "max_tokens": 5, "tools": [{"type": "web_search_20250305", "name": "web_search"}], "messages": [{"role": "user", "content": "x"}]}"#)
        #expect(throws: TranslationError.self) { try AnthropicTranslator.openAIRequest(fromAnthropic: serverTool) }
        let document = try object(#"{"model": "m", "max_tokens": 5, "messages": [{"role": "user", "content": [{"type": "document", "source": {"type": "base64", "media_type": "application/pdf", "data": "AA=="}}]}]}"#)
        #expect(throws: TranslationError.unsupported(field: "messages[0].content[0]", message: TranslationError.mediaMessage)) {
            try AnthropicTranslator.openAIRequest(fromAnthropic: document)
        }
        let fileImage = try object(#"{"model": "m", "max_tokens": 5, "messages": [{"role": "user", "content": [{"type": "image", "source": {"type": "file", "file_id": "f1"}}]}]}"#)
        do {
            _ = try AnthropicTranslator.openAIRequest(fromAnthropic: fileImage)
            Issue.record("expected an error")
        } catch {
            #expect(error.field == "messages[0].content[0].source.type")
        }
    }

    @Test func invalidInput() throws {
        #expect(throws: TranslationError.invalid(field: "messages[0].role", message: "unknown role \"system\": Anthropic messages have role \"user\" or \"assistant\" (the system prompt goes in the top-level \"system\")")) {
            try AnthropicTranslator.openAIRequest(fromAnthropic: try object(#"{"model": "m", "max_tokens": 5, "messages": [{"role": "system", "content": "x"}]}"#))
        }
        #expect(throws: TranslationError.invalid(field: "messages[2].content", message: "expected a string or an array of content blocks")) {
            try AnthropicTranslator.openAIRequest(fromAnthropic: try object(#"{"messages": [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}, {"role": "user", "content": 7}]}"#))
        }
        #expect(throws: TranslationError.self) {
            try AnthropicTranslator.openAIRequest(fromAnthropic: try object(#"{"model": "m", "max_tokens": 5}"#))
        }
        #expect(throws: TranslationError.invalid(field: "max_tokens", message: "expected an integer")) {
            try AnthropicTranslator.openAIRequest(fromAnthropic: try object(#"{"max_tokens": "ten", "messages": [{"role": "user", "content": "x"}]}"#))
        }
        let error = TranslationError.invalid(field: "messages[2].content", message: "expected a string or an array of content blocks")
        #expect(error.description == "messages[2].content: expected a string or an array of content blocks")
    }
}

@Suite("OpenAI request -> Anthropic request")
struct AnthropicRequestTests {
    @Test func systemAndDeveloperGoToTopLevelAndRolesMerge() throws {
        let body = try object("""
        {"model": "triage", "temperature": 0.2, "top_p": 0.8, "stream": true, "user": "u-1",
         "stream_options": {"include_usage": true}, "seed": 7,
         "messages": [
           {"role": "system", "content": "Be brief."},
           {"role": "user", "content": "one"},
           {"role": "developer", "content": [{"type": "text", "text": "Use English."}]},
           {"role": "user", "content": [{"type": "text", "text": "two"}]},
           {"role": "assistant", "content": "ok"},
           {"role": "assistant", "content": "more"},
           {"role": "user", "content": "three"}
         ]}
        """)
        let out = try AnthropicTranslator.anthropicRequest(fromOpenAI: body, model: "claude-sonnet-4-5")
        #expect(out == (try object("""
        {"model": "claude-sonnet-4-5", "max_tokens": 4096, "temperature": 0.2, "top_p": 0.8,
         "stream": true, "metadata": {"user_id": "u-1"}, "system": "Be brief.\\n\\nUse English.",
         "messages": [
           {"role": "user", "content": [{"type": "text", "text": "one"}, {"type": "text", "text": "two"}]},
           {"role": "assistant", "content": [{"type": "text", "text": "ok"}, {"type": "text", "text": "more"}]},
           {"role": "user", "content": "three"}
         ]}
        """)))
    }

    @Test func maxTokensSources() throws {
        let messages = #""messages": [{"role": "user", "content": "x"}]"#
        let none = try AnthropicTranslator.anthropicRequest(fromOpenAI: try object("{\(messages)}"), model: "c")
        #expect(none["max_tokens"] == .number(4096))
        let legacy = try AnthropicTranslator.anthropicRequest(fromOpenAI: try object(#"{"max_tokens": 100, \#(messages)}"#), model: "c")
        #expect(legacy["max_tokens"] == .number(100))
        let both = try AnthropicTranslator.anthropicRequest(fromOpenAI: try object(#"{"max_tokens": 100, "max_completion_tokens": 200, \#(messages)}"#), model: "c")
        #expect(both["max_tokens"] == .number(200))
    }

    @Test func stopStringOrList() throws {
        let messages = #""messages": [{"role": "user", "content": "x"}]"#
        let single = try AnthropicTranslator.anthropicRequest(fromOpenAI: try object(#"{"stop": "END", \#(messages)}"#), model: "c")
        #expect(single["stop_sequences"] == (try json(#"["END"]"#)))
        let list = try AnthropicTranslator.anthropicRequest(fromOpenAI: try object(#"{"stop": ["A", "B"], \#(messages)}"#), model: "c")
        #expect(list["stop_sequences"] == (try json(#"["A", "B"]"#)))
        let null = try AnthropicTranslator.anthropicRequest(fromOpenAI: try object(#"{"stop": null, \#(messages)}"#), model: "c")
        #expect(null["stop_sequences"] == nil)
        #expect(throws: TranslationError.invalid(field: "stop[1]", message: "expected a string")) {
            try AnthropicTranslator.anthropicRequest(fromOpenAI: try object(#"{"stop": ["A", 3], \#(messages)}"#), model: "c")
        }
    }

    @Test func legacyFunctionsAudioAndSeveralChoicesAreUnsupported() throws {
        let cases: [(String, String)] = [
            (#"{"functions": [{"name": "f"}], "messages": [{"role": "user", "content": "x"}]}"#, "functions"),
            (#"{"messages": [{"role": "user", "content": "x"}, {"role": "function", "name": "f", "content": "42"}]}"#, "messages[1].role"),
        ]
        for (text, field) in cases {
            #expect(throws: TranslationError.unsupported(field: field, message: TranslationError.toolCallsMessage)) {
                try AnthropicTranslator.anthropicRequest(fromOpenAI: try object(text), model: "c")
            }
        }
        // Empty tool lists ask for nothing and are accepted.
        let empty = try AnthropicTranslator.anthropicRequest(fromOpenAI: try object(#"{"tools": [], "tool_choice": "none", "messages": [{"role": "user", "content": "x"}]}"#), model: "c")
        #expect(empty["tools"] == nil)
        let audio = try object(#"{"messages": [{"role": "user", "content": [{"type": "text", "text": "what is this"}, {"type": "input_audio", "input_audio": {"data": "AA==", "format": "wav"}}]}]}"#)
        #expect(throws: TranslationError.unsupported(field: "messages[0].content[1]", message: TranslationError.mediaMessage)) {
            try AnthropicTranslator.anthropicRequest(fromOpenAI: audio, model: "c")
        }
        #expect(throws: TranslationError.self) {
            try AnthropicTranslator.anthropicRequest(fromOpenAI: try object(#"{"n": 2, "messages": [{"role": "user", "content": "x"}]}"#), model: "c")
        }
    }

    @Test func invalidInput() throws {
        #expect(throws: TranslationError.invalid(field: "messages[0].role", message: "unknown role \"robot\": expected one of \"system\", \"developer\", \"user\", \"assistant\"")) {
            try AnthropicTranslator.anthropicRequest(fromOpenAI: try object(#"{"messages": [{"role": "robot", "content": "x"}]}"#), model: "c")
        }
        #expect(throws: TranslationError.invalid(field: "messages[0].content", message: "expected a string, null, or an array of content parts")) {
            try AnthropicTranslator.anthropicRequest(fromOpenAI: try object(#"{"messages": [{"role": "user", "content": 5}]}"#), model: "c")
        }
        #expect(throws: TranslationError.invalid(field: "messages", message: "needs at least one \"user\" or \"assistant\" message besides system messages")) {
            try AnthropicTranslator.anthropicRequest(fromOpenAI: try object(#"{"messages": [{"role": "system", "content": "x"}]}"#), model: "c")
        }
        #expect(throws: TranslationError.invalid(field: "messages", message: "is required: an array of {\"role\", \"content\"} messages")) {
            try AnthropicTranslator.anthropicRequest(fromOpenAI: try object(#"{"model": "triage"}"#), model: "c")
        }
        #expect(throws: TranslationError.invalid(field: "temperature", message: "expected a number")) {
            try AnthropicTranslator.anthropicRequest(fromOpenAI: try object(#"{"temperature": "hot", "messages": [{"role": "user", "content": "x"}]}"#), model: "c")
        }
    }

    @Test func roundTripKeepsTheConversation() throws {
        let anthropic = try object("""
        {"model": "m", "max_tokens": 99, "system": "S", "stop_sequences": ["X"], "temperature": 0.1,
         "messages": [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}, {"role": "user", "content": "c"}]}
        """)
        let openAI = try AnthropicTranslator.openAIRequest(fromAnthropic: anthropic)
        let back = try AnthropicTranslator.anthropicRequest(fromOpenAI: openAI, model: "m")
        #expect(back == anthropic)
    }
}
