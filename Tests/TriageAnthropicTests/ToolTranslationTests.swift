import Foundation
import Testing
import TriageAnthropic
import TriageJSON

/// Tool calls, tool results and images between OpenAI chat completions and Anthropic messages.
@Suite struct ToolTranslationTests {
    @Test func openAIToolConversationBecomesAnthropicToolBlocks() throws {
        let body = try object(#"""
        {"model": "triage", "parallel_tool_calls": false, "tool_choice": {"type": "function", "function": {"name": "weather"}},
         "tools": [{"type": "function", "function": {"name": "weather", "description": "Weather of a city",
                    "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}}],
         "messages": [
          {"role": "system", "content": "Be brief."},
          {"role": "user", "content": [{"type": "text", "text": "Weather here and there?"},
                                       {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}},
                                       {"type": "image_url", "image_url": {"url": "https://example.com/map.png", "detail": "low"}}]},
          {"role": "assistant", "content": null, "tool_calls": [
            {"id": "call_1", "type": "function", "function": {"name": "weather", "arguments": "{\"city\": \"Paris\"}"}},
            {"id": "call_2", "type": "function", "function": {"name": "weather", "arguments": "{\"city\": \"Rome\"}"}}]},
          {"role": "tool", "tool_call_id": "call_1", "content": "18C"},
          {"role": "tool", "tool_call_id": "call_2", "content": "24C"}]}
        """#)
        let out = try AnthropicTranslator.anthropicRequest(fromOpenAI: body, model: "claude")
        #expect(out["tools"] == (try json(#"[{"name": "weather", "description": "Weather of a city", "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}}}]"#)))
        #expect(out["tool_choice"] == (try json(#"{"type": "tool", "name": "weather", "disable_parallel_tool_use": true}"#)))
        #expect(out["system"] == .string("Be brief."))
        #expect(out["messages"] == (try json(#"""
        [{"role": "user", "content": [
           {"type": "text", "text": "Weather here and there?"},
           {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "iVBORw0KGgo="}},
           {"type": "image", "source": {"type": "url", "url": "https://example.com/map.png"}}]},
         {"role": "assistant", "content": [
           {"type": "tool_use", "id": "call_1", "name": "weather", "input": {"city": "Paris"}},
           {"type": "tool_use", "id": "call_2", "name": "weather", "input": {"city": "Rome"}}]},
         {"role": "user", "content": [
           {"type": "tool_result", "tool_use_id": "call_1", "content": "18C"},
           {"type": "tool_result", "tool_use_id": "call_2", "content": "24C"}]}]
        """#)))
    }

    @Test func anthropicToolConversationBecomesOpenAIToolMessages() throws {
        let body = try object(#"""
        {"model": "triage", "max_tokens": 100, "tool_choice": {"type": "any"},
         "tools": [{"name": "weather", "input_schema": {"type": "object"}}],
         "messages": [
          {"role": "user", "content": [{"type": "text", "text": "Look:"},
                                       {"type": "image", "source": {"type": "base64", "media_type": "image/jpeg", "data": "/9j/"}}]},
          {"role": "assistant", "content": [{"type": "text", "text": "Checking."},
                                            {"type": "tool_use", "id": "toolu_1", "name": "weather", "input": {"city": "Paris"}},
                                            {"type": "tool_use", "id": "toolu_2", "name": "weather", "input": {"city": "Rome"}}]},
          {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_1", "content": "18C"},
                                       {"type": "tool_result", "tool_use_id": "toolu_2", "content": [{"type": "text", "text": "no data"}], "is_error": true},
                                       {"type": "text", "text": "And tomorrow?"}]}]}
        """#)
        let out = try AnthropicTranslator.openAIRequest(fromAnthropic: body)
        #expect(out["tools"] == (try json(#"[{"type": "function", "function": {"name": "weather", "parameters": {"type": "object"}}}]"#)))
        #expect(out["tool_choice"] == .string("required"))
        #expect(out["messages"] == (try json(#"""
        [{"role": "user", "content": [{"type": "text", "text": "Look:"}, {"type": "image_url", "image_url": {"url": "data:image/jpeg;base64,/9j/"}}]},
         {"role": "assistant", "content": "Checking.", "tool_calls": [
           {"id": "toolu_1", "type": "function", "function": {"name": "weather", "arguments": "{\"city\":\"Paris\"}"}},
           {"id": "toolu_2", "type": "function", "function": {"name": "weather", "arguments": "{\"city\":\"Rome\"}"}}]},
         {"role": "tool", "tool_call_id": "toolu_1", "content": "18C"},
         {"role": "tool", "tool_call_id": "toolu_2", "content": "Error: no data"},
         {"role": "user", "content": "And tomorrow?"}]
        """#)))
    }

    @Test func untranslatableToolPiecesNameTheirField() throws {
        let badArguments = try object(#"{"messages": [{"role": "user", "content": "x"}, {"role": "assistant", "tool_calls": [{"id": "c", "type": "function", "function": {"name": "f", "arguments": "not json"}}]}]}"#)
        do {
            _ = try AnthropicTranslator.anthropicRequest(fromOpenAI: badArguments, model: "c")
            Issue.record("expected an error")
        } catch {
            #expect(error.field == "messages[1].tool_calls[0].function.arguments")
        }
        let imageInToolResult = try object(#"{"model": "m", "max_tokens": 5, "messages": [{"role": "user", "content": [{"type": "tool_result", "tool_use_id": "t", "content": [{"type": "image", "source": {"type": "url", "url": "https://x/y.png"}}]}]}]}"#)
        do {
            _ = try AnthropicTranslator.openAIRequest(fromAnthropic: imageInToolResult)
            Issue.record("expected an error")
        } catch {
            #expect(error.field == "messages[0].content[0].content[0]")
            #expect(error.message.contains("text only"))
        }
        let customTool = try object(#"{"tools": [{"type": "custom", "custom": {"name": "grammar"}}], "messages": [{"role": "user", "content": "x"}]}"#)
        #expect(throws: TranslationError.unsupported(field: "tools[0].type", message: "only tools of type \"function\" have an Anthropic counterpart")) {
            try AnthropicTranslator.anthropicRequest(fromOpenAI: customTool, model: "c")
        }
    }
}
