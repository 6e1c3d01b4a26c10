import Foundation
import TriageAnthropic
import TriageJSON
import TriageSSE

extension ResponsesTranslator {
    /// A `response` object for a `chat.completion`: the message text as one `message` output
    /// item with an `output_text` part, each tool call as a `function_call` item; `status`
    /// `completed`, or `incomplete` (reason `max_output_tokens`) when the answer was cut;
    /// `usage` as `input_tokens` / `output_tokens`. Request parameters are echoed as OpenAI does.
    public static func responsesAnswer(fromChat chat: JSONValue, request: [String: JSONValue], id: String) throws(TranslationError) -> JSONValue {
        guard let choice = chat["choices"]?.arrayValue?.first, let message = choice["message"], message.objectValue != nil else {
            throw .invalid(field: "response.choices[0].message", message: "expected an OpenAI chat.completion with at least one choice")
        }
        var text = ""
        switch message["content"] {
        case .string(let content)?: text = content
        case .array(let parts)?: text = parts.compactMap { $0["text"]?.stringValue }.joined()
        default: break
        }
        var output: [JSONValue] = []
        if !text.isEmpty || message["tool_calls"]?.arrayValue?.isEmpty != false {
            output.append(messageItem(id: "msg_\(id)", text: text, status: "completed"))
        }
        for (index, call) in (message["tool_calls"]?.arrayValue ?? []).enumerated() {
            output.append(functionCallItem(
                id: "fc_\(id)_\(index)", callID: call["id"]?.stringValue ?? "call_\(id)_\(index)",
                name: call["function"]?["name"]?.stringValue ?? "", arguments: call["function"]?["arguments"]?.stringValue ?? "{}",
                status: "completed"))
        }
        let usage = chat["usage"].map { usage in
            (input: usage["prompt_tokens"]?.intValue ?? 0, output: usage["completion_tokens"]?.intValue ?? 0)
        }
        return response(
            id: id, request: request, status: choice["finish_reason"]?.stringValue == "length" ? "incomplete" : "completed",
            output: output, usage: usage)
    }

    /// A whole `response` object (the shape of `response.created` and `response.completed` too).
    static func response(
        id: String, request: [String: JSONValue], status: String, output: [JSONValue], usage: (input: Int, output: Int)?,
        created: Int = Int(Date().timeIntervalSince1970)
    ) -> JSONValue {
        var out: [String: JSONValue] = [
            "id": .string("resp_\(id)"), "object": .string("response"), "created_at": .int(created),
            "status": .string(status), "model": request["model"] ?? .string(""), "output": .array(output),
            "error": .null, "incomplete_details": status == "incomplete" ? .object(["reason": .string("max_output_tokens")]) : .null,
            "instructions": request["instructions"] ?? .null, "max_output_tokens": request["max_output_tokens"] ?? .null,
            "temperature": request["temperature"] ?? .null, "top_p": request["top_p"] ?? .null,
            "tools": request["tools"] ?? .array([]), "tool_choice": request["tool_choice"] ?? .string("auto"),
            "parallel_tool_calls": request["parallel_tool_calls"] ?? .bool(true), "previous_response_id": .null,
            "text": request["text"] ?? .object(["format": .object(["type": .string("text")])]),
            "metadata": request["metadata"] ?? .object([:]), "store": .bool(false), "usage": .null,
        ]
        if let usage {
            out["usage"] = .object([
                "input_tokens": .int(usage.input), "output_tokens": .int(usage.output), "total_tokens": .int(usage.input + usage.output),
                "input_tokens_details": .object(["cached_tokens": .int(0)]),
                "output_tokens_details": .object(["reasoning_tokens": .int(0)]),
            ])
        }
        return .object(out)
    }

    static func messageItem(id: String, text: String, status: String) -> JSONValue {
        .object([
            "type": .string("message"), "id": .string(id), "status": .string(status), "role": .string("assistant"),
            "content": status == "in_progress" ? .array([]) : .array([outputText(text)]),
        ])
    }

    static func outputText(_ text: String) -> JSONValue {
        .object(["type": .string("output_text"), "text": .string(text), "annotations": .array([])])
    }

    static func functionCallItem(id: String, callID: String, name: String, arguments: String, status: String) -> JSONValue {
        .object([
            "type": .string("function_call"), "id": .string(id), "call_id": .string(callID), "name": .string(name),
            "arguments": .string(arguments), "status": .string(status),
        ])
    }

    // MARK: What the routing log keeps

    /// Text, finish reason and usage of a `response` object (a backend's own Responses answer):
    /// `output_text` of every message item; finish `length` when incomplete, `tool_calls` when
    /// it holds function calls, else `stop`.
    public static func summary(ofResponse response: JSONValue) -> (text: String, finishReason: String?, input: Int?, output: Int?) {
        var text = ""
        var calls = false
        for item in response["output"]?.arrayValue ?? [] {
            if item["type"]?.stringValue == "function_call" { calls = true }
            guard item["type"]?.stringValue == "message" else { continue }
            for part in item["content"]?.arrayValue ?? [] where part["type"]?.stringValue == "output_text" {
                text += part["text"]?.stringValue ?? ""
            }
        }
        let status = response["status"]?.stringValue
        let finish: String? = status == "incomplete" ? "length" : calls ? "tool_calls" : status == nil ? nil : "stop"
        return (text, finish, response["usage"]?["input_tokens"]?.intValue, response["usage"]?["output_tokens"]?.intValue)
    }

    /// The same for the bytes of a Responses event stream: the `response` of its
    /// `response.completed` / `response.incomplete` event, else the text deltas seen.
    public static func summary(ofStream bytes: [UInt8]) -> (text: String, finishReason: String?, input: Int?, output: Int?) {
        var parser = SSEParser()
        var deltas = ""
        for event in parser.feed(bytes) + parser.finish() {
            guard let data = JSONValue.parse(event.data) else { continue }
            switch data["type"]?.stringValue {
            case "response.output_text.delta"?: deltas += data["delta"]?.stringValue ?? ""
            case "response.completed"?, "response.incomplete"?:
                if let response = data["response"] { return summary(ofResponse: response) }
            default: break
            }
        }
        return (deltas, nil, nil, nil)
    }
}
