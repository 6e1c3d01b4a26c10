import Foundation
import TriageJSON
import TriageSSE

/// Translates an OpenAI `chat.completion.chunk` stream into an Anthropic Messages event stream
/// (with `event:` lines), incrementally: feed upstream bytes as they arrive (split anywhere,
/// even mid-line or mid-UTF-8) and relay the returned bytes to the client at once.
///
/// Output, in order: `message_start` (usage `input_tokens` as estimated, else 0: OpenAI reports
/// usage at the end), then content blocks numbered from 0 in the order they appear: a text
/// block (`content_block_start` with an empty text block, one `text_delta` per non-empty
/// content piece) or a `tool_use` block per tool call (`content_block_start` with its id and
/// name, one `input_json_delta` per `arguments` piece), each closed by `content_block_stop`
/// when the next begins or `finish_reason` arrives; then on `data: [DONE]` a `message_delta`
/// (mapped `stop_reason`, `usage` with `output_tokens` and the now known `input_tokens`, or
/// ``usageEstimate`` when the backend reported none) and `message_stop`. Only choice 0 is
/// used. An upstream `{"error": {...}}` becomes `event: error` and ends the stream.
public struct OpenAIToAnthropicStream: StreamAnswerKeeping, SSEEventTranslator {
    private let model: String
    private let id: String
    var parser = SSEParser()
    private var started = false
    /// The content block open now: its index, and the OpenAI tool index for a tool_use block.
    private var openBlock: (index: Int, tool: Int?)?
    private var nextBlock = 0
    /// Anthropic block index of each OpenAI tool-call index.
    private var toolBlocks: [Int: Int] = [:]
    private var blocksDone = false
    var ended = false
    /// The answer so far, for the routing log.
    public private(set) var answer = StreamAnswer()
    /// Counts for `message_start` and `message_delta` when the backend reports none.
    public var usageEstimate: UsageEstimate?

    /// True once the translated stream has ended (`message_stop` or an error event was
    /// produced); later input is ignored.
    public var isFinished: Bool { ended }

    /// - Parameters:
    ///   - model: the model name the client sees in `message_start`.
    ///   - id: the message id, e.g. `msg_<request id>`.
    public init(model: String, id: String) {
        self.model = model
        self.id = id
    }

    /// Consumes upstream chunks; returns the translated Anthropic events to relay now (possibly none).
    public mutating func feed(_ bytes: [UInt8]) -> [UInt8] { translate(bytes) }

    /// Ends the stream: translates what the upstream left unterminated, then, unless the stream
    /// already ended, closes it cleanly (`content_block_stop`, `message_delta` with the reported
    /// stop reason or `end_turn`, `message_stop`). The proxy decides whether a truncated
    /// upstream instead deserves ``fail(status:message:)``.
    public mutating func finish() -> [UInt8] { translateEnd() }

    /// Ends the stream with an Anthropic `error` event, e.g. when the upstream connection fails
    /// mid-stream; returns nothing if the stream already ended.
    public mutating func fail(status: Int, message: String) -> [UInt8] {
        failOnce { out in Self.emit("error", AnthropicTranslator.anthropicError(status: status, message: message), into: &out) }
    }

    // MARK: Events

    mutating func handle(_ event: SSEEvent, into out: inout [UInt8]) {
        guard !ended else { return }
        if event.data.trimmingCharacters(in: .whitespaces) == "[DONE]" {
            end(into: &out)
            return
        }
        guard let chunk = JSONValue.parse(event.data), chunk.objectValue != nil else { return }
        if let error = chunk["error"], !error.isNull {
            ended = true
            let message = error["message"]?.stringValue ?? "the OpenAI backend reported an error mid-stream"
            let type = error["type"]?.stringValue.flatMap { Self.anthropicTypes.contains($0) ? $0 : nil } ?? "api_error"
            Self.emit("error", .object([
                "type": .string("error"),
                "error": .object(["type": .string(type), "message": .string(message)]),
            ]), into: &out)
            return
        }
        if let usage = chunk["usage"], usage.objectValue != nil {
            if let prompt = usage["prompt_tokens"]?.intValue { answer.inputTokens = prompt }
            if let completion = usage["completion_tokens"]?.intValue { answer.outputTokens = completion }
        }
        start(into: &out)
        guard let choice = chunk["choices"]?.arrayValue?.first(where: { ($0["index"]?.intValue ?? 0) == 0 }) else { return }
        if let piece = choice["delta"]?["content"]?.stringValue, !piece.isEmpty, !blocksDone {
            if openBlock == nil || openBlock?.tool != nil {
                openContentBlock(["type": .string("text"), "text": .string("")], tool: nil, into: &out)
            }
            answer.text += piece
            emitDelta(["type": .string("text_delta"), "text": .string(piece)], into: &out)
        }
        if let calls = choice["delta"]?["tool_calls"]?.arrayValue, !blocksDone {
            for call in calls { toolCallDelta(call, into: &out) }
        }
        if let reason = choice["finish_reason"]?.stringValue {
            answer.finishReason = reason
            if openBlock == nil && nextBlock == 0 { openContentBlock(["type": .string("text"), "text": .string("")], tool: nil, into: &out) }
            closeBlock(into: &out)
            blocksDone = true
        }
    }

