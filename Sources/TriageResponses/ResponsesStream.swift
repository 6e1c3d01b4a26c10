import Foundation
import TriageAnthropic
import TriageJSON
import TriageSSE

/// Translates a chat completion chunk stream (from an OpenAI-compatible backend, or from an
/// Anthropic backend through ``AnthropicToOpenAIStream``) into a Responses API event stream,
/// incrementally. Every event has an `event:` line and a `sequence_number`.
///
/// | Chat chunks | Responses events |
/// |---|---|
/// | first chunk | `response.created`, `response.in_progress` |
/// | first content piece | `response.output_item.added` (message), `response.content_part.added` |
/// | each content piece | `response.output_text.delta` |
/// | first piece of a tool call | `response.output_item.added` (function_call) |
/// | each `arguments` piece | `response.function_call_arguments.delta` |
/// | next item, or the end | `response.output_text.done`, `response.content_part.done` / `response.function_call_arguments.done`, then `response.output_item.done` |
/// | `[DONE]` (after the usage chunk) | `response.completed` (`response.incomplete` when `finish_reason` was `length`) with the whole response and usage (reported, else ``usageEstimate``) |
/// | `{"error": ...}` | `error`, and the stream ends |
public struct ResponsesStream: StreamTranslator {
    private enum Item {
        case message(index: Int, text: String)
        case call(index: Int, tool: Int, callID: String, name: String, arguments: String)
    }

    private var upstream: AnthropicToOpenAIStream?
    private var parser = SSEParser()
    private let request: [String: JSONValue]
    private let id: String
    private let created = Int(Date().timeIntervalSince1970)
    private var sequence = 0
    private var started = false
    private var ended = false
    private var output: [JSONValue] = []
    private var openItem: Item?
    private var arguments = ""

    public private(set) var text = ""
    public private(set) var finishReason: String?
    /// Prompt tokens as the backend reported them (an Anthropic backend's own counts, not the
    /// zeros of the intermediate usage chunk when it reported none).
    public var inputTokens: Int? { upstream.map(\.inputTokens) ?? chatInputTokens }
    /// Completion tokens as the backend reported them.
    public var outputTokens: Int? { upstream.map(\.outputTokens) ?? chatOutputTokens }
    private var chatInputTokens: Int?
    private var chatOutputTokens: Int?
    /// Counts for `response.completed` when the backend reports none.
    public var usageEstimate: UsageEstimate?

    /// - Parameters:
    ///   - request: the client's Responses request body, echoed in the `response` objects.
    ///   - id: the response id's suffix (`resp_<id>`), e.g. the request id.
    ///   - fromAnthropic: the backend streams Anthropic Messages events rather than chat chunks.
    public init(request: [String: JSONValue], id: String, fromAnthropic: Bool) {
        self.request = request
        self.id = id
        upstream = fromAnthropic ? AnthropicToOpenAIStream(model: request["model"]?.stringValue ?? "", id: id, includeUsage: true) : nil
    }

    public mutating func feed(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        for event in parser.feed(chatBytes(bytes, end: false)) { handle(event, into: &out) }
        return out
    }

    public mutating func finish() -> [UInt8] {
        var out: [UInt8] = []
        for event in parser.feed(chatBytes([], end: true)) + parser.finish() { handle(event, into: &out) }
        complete(into: &out)
        return out
    }

    public mutating func fail(status: Int, message: String) -> [UInt8] {
        guard !ended else { return [] }
        var out: [UInt8] = []
        failure(code: status >= 500 ? "server_error" : "invalid_request", message: message, into: &out)
        return out
    }

    private mutating func chatBytes(_ bytes: [UInt8], end: Bool) -> [UInt8] {
        guard var stream = upstream else { return bytes }
        let out = end ? stream.finish() : stream.feed(bytes)
        upstream = stream
        return out
    }

    // MARK: Events

    private mutating func handle(_ event: SSEEvent, into out: inout [UInt8]) {
        guard !ended else { return }
        if event.data.trimmingCharacters(in: .whitespaces) == "[DONE]" {
            complete(into: &out)
            return
        }
        guard let chunk = JSONValue.parse(event.data), chunk.objectValue != nil else { return }
        if let error = chunk["error"], !error.isNull {
            failure(code: error["type"]?.stringValue ?? "server_error",
                    message: error["message"]?.stringValue ?? "the backend reported an error mid-stream", into: &out)
            return
        }
        start(into: &out)
        if let usage = chunk["usage"], usage.objectValue != nil {
            if let prompt = usage["prompt_tokens"]?.intValue { chatInputTokens = prompt }
            if let completion = usage["completion_tokens"]?.intValue { chatOutputTokens = completion }
        }
        guard let choice = chunk["choices"]?.arrayValue?.first else { return }
        if let piece = choice["delta"]?["content"]?.stringValue, !piece.isEmpty {
            if case .message(let index, let sofar)? = openItem {
                openItem = .message(index: index, text: sofar + piece)
            } else {
                closeItem(into: &out)
                openItem = .message(index: output.count, text: piece)
                emit("response.output_item.added", ["output_index": .int(output.count),
                     "item": ResponsesTranslator.messageItem(id: itemID, text: "", status: "in_progress")], into: &out)
                emit("response.content_part.added", ["item_id": .string(itemID), "output_index": .int(output.count),
                     "content_index": .int(0), "part": ResponsesTranslator.outputText("")], into: &out)
            }
            text += piece
            emit("response.output_text.delta", ["item_id": .string(itemID), "output_index": .int(output.count),
                 "content_index": .int(0), "delta": .string(piece)], into: &out)
        }
        for call in choice["delta"]?["tool_calls"]?.arrayValue ?? [] { toolDelta(call, into: &out) }
        if let reason = choice["finish_reason"]?.stringValue { finishReason = reason }
    }

