import Foundation
import TriageJSON

extension AnthropicTranslator {
    /// Translates an Anthropic `message` response into an OpenAI `chat.completion`.
    ///
    /// The id is kept, `created` is now, `model` is `model` (the name the client asked for),
    /// `choices[0].message.content` is the text blocks joined, `finish_reason` is mapped
    /// (`end_turn`/`stop_sequence` -> `stop`, `max_tokens` -> `length`, `tool_use` ->
    /// `tool_calls`, `refusal` -> `content_filter`) and `usage` counts input tokens (cache
    /// reads and writes included) as `prompt_tokens` and output tokens as `completion_tokens`.
    /// Thinking blocks are left out of the text.
    ///
    /// `tool_use` blocks become `message.tool_calls` (content null when there is no text).
    ///
    /// - Throws: ``TranslationError/invalid(field:message:)`` when `body` is not a message;
    ///   ``TranslationError/unsupported(field:message:)`` for server tool blocks.
    public static func openAIResponse(fromAnthropic body: JSONValue, model: String) throws(TranslationError) -> JSONValue {
        guard body.objectValue != nil, body["type"]?.stringValue == "message" || body["content"]?.arrayValue != nil else {
            throw .invalid(field: "response", message: "expected an Anthropic message object ({\"type\": \"message\", \"content\": [...]})")
        }
        guard let blocks = body["content"]?.arrayValue else {
            throw .invalid(field: "response.content", message: "expected an array of content blocks")
        }
        var text = ""
        var calls: [JSONValue] = []
        for (index, block) in blocks.enumerated() {
            switch block["type"]?.stringValue {
            case "text"?:
                guard let piece = block["text"]?.stringValue else {
                    throw .invalid(field: "response.content[\(index)].text", message: "expected a string")
                }
                text += piece
            case "tool_use"?:
                calls.append(try toolCall(fromAnthropic: block, field: "response.content[\(index)]"))
            case "server_tool_use"?:
                throw .unsupported(field: "response.content[\(index)]", message: "Anthropic server tool calls have no OpenAI counterpart")
            default:
                continue  // thinking, redacted_thinking and other non-text blocks carry no answer text
            }
        }
        let finishReason: JSONValue = body["stop_reason"]?.stringValue
            .map { .string(StopReasonMapping.finishReason(fromStopReason: $0)) } ?? .string("stop")
        let id = body["id"]?.stringValue ?? "chatcmpl-\(UUID().uuidString.lowercased())"
        var message: [String: JSONValue] = [
            "role": .string("assistant"), "content": calls.isEmpty || !text.isEmpty ? .string(text) : .null, "refusal": .null,
        ]
        if !calls.isEmpty { message["tool_calls"] = .array(calls) }
        var out: [String: JSONValue] = [
            "id": .string(id),
            "object": .string("chat.completion"),
            "created": .int(Int(Date().timeIntervalSince1970)),
            "model": .string(model),
            "choices": .array([.object([
                "index": .int(0),
                "message": .object(message),
                "logprobs": .null,
                "finish_reason": finishReason,
            ])]),
        ]
        if let usage = body["usage"], usage.objectValue != nil {
            let input = anthropicInputTokens(usage) ?? 0
            let output = usage["output_tokens"]?.intValue ?? 0
            out["usage"] = .object([
                "prompt_tokens": .int(input),
                "completion_tokens": .int(output),
                "total_tokens": .int(input + output),
            ])
        }
        return .object(out)
    }

    /// Translates an OpenAI `chat.completion` into an Anthropic `message`.
    ///
    /// The id is kept, `content` is one text block holding `choices[0].message.content` (or its
    /// `refusal` when there is no content), `stop_reason` is mapped (`stop` -> `end_turn`,
    /// `length` -> `max_tokens`, `tool_calls` -> `tool_use`, `content_filter` -> `refusal`),
    /// `stop_sequence` is null (OpenAI does not say which one matched) and `usage` is
    /// `input_tokens`/`output_tokens` (0 when the backend reported none).
    ///
    /// `tool_calls` become `tool_use` blocks after the text block (which is left out when empty).
    ///
    /// - Throws: ``TranslationError/invalid(field:message:)`` when `body` has no
    ///   `choices[0].message` or a tool call's arguments are not a JSON object.
    public static func anthropicResponse(fromOpenAI body: JSONValue, model: String) throws(TranslationError) -> JSONValue {
        guard let choice = body["choices"]?.arrayValue?.first, let message = choice["message"], message.objectValue != nil else {
            throw .invalid(field: "response.choices[0].message", message: "expected an OpenAI chat.completion with at least one choice")
        }
        var toolUses: [JSONValue] = []
        if let calls = message["tool_calls"], !isEmptyOrNull(calls) {
            toolUses = try toolUseBlocks(fromOpenAI: calls, field: "response.choices[0].message.tool_calls")
        }
        if let call = message["function_call"], !call.isNull {
            throw TranslationError.toolCalls("response.choices[0].message.function_call")
        }
        var text = try openAITexts(message["content"], field: "response.choices[0].message.content").joined()
        if text.isEmpty, let refusal = message["refusal"]?.stringValue { text = refusal }
        let stopReason = StopReasonMapping.stopReason(fromFinishReason: choice["finish_reason"]?.stringValue ?? "stop")
        let id = body["id"]?.stringValue ?? "msg_\(UUID().uuidString.lowercased())"
        return .object([
            "id": .string(id),
            "type": .string("message"),
            "role": .string("assistant"),
            "model": .string(model),
            "content": .array(toolUses.isEmpty || !text.isEmpty ? [textBlock(text)] + toolUses : toolUses),
            "stop_reason": .string(stopReason),
            "stop_sequence": .null,
            "usage": .object([
                "input_tokens": .int(body["usage"]?["prompt_tokens"]?.intValue ?? 0),
                "output_tokens": .int(body["usage"]?["completion_tokens"]?.intValue ?? 0),
            ]),
        ])
    }

    /// Anthropic input tokens of a `usage` object: `input_tokens` plus cache creation and cache
    /// read tokens (Anthropic counts them apart); nil when none is reported.
    static func anthropicInputTokens(_ usage: JSONValue) -> Int? {
        let parts = ["input_tokens", "cache_creation_input_tokens", "cache_read_input_tokens"].compactMap { usage[$0]?.intValue }
        return parts.isEmpty ? nil : parts.reduce(0, +)
    }
}
