import TriageJSON

/// Tool definitions, tool choice and tool calls between the two formats.
///
/// | OpenAI | Anthropic |
/// |---|---|
/// | `tools[i]` `{"type": "function", "function": {name, description, parameters}}` | `{name, description, input_schema}` |
/// | `tool_choice` `"auto"` / `"required"` / `"none"` / `{"type": "function", "function": {name}}` | `{"type": "auto"}` / `{"type": "any"}` / `{"type": "none"}` / `{"type": "tool", name}` |
/// | `parallel_tool_calls: false` | `tool_choice.disable_parallel_tool_use: true` |
/// | assistant `tool_calls[i]` `{id, function: {name, arguments}}` (arguments a JSON string) | `tool_use` block `{id, name, input}` (input an object) |
/// | role `tool` message `{tool_call_id, content}` | `tool_result` block `{tool_use_id, content}` in a user message |
extension AnthropicTranslator {
    // MARK: OpenAI -> Anthropic

    /// OpenAI `tools` as Anthropic `tools`; only function tools have a counterpart.
    static func anthropicTools(fromOpenAI value: JSONValue) throws(TranslationError) -> JSONValue {
        guard let tools = value.arrayValue else { throw .invalid(field: "tools", message: "expected an array of tools") }
        var out: [JSONValue] = []
        for (index, tool) in tools.enumerated() {
            let field = "tools[\(index)]"
            guard tool["type"]?.stringValue == "function" else {
                throw .unsupported(field: "\(field).type", message: "only tools of type \"function\" have an Anthropic counterpart")
            }
            guard let function = tool["function"], let name = function["name"]?.stringValue else {
                throw .invalid(field: "\(field).function.name", message: "expected a string")
            }
            var member: [String: JSONValue] = ["name": .string(name)]
            if let description = function["description"]?.stringValue { member["description"] = .string(description) }
            switch function["parameters"] {
            case nil, .null?: member["input_schema"] = .object(["type": .string("object"), "properties": .object([:])])
            case .object(let schema)?: member["input_schema"] = .object(schema)
            default: throw .invalid(field: "\(field).function.parameters", message: "expected a JSON Schema object")
            }
            out.append(.object(member))
        }
        return .array(out)
    }

    /// OpenAI `tool_choice` (and `parallel_tool_calls`) as an Anthropic `tool_choice`; nil when neither is set.
    static func anthropicToolChoice(fromOpenAI choice: JSONValue?, parallel: Bool?) throws(TranslationError) -> JSONValue? {
        var out: [String: JSONValue]
        switch choice {
        case nil, .null?: out = ["type": .string("auto")]
        case .string("auto")?: out = ["type": .string("auto")]
        case .string("required")?: out = ["type": .string("any")]
        case .string("none")?: out = ["type": .string("none")]
        case .object(let members)?:
            guard members["type"]?.stringValue == "function", let name = members["function"]?["name"]?.stringValue else {
                throw .unsupported(field: "tool_choice", message: "only \"auto\", \"required\", \"none\" and {\"type\": \"function\", \"function\": {\"name\"}} have an Anthropic counterpart")
            }
            out = ["type": .string("tool"), "name": .string(name)]
        default:
            throw .invalid(field: "tool_choice", message: "expected \"auto\", \"required\", \"none\" or {\"type\": \"function\", \"function\": {\"name\"}}")
        }
        if parallel == false, out["type"]?.stringValue != "none" { out["disable_parallel_tool_use"] = .bool(true) }
        if choice == nil || choice == .null, parallel != false { return nil }
        return .object(out)
    }

    /// An assistant message's `tool_calls` as Anthropic `tool_use` blocks.
    static func toolUseBlocks(fromOpenAI value: JSONValue, field: String) throws(TranslationError) -> [JSONValue] {
        guard let calls = value.arrayValue else { throw .invalid(field: field, message: "expected an array of tool calls") }
        var blocks: [JSONValue] = []
        for (index, call) in calls.enumerated() {
            let callField = "\(field)[\(index)]"
            guard call["type"]?.stringValue ?? "function" == "function" else {
                throw .unsupported(field: "\(callField).type", message: "only tool calls of type \"function\" have an Anthropic counterpart")
            }
            guard let id = call["id"]?.stringValue else { throw .invalid(field: "\(callField).id", message: "expected a string") }
            guard let name = call["function"]?["name"]?.stringValue else {
                throw .invalid(field: "\(callField).function.name", message: "expected a string")
            }
            let input = try toolInput(call["function"]?["arguments"], field: "\(callField).function.arguments")
            blocks.append(.object(["type": .string("tool_use"), "id": .string(id), "name": .string(name), "input": input]))
        }
        return blocks
    }

