import TriageJSON

extension AnthropicTranslator {
    /// Translates an Anthropic Messages request body into an OpenAI Chat Completions request body.
    ///
    /// - `system` (a string or text blocks) becomes the first message, of role `system`;
    /// - each message keeps its role (`user` / `assistant`); string content stays a string, a
    ///   single text block becomes a string, several text blocks become an array of text parts;
    /// - `model`, `max_tokens`, `temperature`, `top_p`, `stream` are copied, `stop_sequences`
    ///   becomes `stop`, `metadata.user_id` becomes `user`; with `stream: true`,
    ///   `stream_options.include_usage` is requested so token counts reach the client;
    /// - `top_k`, `thinking`, `service_tier` and other Anthropic-only fields are dropped.
    ///
    /// - `tools`, `tool_choice`, `tool_use` and `tool_result` blocks and images translate as
    ///   described in ``AnthropicTranslator`` (+Tools, +Content).
    ///
    /// - Throws: ``TranslationError/unsupported(field:message:)`` for server tools, documents
    ///   and thinking blocks; ``TranslationError/invalid(field:message:)`` for a
    ///   malformed body or an unknown role.
    public static func openAIRequest(fromAnthropic body: [String: JSONValue]) throws(TranslationError) -> [String: JSONValue] {
        var out: [String: JSONValue] = [:]
        if let tools = body["tools"], !isEmptyOrNull(tools) { out["tools"] = try openAITools(fromAnthropic: tools) }
        if let choice = body["tool_choice"], !choice.isNull {
            out.merge(try openAIToolChoice(fromAnthropic: choice)) { _, new in new }
        }
        if let model = body["model"] {
            guard model.stringValue != nil else { throw .invalid(field: "model", message: "expected a string") }
            out["model"] = model
        }

        var messages: [JSONValue] = []
        if let system = body["system"], !system.isNull {
            let texts = try anthropicTexts(system, field: "system")
            if !texts.isEmpty {
                messages.append(.object(["role": .string("system"), "content": .string(texts.joined(separator: "\n\n"))]))
            }
        }
        guard let input = body["messages"]?.arrayValue else {
            throw .invalid(field: "messages", message: "is required: an array of {\"role\", \"content\"} messages")
        }
        for (index, message) in input.enumerated() {
            let field = "messages[\(index)]"
            guard message.objectValue != nil else {
                throw .invalid(field: field, message: "expected an object with \"role\" and \"content\"")
            }
            guard let role = message["role"]?.stringValue else {
                throw .invalid(field: "\(field).role", message: "expected \"user\" or \"assistant\"")
            }
            guard role == "user" || role == "assistant" else {
                throw .invalid(field: "\(field).role", message: "unknown role \"\(role)\": Anthropic messages have role \"user\" or \"assistant\" (the system prompt goes in the top-level \"system\")")
            }
            messages.append(contentsOf: try openAIMessages(fromAnthropic: message, role: role, field: field))
        }
        out["messages"] = .array(messages)

        if let maxTokens = try integer(body, "max_tokens") { out["max_tokens"] = .int(maxTokens) }
        if let temperature = try number(body, "temperature") { out["temperature"] = temperature }
        if let topP = try number(body, "top_p") { out["top_p"] = topP }
        switch body["stop_sequences"] {
        case nil, .null?: break
        case .array(let sequences)?:
            var stops: [JSONValue] = []
            for (index, sequence) in sequences.enumerated() {
                guard sequence.stringValue != nil else {
                    throw .invalid(field: "stop_sequences[\(index)]", message: "expected a string")
                }
                stops.append(sequence)
            }
            if !stops.isEmpty { out["stop"] = .array(stops) }
        default:
            throw .invalid(field: "stop_sequences", message: "expected an array of strings")
        }
        if let stream = try boolean(body, "stream") {
            out["stream"] = .bool(stream)
            if stream { out["stream_options"] = .object(["include_usage": .bool(true)]) }
        }
        switch body["metadata"] {
        case nil, .null?: break
        case .object(let metadata)?:
            switch metadata["user_id"] {
            case nil, .null?: break
            case .string(let user)?: out["user"] = .string(user)
            default: throw .invalid(field: "metadata.user_id", message: "expected a string")
            }
        default:
            throw .invalid(field: "metadata", message: "expected an object")
        }
        return out
    }

