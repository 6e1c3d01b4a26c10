import Foundation
import TriageJSON
import TriageSSE

/// Translates an Anthropic Messages event stream into an OpenAI `chat.completion.chunk` stream,
/// incrementally: feed upstream bytes as they arrive (split anywhere, even mid-line or
/// mid-UTF-8) and relay the returned bytes to the client at once.
///
/// | Anthropic event | OpenAI output |
/// |---|---|
/// | `message_start` | a chunk with `delta: {"role": "assistant", "content": ""}`; input tokens noted |
/// | `content_block_start` (text) | its text, if any, as a content chunk |
/// | `content_block_delta` with `text_delta` | a chunk with `delta: {"content": text}` |
/// | `content_block_start` (tool_use) | a chunk with `delta.tool_calls[k]` `{id, type, function: {name, arguments: ""}}` (k counts tool blocks from 0) |
/// | `content_block_delta` with `input_json_delta` | a chunk with `delta.tool_calls[k].function.arguments` = the partial JSON |
/// | `message_delta` | a chunk with `delta: {}` and the mapped `finish_reason`; usage noted |
/// | `message_stop` | (a usage chunk when `includeUsage`: reported counts, else ``usageEstimate``), then `data: [DONE]` |
/// | `error` | `data: {"error": {"message", "type", "code": null}}`, and the stream ends |
/// | `ping`, `content_block_stop`, thinking/other deltas, unknown events | nothing |
public struct AnthropicToOpenAIStream: StreamAnswerKeeping, SSEEventTranslator {
    private let model: String
    private let id: String
    private let created: Int
    private let includeUsage: Bool
    var parser = SSEParser()
    private var sentRole = false
    private var sentFinish = false
    var ended = false
    /// The answer so far, for the routing log.
    public private(set) var answer = StreamAnswer()
    /// OpenAI tool-call index of each Anthropic tool_use block index.
    private var toolIndexByBlock: [Int: Int] = [:]
    /// Counts for the final usage chunk when the backend reports none.
    public var usageEstimate: UsageEstimate?

    /// True once the translated stream has ended (`[DONE]` or an error event was produced);
    /// later input is ignored.
    public var isFinished: Bool { ended }

    /// - Parameters:
    ///   - model: the model name the client sees in every chunk.
    ///   - id: the completion id of every chunk, e.g. `chatcmpl-<request id>`.
    ///   - includeUsage: send a last chunk with empty `choices` and `usage` before `[DONE]`, as
    ///     OpenAI does when the request has `stream_options.include_usage`.
    ///   - created: the `created` timestamp of every chunk (Unix seconds; default now).
    public init(model: String, id: String, includeUsage: Bool = false, created: Int = Int(Date().timeIntervalSince1970)) {
        self.model = model
        self.id = id
        self.includeUsage = includeUsage
        self.created = created
    }

    /// Consumes upstream bytes; returns the translated chunks to relay now (possibly none).
    public mutating func feed(_ bytes: [UInt8]) -> [UInt8] { translate(bytes) }

    /// Ends the stream: translates what the upstream left unterminated, then, unless the stream
    /// already ended, closes it cleanly with a finish chunk (`finish_reason` as reported, else
    /// `stop`) and `data: [DONE]`. The proxy decides whether a truncated upstream instead
    /// deserves ``fail(status:message:)``.
    public mutating func finish() -> [UInt8] { translateEnd() }

    /// Ends the stream with an OpenAI error event (`data: {"error": {...}}`), e.g. when the
    /// upstream connection fails mid-stream; returns nothing if the stream already ended.
    public mutating func fail(status: Int, message: String) -> [UInt8] {
        failOnce { out in
            Self.emit(.object(["error": .object([
                "message": .string(message),
                "type": .string(AnthropicTranslator.anthropicErrorType(status: status)),
                "code": .null,
            ])]), into: &out)
        }
    }

    // MARK: Events