    // MARK: Output

    /// Error types Anthropic clients know; other OpenAI error types become `api_error`.
    private static let anthropicTypes: Set<String> = [
        "invalid_request_error", "authentication_error", "billing_error", "permission_error", "not_found_error",
        "request_too_large", "rate_limit_error", "timeout_error", "api_error", "overloaded_error",
    ]

    private mutating func start(into out: inout [UInt8]) {
        guard !started else { return }
        started = true
        Self.emit("message_start", .object([
            "type": .string("message_start"),
            "message": .object([
                "id": .string(id),
                "type": .string("message"),
                "role": .string("assistant"),
                "model": .string(model),
                "content": .array([]),
                "stop_reason": .null,
                "stop_sequence": .null,
                "usage": .object(["input_tokens": .int(inputTokens ?? usageEstimate?.promptTokens ?? 0), "output_tokens": .int(0)]),
            ]),
        ]), into: &out)
    }

    /// One entry of a chunk's `delta.tool_calls`: the first piece of a call opens its tool_use
    /// block (closing the block before), later pieces stream its arguments.
    private mutating func toolCallDelta(_ call: JSONValue, into out: inout [UInt8]) {
        let tool = call["index"]?.intValue ?? 0
        if toolBlocks[tool] == nil {
            toolBlocks[tool] = nextBlock
            openContentBlock([
                "type": .string("tool_use"), "id": .string(call["id"]?.stringValue ?? "toolu_\(id)_\(tool)"),
                "name": call["function"]?["name"] ?? .string(""), "input": .object([:]),
            ], tool: tool, into: &out)
        }
        guard let piece = call["function"]?["arguments"]?.stringValue, !piece.isEmpty, let block = toolBlocks[tool] else { return }
        answer.toolArguments += piece
        Self.emit("content_block_delta", .object([
            "type": .string("content_block_delta"), "index": .int(block),
            "delta": .object(["type": .string("input_json_delta"), "partial_json": .string(piece)]),
        ]), into: &out)
    }

    private mutating func openContentBlock(_ block: [String: JSONValue], tool: Int?, into out: inout [UInt8]) {
        start(into: &out)
        closeBlock(into: &out)
        openBlock = (nextBlock, tool)
        Self.emit("content_block_start", .object([
            "type": .string("content_block_start"), "index": .int(nextBlock), "content_block": .object(block),
        ]), into: &out)
        nextBlock += 1
    }

    private mutating func emitDelta(_ delta: [String: JSONValue], into out: inout [UInt8]) {
        guard let index = openBlock?.index else { return }
        Self.emit("content_block_delta", .object([
            "type": .string("content_block_delta"), "index": .int(index), "delta": .object(delta),
        ]), into: &out)
    }

    private mutating func closeBlock(into out: inout [UInt8]) {
        guard let block = openBlock else { return }
        openBlock = nil
        Self.emit("content_block_stop", .object(["type": .string("content_block_stop"), "index": .int(block.index)]), into: &out)
    }

    mutating func end(into out: inout [UInt8]) {
        guard !ended else { return }
        start(into: &out)
        if nextBlock == 0 { openContentBlock(["type": .string("text"), "text": .string("")], tool: nil, into: &out) }
        closeBlock(into: &out)
        let counts = UsageEstimate.resolve(usageEstimate, input: inputTokens, output: outputTokens, answer: answer.text + answer.toolArguments)
        var usage: [String: JSONValue] = ["output_tokens": .int(counts.output)]
        if inputTokens != nil || usageEstimate != nil { usage["input_tokens"] = .int(counts.input) }
        Self.emit("message_delta", .object([
            "type": .string("message_delta"),
            "delta": .object([
                "stop_reason": .string(StopReasonMapping.stopReason(fromFinishReason: finishReason ?? "stop")),
                "stop_sequence": .null,
            ]),
            "usage": .object(usage),
        ]), into: &out)
        Self.emit("message_stop", .object(["type": .string("message_stop")]), into: &out)
        ended = true
    }

    private static func emit(_ name: String, _ data: JSONValue, into out: inout [UInt8]) {
        SSEEvent.write(name: name, data: data.jsonBytes, into: &out)
    }
}