    /// Translates an OpenAI Chat Completions request body into an Anthropic Messages request body.
    ///
    /// - `system` and `developer` messages are joined (blank line between) into the top-level `system`;
    /// - `user` and `assistant` messages keep their text; consecutive messages of the same role
    ///   are merged into one message of several text blocks, as Anthropic requires alternation;
    /// - `max_tokens` comes from `max_completion_tokens`, else `max_tokens`, else
    ///   ``defaultMaxTokens``; `temperature`, `top_p`, `stream` are copied; `stop` (a string or a
    ///   list) becomes `stop_sequences`; `user` becomes `metadata.user_id`;
    /// - `model` is set to `model`, the backend's upstream model; other OpenAI-only fields
    ///   (`presence_penalty`, `seed`, `logprobs`, `stream_options`, ...) are dropped.
    ///
    /// - `tools`, `tool_choice`, `parallel_tool_calls`, assistant `tool_calls`, role `tool`
    ///   messages and `image_url` parts translate (see +Tools, +Content); role `tool` messages
    ///   become `tool_result` blocks of a user turn.
    ///
    /// - Throws: ``TranslationError/unsupported(field:message:)`` for legacy `functions` /
    ///   `function_call`, audio and file parts, `n` above 1 and a non-text `response_format`;
    ///   ``TranslationError/invalid(field:message:)`` for a malformed body or an unknown role.
    public static func anthropicRequest(fromOpenAI body: [String: JSONValue], model: String) throws(TranslationError) -> [String: JSONValue] {
        if let value = body["functions"], !isEmptyOrNull(value) { throw TranslationError.toolCalls("functions") }
        if let value = body["function_call"], !value.isNull, value.stringValue != "none" { throw TranslationError.toolCalls("function_call") }
        if let n = try integer(body, "n"), n != 1 {
            throw .unsupported(field: "n", message: "Anthropic returns one answer per request; send n = 1 (or leave it out)")
        }
        if let format = body["response_format"], !format.isNull, format["type"]?.stringValue != "text" {
            throw .unsupported(field: "response_format", message: "structured output (json_object / json_schema) cannot be translated to Anthropic; leave response_format out or use an OpenAI backend")
        }

        guard let input = body["messages"]?.arrayValue else {
            throw .invalid(field: "messages", message: "is required: an array of {\"role\", \"content\"} messages")
        }
        var system: [String] = []
        var turns: [(role: String, blocks: [JSONValue])] = []
        for (index, message) in input.enumerated() {
            let field = "messages[\(index)]"
            guard message.objectValue != nil else {
                throw .invalid(field: field, message: "expected an object with \"role\" and \"content\"")
            }
            guard let role = message["role"]?.stringValue else {
                throw .invalid(field: "\(field).role", message: "expected one of \"system\", \"developer\", \"user\", \"assistant\"")
            }
            switch role {
            case "system", "developer":
                system.append(try openAITexts(message["content"], field: "\(field).content").joined(separator: "\n"))
            case "user", "assistant", "tool":
                if let call = message["function_call"], !call.isNull { throw TranslationError.toolCalls("\(field).function_call") }
                var blocks: [JSONValue]
                switch role {
                case "user": blocks = try anthropicBlocks(fromOpenAI: message["content"], field: "\(field).content")
                case "tool": blocks = [try toolResultBlock(fromOpenAI: message, field: field)]
                default:
                    blocks = try openAITexts(message["content"], field: "\(field).content").filter { !$0.isEmpty }.map { textBlock($0) }
                    if let calls = message["tool_calls"], !isEmptyOrNull(calls) {
                        blocks += try toolUseBlocks(fromOpenAI: calls, field: "\(field).tool_calls")
                    }
                }
                let turnRole = role == "tool" ? "user" : role
                if let last = turns.last, last.role == turnRole {
                    turns[turns.count - 1].blocks.append(contentsOf: blocks)
                } else {
                    turns.append((turnRole, blocks))
                }
            case "function":
                throw TranslationError.toolCalls("\(field).role")
            default:
                throw .invalid(field: "\(field).role", message: "unknown role \"\(role)\": expected one of \"system\", \"developer\", \"user\", \"assistant\"")
            }
        }
        guard !turns.isEmpty else {
            throw .invalid(field: "messages", message: "needs at least one \"user\" or \"assistant\" message besides system messages")
        }

        var out: [String: JSONValue] = ["model": .string(model)]
        let systemText = system.filter { !$0.isEmpty }.joined(separator: "\n\n")
        if !systemText.isEmpty { out["system"] = .string(systemText) }
        out["messages"] = .array(turns.map { turn in
            let content: JSONValue = switch turn.blocks.count {
            case 0: .string("")
            case 1 where turn.blocks[0]["type"]?.stringValue == "text": turn.blocks[0]["text"] ?? .string("")
            default: .array(turn.blocks)
            }
            return .object(["role": .string(turn.role), "content": content])
        })

        let maxCompletionTokens = try integer(body, "max_completion_tokens")
        let maxTokens = try integer(body, "max_tokens")
        out["max_tokens"] = .int(maxCompletionTokens ?? maxTokens ?? defaultMaxTokens)
        if let temperature = try number(body, "temperature") { out["temperature"] = temperature }
        if let topP = try number(body, "top_p") { out["top_p"] = topP }
        switch body["stop"] {
        case nil, .null?: break
        case .string(let stop)?: out["stop_sequences"] = .array([.string(stop)])
        case .array(let stops)?:
            for (index, stop) in stops.enumerated() where stop.stringValue == nil {
                throw .invalid(field: "stop[\(index)]", message: "expected a string")
            }
            if !stops.isEmpty { out["stop_sequences"] = .array(stops) }
        default:
            throw .invalid(field: "stop", message: "expected a string or an array of strings")
        }
        if let stream = try boolean(body, "stream") { out["stream"] = .bool(stream) }
        if let tools = body["tools"], !isEmptyOrNull(tools) { out["tools"] = try anthropicTools(fromOpenAI: tools) }
        if let choice = try anthropicToolChoice(fromOpenAI: body["tool_choice"], parallel: try boolean(body, "parallel_tool_calls")),
           out["tools"] != nil {
            out["tool_choice"] = choice
        }
        switch body["user"] {
        case nil, .null?: break
        case .string(let user)?: out["metadata"] = .object(["user_id": .string(user)])
        default: throw .invalid(field: "user", message: "expected a string")
        }
        return out
    }

