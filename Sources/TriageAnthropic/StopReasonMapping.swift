/// The mapping between Anthropic `stop_reason` and OpenAI `finish_reason` values.
enum StopReasonMapping {
    /// Anthropic `stop_reason` -> OpenAI `finish_reason`: `end_turn`, `stop_sequence`,
    /// `pause_turn` -> `stop`; `max_tokens`, `model_context_window_exceeded` -> `length`;
    /// `tool_use` -> `tool_calls`; `refusal` -> `content_filter`; anything else -> `stop`.
    static func finishReason(fromStopReason stopReason: String) -> String {
        switch stopReason {
        case "max_tokens", "model_context_window_exceeded": "length"
        case "tool_use": "tool_calls"
        case "refusal": "content_filter"
        default: "stop"
        }
    }

    /// OpenAI `finish_reason` -> Anthropic `stop_reason`: `stop` -> `end_turn`, `length` ->
    /// `max_tokens`, `tool_calls` / `function_call` -> `tool_use`, `content_filter` -> `refusal`
    /// (Anthropic's "streaming classifiers intervened"), anything else -> `end_turn`.
    static func stopReason(fromFinishReason finishReason: String) -> String {
        switch finishReason {
        case "length": "max_tokens"
        case "tool_calls", "function_call": "tool_use"
        case "content_filter": "refusal"
        default: "end_turn"
        }
    }
}