    private mutating func toolDelta(_ call: JSONValue, into out: inout [UInt8]) {
        let tool = call["index"]?.intValue ?? 0
        var current: (callID: String, name: String, arguments: String)
        if case .call(_, let openTool, let callID, let name, let sofar)? = openItem, openTool == tool {
            current = (callID, name, sofar)
        } else {
            closeItem(into: &out)
            current = (call["id"]?.stringValue ?? "call_\(id)_\(tool)", call["function"]?["name"]?.stringValue ?? "", "")
            openItem = .call(index: output.count, tool: tool, callID: current.callID, name: current.name, arguments: "")
            emit("response.output_item.added", ["output_index": .int(output.count), "item": ResponsesTranslator.functionCallItem(
                id: itemID, callID: current.callID, name: current.name, arguments: "", status: "in_progress")], into: &out)
        }
        if let piece = call["function"]?["arguments"]?.stringValue, !piece.isEmpty {
            current.arguments += piece
            arguments += piece
            emit("response.function_call_arguments.delta", ["item_id": .string(itemID), "output_index": .int(output.count),
                 "delta": .string(piece)], into: &out)
        }
        openItem = .call(index: output.count, tool: tool, callID: current.callID, name: current.name, arguments: current.arguments)
    }

    /// The id of the output item being written: `msg_<id>_<n>` or `fc_<id>_<n>`.
    private var itemID: String {
        if case .call? = openItem { return "fc_\(id)_\(output.count)" }
        return "msg_\(id)_\(output.count)"
    }

    private mutating func closeItem(into out: inout [UInt8]) {
        guard let item = openItem else { return }
        let done: JSONValue
        switch item {
        case .message(let index, let text):
            emit("response.output_text.done", ["item_id": .string(itemID), "output_index": .int(index), "content_index": .int(0),
                 "text": .string(text)], into: &out)
            emit("response.content_part.done", ["item_id": .string(itemID), "output_index": .int(index), "content_index": .int(0),
                 "part": ResponsesTranslator.outputText(text)], into: &out)
            done = ResponsesTranslator.messageItem(id: itemID, text: text, status: "completed")
        case .call(let index, _, let callID, let name, let arguments):
            emit("response.function_call_arguments.done", ["item_id": .string(itemID), "output_index": .int(index),
                 "arguments": .string(arguments)], into: &out)
            done = ResponsesTranslator.functionCallItem(id: itemID, callID: callID, name: name, arguments: arguments, status: "completed")
        }
        emit("response.output_item.done", ["output_index": .int(output.count), "item": done], into: &out)
        output.append(done)
        openItem = nil
    }

    private mutating func start(into out: inout [UInt8]) {
        guard !started else { return }
        started = true
        let response = ResponsesTranslator.response(id: id, request: request, status: "in_progress", output: [], usage: nil, created: created)
        emit("response.created", ["response": response], into: &out)
        emit("response.in_progress", ["response": response], into: &out)
    }

    private mutating func complete(into out: inout [UInt8]) {
        guard !ended else { return }
        start(into: &out)
        if output.isEmpty && openItem == nil { openItem = .message(index: 0, text: "") }
        closeItem(into: &out)
        let counts = UsageEstimate.resolve(usageEstimate, input: inputTokens, output: outputTokens, answer: text + arguments)
        let incomplete = finishReason == "length"
        let response = ResponsesTranslator.response(
            id: id, request: request, status: incomplete ? "incomplete" : "completed", output: output, usage: counts, created: created)
        emit(incomplete ? "response.incomplete" : "response.completed", ["response": response], into: &out)
        ended = true
    }

    private mutating func failure(code: String, message: String, into out: inout [UInt8]) {
        ended = true
        emit("error", ["code": .string(code), "message": .string(message), "param": .null,
                       "error": .object(["type": .string(code), "message": .string(message), "code": .string(code)])], into: &out)
    }

    private mutating func emit(_ type: String, _ members: [String: JSONValue], into out: inout [UInt8]) {
        var data = members
        data["type"] = .string(type)
        data["sequence_number"] = .int(sequence)
        sequence += 1
        SSEEvent.write(name: type, data: JSONValue.object(data).jsonBytes, into: &out)
    }
}
