import TriageAnthropic
import TriageJSON

/// Translation of OpenAI Responses API requests (`POST /v1/responses`) into Chat Completions
/// requests, for backends that do not speak the Responses API, and of their answers back
/// (``responsesAnswer(fromChat:request:id:)``, ``ResponsesStream``).
///
/// | Responses | Chat Completions |
/// |---|---|
/// | `instructions` | a first `system` message |
/// | `input` string | one `user` message |
/// | `input` message items (`input_text`, `output_text`, `input_image` parts) | messages with text and `image_url` parts |
/// | `function_call` items | an assistant message's `tool_calls` (consecutive calls merged) |
/// | `function_call_output` items | role `tool` messages |
/// | `max_output_tokens`, `temperature`, `top_p`, `user`, `parallel_tool_calls` | `max_tokens`, `temperature`, `top_p`, `user`, `parallel_tool_calls` |
/// | function `tools` `{type, name, description, parameters}`, `tool_choice` | `tools` `{type, function: {...}}`, `tool_choice` |
/// | `text.format` `json_schema` / `json_object` | `response_format` |
///
/// `previous_response_id`, `conversation`, `background: true`, built-in tools (web search, file
/// search, computer use, ...) and `item_reference` / `reasoning` items have no counterpart:
/// Triage keeps no conversation state. `store`, `metadata`, `include`, `reasoning`,
/// `truncation` and `service_tier` are dropped.
public enum ResponsesTranslator {
    /// The Chat Completions body for a Responses request body.
    public static func chatRequest(fromResponses body: [String: JSONValue]) throws(TranslationError) -> [String: JSONValue] {
        if let previous = body["previous_response_id"], !previous.isNull {
            throw .unsupported(field: "previous_response_id", message: "Triage keeps no conversation state, so it can only be used with a backend that speaks the Responses API itself (responses: true); send the whole conversation in \"input\" instead")
        }
        if let conversation = body["conversation"], !conversation.isNull {
            throw .unsupported(field: "conversation", message: "Triage keeps no conversation state; send the whole conversation in \"input\" instead")
        }
        if body["background"] == .bool(true) {
            throw .unsupported(field: "background", message: "background responses need server-side state, which Triage does not keep")
        }
        var messages: [JSONValue] = []
        switch body["instructions"] {
        case nil, .null?: break
        case .string(let text)?: messages.append(message("system", .string(text)))
        default: throw .invalid(field: "instructions", message: "expected a string")
        }
        switch body["input"] {
        case .string(let text)?: messages.append(message("user", .string(text)))
        case .array(let items)?: messages += try chatMessages(fromItems: items)
        case nil: throw .invalid(field: "input", message: "is required: a string or an array of input items")
        default: throw .invalid(field: "input", message: "expected a string or an array of input items")
        }
        var out: [String: JSONValue] = ["messages": .array(messages)]
        if let model = body["model"] { out["model"] = model }
        for (from, to) in [("max_output_tokens", "max_tokens"), ("temperature", "temperature"), ("top_p", "top_p"),
                           ("user", "user"), ("parallel_tool_calls", "parallel_tool_calls")] {
            if let value = body[from], !value.isNull { out[to] = value }
        }
        if body["stream"] == .bool(true) {
            out["stream"] = .bool(true)
            out["stream_options"] = .object(["include_usage": .bool(true)])
        }
        if let tools = body["tools"], !tools.isNull { out["tools"] = try chatTools(tools) }
        if let choice = body["tool_choice"], !choice.isNull { out["tool_choice"] = try chatToolChoice(choice) }
        if let format = body["text"]?["format"], let type = format["type"]?.stringValue, type != "text" {
            out["response_format"] = try responseFormat(format, type: type)
        }
        return out
    }

    /// The texts of a Responses request for routing and token estimates: the instructions and
    /// every text of the input, and the last user text.
    public static func texts(of body: [String: JSONValue]) -> (all: [String], lastUser: String, log: [JSONValue]) {
        var all: [String] = []
        var log: [JSONValue] = []
        var lastUser = ""
        if let instructions = body["instructions"]?.stringValue {
            all.append(instructions)
            log.append(message("system", .string(instructions)))
        }
        switch body["input"] {
        case .string(let text)?:
            all.append(text)
            lastUser = text
            log.append(message("user", .string(text)))
        case .array(let items)?:
            for item in items {
                let text: String
                switch item["content"] {
                case .string(let content)?: text = content
                case .array(let parts)?: text = parts.compactMap { $0["text"]?.stringValue }.joined(separator: "\n")
                default: text = item["output"]?.stringValue ?? item["arguments"]?.stringValue ?? ""
                }
                let role = item["role"]?.stringValue ?? (item["type"]?.stringValue == "function_call_output" ? "tool" : "assistant")
                all.append(text)
                log.append(message(role, .string(text)))
                if role == "user" { lastUser = text }
            }
        default:
            break
        }
        return (all, lastUser, log)
    }

    // MARK: Pieces

    static func message(_ role: String, _ content: JSONValue) -> JSONValue {
        .object(["role": .string(role), "content": content])
    }

