import Foundation
import Testing
import TriageAnthropic
import TriageJSON
import TriageResponses

func object(_ text: String) throws -> [String: JSONValue] {
    guard case .object(let members) = try JSONParser.parse(Array(text.utf8)) else { throw TestFailure("not an object: \(text)") }
    return members
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

@Suite struct ResponsesRequestTests {
    @Test func stringInputAndInstructionsBecomeSystemAndUserMessages() throws {
        let chat = try ResponsesTranslator.chatRequest(fromResponses: object(#"""
        {"model": "m", "instructions": "Be brief.", "input": "Hi", "max_output_tokens": 50, "temperature": 0.2, "stream": true}
        """#))
        #expect(chat["messages"] == .array([
            .object(["role": .string("system"), "content": .string("Be brief.")]),
            .object(["role": .string("user"), "content": .string("Hi")]),
        ]))
        #expect(chat["max_tokens"] == .number(50))
        #expect(chat["temperature"] == .number(0.2))
        #expect(chat["stream"] == .bool(true))
        #expect(chat["stream_options"]?["include_usage"] == .bool(true))
    }

    @Test func itemsWithFunctionCallsAndOutputsBecomeToolMessages() throws {
        let chat = try ResponsesTranslator.chatRequest(fromResponses: object(#"""
        {"model": "m", "input": [
          {"role": "user", "content": [{"type": "input_text", "text": "Weather in Paris and Rome?"},
                                       {"type": "input_image", "image_url": "https://x/y.png"}]},
          {"type": "function_call", "call_id": "c1", "name": "weather", "arguments": "{\"city\":\"Paris\"}"},
          {"type": "function_call", "call_id": "c2", "name": "weather", "arguments": "{\"city\":\"Rome\"}"},
          {"type": "function_call_output", "call_id": "c1", "output": "18C"},
          {"type": "function_call_output", "call_id": "c2", "output": "24C"}],
         "tools": [{"type": "function", "name": "weather", "parameters": {"type": "object"}}],
         "tool_choice": {"type": "function", "name": "weather"}}
        """#))
        let messages = try #require(chat["messages"]?.arrayValue)
        #expect(messages.count == 4)
        #expect(messages[0]["content"]?.arrayValue?[1]["image_url"]?["url"] == .string("https://x/y.png"))
        #expect(messages[1]["tool_calls"]?.arrayValue?.count == 2)
        #expect(messages[1]["tool_calls"]?.arrayValue?[1]["function"]?["arguments"] == .string(#"{"city":"Rome"}"#))
        #expect(messages[3] == .object(["role": .string("tool"), "tool_call_id": .string("c2"), "content": .string("24C")]))
        #expect(chat["tools"]?.arrayValue?.first?["function"]?["name"] == .string("weather"))
        #expect(chat["tool_choice"]?["function"]?["name"] == .string("weather"))
    }

    @Test func previousResponseIDAndBuiltInToolsAreRefusedNamingTheField() throws {
        #expect(throws: TranslationError.self) {
            try ResponsesTranslator.chatRequest(fromResponses: object(#"{"model": "m", "input": "x", "previous_response_id": "resp_1"}"#))
        }
        let builtIn = try object(#"{"model": "m", "input": "x", "tools": [{"type": "web_search"}]}"#)
        do {
            _ = try ResponsesTranslator.chatRequest(fromResponses: builtIn)
            Issue.record("expected an error")
        } catch {
            #expect(error.field == "tools[0].type")
        }
        let previous = try object(#"{"model": "m", "input": "x", "previous_response_id": "resp_1"}"#)
        do {
            _ = try ResponsesTranslator.chatRequest(fromResponses: previous)
            Issue.record("expected an error")
        } catch {
            #expect(error.field == "previous_response_id")
            #expect(error.message.contains("no conversation state"))
        }
    }
}