    /// Tool-call `arguments` (a JSON text, `""` for none) as the object Anthropic wants in `input`.
    static func toolInput(_ arguments: JSONValue?, field: String) throws(TranslationError) -> JSONValue {
        switch arguments {
        case nil, .null?: return .object([:])
        case .object(let members)?: return .object(members)
        case .string(let text)?:
            if text.allSatisfy(\.isWhitespace) { return .object([:]) }
            guard let parsed = try? JSONParser.parse(Array(text.utf8)), parsed.objectValue != nil else {
                throw .invalid(field: field, message: "expected a JSON object encoded as a string, as Anthropic tool input must be an object")
            }
            return parsed
        default:
            throw .invalid(field: field, message: "expected a JSON object encoded as a string")
        }
    }

    /// A role `tool` message as an Anthropic `tool_result` block.
    static func toolResultBlock(fromOpenAI message: JSONValue, field: String) throws(TranslationError) -> JSONValue {
        guard let id = message["tool_call_id"]?.stringValue else {
            throw .invalid(field: "\(field).tool_call_id", message: "expected a string: the id of the tool call this answers")
        }
        let texts = try openAITexts(message["content"], field: "\(field).content")
        return .object([
            "type": .string("tool_result"), "tool_use_id": .string(id), "content": .string(texts.joined(separator: "\n")),
        ])
    }

    // MARK: Anthropic -> OpenAI

    /// Anthropic `tools` as OpenAI function tools; Anthropic's server tools (web search, bash,
    /// code execution, ...) have no counterpart.
    static func openAITools(fromAnthropic value: JSONValue) throws(TranslationError) -> JSONValue {
        guard let tools = value.arrayValue else { throw .invalid(field: "tools", message: "expected an array of tools") }
        var out: [JSONValue] = []
        for (index, tool) in tools.enumerated() {
            let field = "tools[\(index)]"
            if let type = tool["type"]?.stringValue, type != "custom" {
                throw .unsupported(field: "\(field).type", message: "Anthropic server tools (\"\(type)\") run on Anthropic's side and have no OpenAI counterpart; only client tools with an input_schema translate")
            }
            guard let name = tool["name"]?.stringValue else { throw .invalid(field: "\(field).name", message: "expected a string") }
            var function: [String: JSONValue] = ["name": .string(name)]
            if let description = tool["description"]?.stringValue { function["description"] = .string(description) }
            guard let schema = tool["input_schema"], schema.objectValue != nil else {
                throw .invalid(field: "\(field).input_schema", message: "expected a JSON Schema object")
            }
            function["parameters"] = schema
            out.append(.object(["type": .string("function"), "function": .object(function)]))
        }
        return .array(out)
    }

    /// Anthropic `tool_choice` as OpenAI `tool_choice` and `parallel_tool_calls` members.
    static func openAIToolChoice(fromAnthropic value: JSONValue) throws(TranslationError) -> [String: JSONValue] {
        var out: [String: JSONValue] = [:]
        switch value["type"]?.stringValue {
        case "auto"?: out["tool_choice"] = .string("auto")
        case "any"?: out["tool_choice"] = .string("required")
        case "none"?: out["tool_choice"] = .string("none")
        case "tool"?:
            guard let name = value["name"]?.stringValue else { throw .invalid(field: "tool_choice.name", message: "expected a string") }
            out["tool_choice"] = .object(["type": .string("function"), "function": .object(["name": .string(name)])])
        default:
            throw .invalid(field: "tool_choice.type", message: "expected \"auto\", \"any\", \"tool\" or \"none\"")
        }
        if value["disable_parallel_tool_use"] == .bool(true) { out["parallel_tool_calls"] = .bool(false) }
        return out
    }

    /// An Anthropic `tool_use` block as an OpenAI tool call.
    static func toolCall(fromAnthropic block: JSONValue, field: String) throws(TranslationError) -> JSONValue {
        guard let id = block["id"]?.stringValue else { throw .invalid(field: "\(field).id", message: "expected a string") }
        guard let name = block["name"]?.stringValue else { throw .invalid(field: "\(field).name", message: "expected a string") }
        let input = block["input"] ?? .object([:])
        return .object([
            "id": .string(id), "type": .string("function"),
            "function": .object(["name": .string(name), "arguments": .string(String(decoding: input.jsonBytes, as: UTF8.self))]),
        ])
    }

    /// An Anthropic `tool_result` block as an OpenAI role `tool` message. OpenAI tool messages
    /// hold text only; an error result (`is_error`) is marked in its text.
    static func toolMessage(fromAnthropic block: JSONValue, field: String) throws(TranslationError) -> JSONValue {
        guard let id = block["tool_use_id"]?.stringValue else {
            throw .invalid(field: "\(field).tool_use_id", message: "expected a string")
        }
        var text: String
        switch block["content"] {
        case nil, .null?: text = ""
        default:
            do {
                text = try anthropicTexts(block["content"], field: "\(field).content").joined(separator: "\n")
            } catch TranslationError.unsupported(let inner, _) {
                throw .unsupported(field: inner, message: "OpenAI tool messages hold text only; images and documents in a tool_result have no counterpart")
            }
        }
        if block["is_error"] == .bool(true) { text = "Error: " + text }
        return .object(["role": .string("tool"), "tool_call_id": .string(id), "content": .string(text)])
    }
}