    mutating func handle(_ event: SSEEvent, into out: inout [UInt8]) {
        guard !ended else { return }
        guard let data = JSONValue.parse(event.data) else { return }
        let type = data["type"]?.stringValue ?? event.name
        switch type {
        case "message_start":
            if let usage = data["message"]?["usage"] {
                if let input = AnthropicTranslator.anthropicInputTokens(usage) { answer.inputTokens = input }
                if let output = usage["output_tokens"]?.intValue { answer.outputTokens = output }
            }
            sendRole(into: &out)
        case "content_block_start":
            let block = data["content_block"]
            if block?["type"]?.stringValue == "text", let piece = block?["text"]?.stringValue, !piece.isEmpty {
                sendText(piece, into: &out)
            } else if block?["type"]?.stringValue == "tool_use", let index = data["index"]?.intValue {
                let tool = toolIndexByBlock.count
                toolIndexByBlock[index] = tool
                sendToolDelta([
                    "index": .int(tool), "id": .string(block?["id"]?.stringValue ?? "call_\(id)_\(tool)"), "type": .string("function"),
                    "function": .object(["name": block?["name"] ?? .string(""), "arguments": .string("")]),
                ], into: &out)
            }
        case "content_block_delta":
            if data["delta"]?["type"]?.stringValue == "text_delta", let piece = data["delta"]?["text"]?.stringValue {
                sendText(piece, into: &out)
            } else if data["delta"]?["type"]?.stringValue == "input_json_delta",
                      let tool = data["index"]?.intValue.flatMap({ toolIndexByBlock[$0] }),
                      let piece = data["delta"]?["partial_json"]?.stringValue, !piece.isEmpty {
                answer.toolArguments += piece
                sendToolDelta(["index": .int(tool), "function": .object(["arguments": .string(piece)])], into: &out)
            }
        case "message_delta":
            if let usage = data["usage"] {
                if let input = AnthropicTranslator.anthropicInputTokens(usage) { answer.inputTokens = input }
                if let output = usage["output_tokens"]?.intValue { answer.outputTokens = output }
            }
            if let stop = data["delta"]?["stop_reason"]?.stringValue {
                answer.finishReason = StopReasonMapping.finishReason(fromStopReason: stop)
                sendFinish(into: &out)
            }
        case "message_stop":
            end(into: &out)
        case "error":
            let message = AnthropicTranslator.openAIErrorMessage(fromAnthropic: data) ?? "the Anthropic backend reported an error mid-stream"
            let kind = AnthropicTranslator.anthropicErrorType(fromAnthropic: data) ?? "api_error"
            ended = true
            Self.emit(.object(["error": .object(["message": .string(message), "type": .string(kind), "code": .null])]), into: &out)
        default:
            break  // ping, content_block_stop and unknown events carry nothing for OpenAI clients
        }
    }

    // MARK: Output

    private mutating func sendRole(into out: inout [UInt8]) {
        guard !sentRole else { return }
        sentRole = true
        emitChunk(delta: ["role": .string("assistant"), "content": .string("")], finishReason: .null, into: &out)
    }

    private mutating func sendText(_ piece: String, into out: inout [UInt8]) {
        sendRole(into: &out)
        answer.text += piece
        emitChunk(delta: ["content": .string(piece)], finishReason: .null, into: &out)
    }

    private mutating func sendToolDelta(_ call: [String: JSONValue], into out: inout [UInt8]) {
        sendRole(into: &out)
        emitChunk(delta: ["tool_calls": .array([.object(call)])], finishReason: .null, into: &out)
    }

    private mutating func sendFinish(into out: inout [UInt8]) {
        guard !sentFinish else { return }
        sendRole(into: &out)
        sentFinish = true
        emitChunk(delta: [:], finishReason: .string(finishReason ?? "stop"), into: &out)
    }

    mutating func end(into out: inout [UInt8]) {
        guard !ended else { return }
        sendFinish(into: &out)
        if includeUsage {
            let (input, output) = UsageEstimate.resolve(usageEstimate, input: inputTokens, output: outputTokens, answer: answer.text + answer.toolArguments)
            Self.emit(.object([
                "id": .string(id), "object": .string("chat.completion.chunk"), "created": .int(created),
                "model": .string(model), "choices": .array([]),
                "usage": .object([
                    "prompt_tokens": .int(input), "completion_tokens": .int(output), "total_tokens": .int(input + output),
                ]),
            ]), into: &out)
        }
        SSEEvent.writeData("[DONE]".utf8, into: &out)
        ended = true
    }

    private func emitChunk(delta: [String: JSONValue], finishReason: JSONValue, into out: inout [UInt8]) {
        Self.emit(.object([
            "id": .string(id),
            "object": .string("chat.completion.chunk"),
            "created": .int(created),
            "model": .string(model),
            "choices": .array([.object([
                "index": .int(0),
                "delta": .object(delta),
                "logprobs": .null,
                "finish_reason": finishReason,
            ])]),
        ]), into: &out)
    }

    private static func emit(_ value: JSONValue, into out: inout [UInt8]) {
        SSEEvent.writeData(value.jsonBytes, into: &out)
    }
}