    /// True for `null`, `[]` and `{}`: a field that is present but asks for nothing.
    static func isEmptyOrNull(_ value: JSONValue) -> Bool {
        switch value {
        case .null: true
        case .array(let elements): elements.isEmpty
        case .object(let members): members.isEmpty
        default: false
        }
    }
}

extension AnthropicTranslator {
    /// One Anthropic message as OpenAI messages: `tool_result` blocks of a user message become
    /// role `tool` messages (first, in order), the rest a user message; an assistant message's
    /// `tool_use` blocks become its `tool_calls`.
    static func openAIMessages(fromAnthropic message: JSONValue, role: String, field: String) throws(TranslationError) -> [JSONValue] {
        guard case .array(let blocks)? = message["content"] else {
            let text = try anthropicTexts(message["content"], field: "\(field).content").joined()
            return [.object(["role": .string(role), "content": .string(text)])]
        }
        var out: [JSONValue] = []
        var rest: [JSONValue] = []
        var restIndices: [Int] = []
        var calls: [JSONValue] = []
        for (index, block) in blocks.enumerated() {
            let blockField = "\(field).content[\(index)]"
            switch (block["type"]?.stringValue, role) {
            case ("tool_result"?, "user"): out.append(try toolMessage(fromAnthropic: block, field: blockField))
            case ("tool_use"?, "assistant"): calls.append(try toolCall(fromAnthropic: block, field: blockField))
            case ("image"?, "assistant"):
                throw .unsupported(field: blockField, message: "OpenAI assistant messages cannot hold images")
            default:
                rest.append(block)
                restIndices.append(index)
            }
        }
        if role == "assistant" {
            var text = try openAIContent(fromAnthropic: rest, field: "\(field).content", indices: restIndices)
            if !calls.isEmpty, text == .string("") { text = .null }
            var member: [String: JSONValue] = ["role": .string(role), "content": text]
            if !calls.isEmpty { member["tool_calls"] = .array(calls) }
            out.append(.object(member))
        } else if !rest.isEmpty || out.isEmpty {
            out.append(.object(["role": .string(role), "content": try openAIContent(fromAnthropic: rest, field: "\(field).content", indices: restIndices)]))
        }
        return out
    }
}