    /// Input items as chat messages.
    static func chatMessages(fromItems items: [JSONValue]) throws(TranslationError) -> [JSONValue] {
        var messages: [JSONValue] = []
        for (index, item) in items.enumerated() {
            let field = "input[\(index)]"
            guard item.objectValue != nil else { throw .invalid(field: field, message: "expected an input item object") }
            switch item["type"]?.stringValue ?? "message" {
            case "message":
                guard let role = item["role"]?.stringValue, ["user", "assistant", "system", "developer"].contains(role) else {
                    throw .invalid(field: "\(field).role", message: "expected \"user\", \"assistant\", \"system\" or \"developer\"")
                }
                messages.append(message(role, try chatContent(item["content"], field: "\(field).content")))
            case "function_call":
                guard let id = item["call_id"]?.stringValue, let name = item["name"]?.stringValue else {
                    throw .invalid(field: field, message: "a function_call item needs \"call_id\" and \"name\" strings")
                }
                let call: JSONValue = .object([
                    "id": .string(id), "type": .string("function"),
                    "function": .object(["name": .string(name), "arguments": item["arguments"] ?? .string("{}")]),
                ])
                if case .object(var last)? = messages.last, last["role"] == .string("assistant"), let calls = last["tool_calls"]?.arrayValue {
                    last["tool_calls"] = .array(calls + [call])
                    messages[messages.count - 1] = .object(last)
                } else {
                    messages.append(.object(["role": .string("assistant"), "content": .null, "tool_calls": .array([call])]))
                }
            case "function_call_output":
                guard let id = item["call_id"]?.stringValue else { throw .invalid(field: "\(field).call_id", message: "expected a string") }
                let output: JSONValue
                switch item["output"] {
                case .string(let text)?: output = .string(text)
                case .array(let parts)?: output = try chatContent(.array(parts), field: "\(field).output")
                default: throw .invalid(field: "\(field).output", message: "expected a string")
                }
                messages.append(.object(["role": .string("tool"), "tool_call_id": .string(id), "content": output]))
            case let type:
                throw .unsupported(field: "\(field).type", message: "input items of type \"\(type)\" have no chat completions counterpart (Triage keeps no stored items); message, function_call and function_call_output items translate")
            }
        }
        return messages
    }

    /// A message item's content (a string or input/output parts) as chat content.
    static func chatContent(_ content: JSONValue?, field: String) throws(TranslationError) -> JSONValue {
        switch content {
        case .string(let text)?: return .string(text)
        case .array(let parts)?:
            var out: [JSONValue] = []
            for (index, part) in parts.enumerated() {
                let partField = "\(field)[\(index)]"
                switch part["type"]?.stringValue {
                case "input_text"?, "output_text"?, "text"?:
                    guard let text = part["text"]?.stringValue else { throw .invalid(field: "\(partField).text", message: "expected a string") }
                    out.append(.object(["type": .string("text"), "text": .string(text)]))
                case "refusal"?:
                    out.append(.object(["type": .string("text"), "text": part["refusal"] ?? .string("")]))
                case "input_image"?:
                    guard let url = part["image_url"]?.stringValue else {
                        throw .unsupported(field: "\(partField).image_url", message: "only images given by image_url (a data or http(s) URL) translate; file ids need OpenAI's file storage")
                    }
                    var image: [String: JSONValue] = ["url": .string(url)]
                    if let detail = part["detail"], !detail.isNull { image["detail"] = detail }
                    out.append(.object(["type": .string("image_url"), "image_url": .object(image)]))
                default:
                    throw .unsupported(field: "\(partField).type", message: "only input_text, output_text and input_image parts translate to chat completions")
                }
            }
            return .array(out)
        default:
            throw .invalid(field: field, message: "expected a string or an array of content parts")
        }
    }

    /// Responses function tools as chat tools; built-in tools have no counterpart.
    static func chatTools(_ value: JSONValue) throws(TranslationError) -> JSONValue {
        guard let tools = value.arrayValue else { throw .invalid(field: "tools", message: "expected an array of tools") }
        var out: [JSONValue] = []
        for (index, tool) in tools.enumerated() {
            guard tool["type"]?.stringValue == "function" else {
                throw .unsupported(field: "tools[\(index)].type", message: "built-in tools (\"\(tool["type"]?.stringValue ?? "?")\") run inside OpenAI's Responses API; only function tools translate to chat completions")
            }
            guard let name = tool["name"]?.stringValue else { throw .invalid(field: "tools[\(index)].name", message: "expected a string") }
            var function: [String: JSONValue] = ["name": .string(name)]
            for key in ["description", "parameters", "strict"] { if let value = tool[key], !value.isNull { function[key] = value } }
            out.append(.object(["type": .string("function"), "function": .object(function)]))
        }
        return .array(out)
    }

    static func chatToolChoice(_ value: JSONValue) throws(TranslationError) -> JSONValue {
        if case .string(let mode) = value, ["auto", "required", "none"].contains(mode) { return value }
        guard value["type"]?.stringValue == "function", let name = value["name"]?.stringValue else {
            throw .unsupported(field: "tool_choice", message: "only \"auto\", \"required\", \"none\" and {\"type\": \"function\", \"name\"} translate")
        }
        return .object(["type": .string("function"), "function": .object(["name": .string(name)])])
    }

    static func responseFormat(_ format: JSONValue, type: String) throws(TranslationError) -> JSONValue {
        switch type {
        case "json_object": return .object(["type": .string("json_object")])
        case "json_schema":
            var schema: [String: JSONValue] = [:]
            for key in ["name", "schema", "strict", "description"] { if let value = format[key], !value.isNull { schema[key] = value } }
            return .object(["type": .string("json_schema"), "json_schema": .object(schema)])
        default:
            throw .unsupported(field: "text.format.type", message: "expected \"text\", \"json_object\" or \"json_schema\"")
        }
    }
}
