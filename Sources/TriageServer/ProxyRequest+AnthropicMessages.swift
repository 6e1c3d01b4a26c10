import TriageJSON

extension ProxyRequest {
    /// Parses and checks an Anthropic Messages body (`POST /v1/messages`), throwing a 400 that
    /// says what is wrong. Tool and image blocks are accepted here: they pass through to
    /// Anthropic backends untouched, and only a translation to another format refuses them.
    init(anthropicMessages bytes: [UInt8]) throws(APIError) {
        let (body, span) = try Self.jsonObject(bytes, expected: "'model', 'max_tokens' and 'messages'")
        let model = try Self.model(in: body)
        guard let maxTokens = body["max_tokens"] else {
            throw .invalidRequest("max_tokens: Field required", code: .missingRequiredParameter, param: "max_tokens")
        }
        guard case .number(let value) = maxTokens, value >= 1, value.rounded() == value else {
            throw .invalidRequest("max_tokens: Input should be a valid integer greater than 0", code: .invalidType, param: "max_tokens")
        }
        guard case .array(let messages)? = body["messages"] else {
            throw .invalidRequest(
                body["messages"] == nil ? "messages: Field required" : "messages: Input should be a valid list",
                code: body["messages"] == nil ? .missingRequiredParameter : .invalidType, param: "messages"
            )
        }
        guard !messages.isEmpty else {
            throw .invalidRequest("messages: at least one message is required", code: .emptyArray, param: "messages")
        }
        var texts: [String] = []
        var logMessages: [JSONValue] = []
        switch body["system"] {
        case nil, .null?:
            break
        case .string(let system)?:
            texts.append(system)
            logMessages.append(.object(["role": .string("system"), "content": .string(system)]))
        case .array(let blocks)?:
            let system = Self.blockText(blocks)
            texts.append(system)
            logMessages.append(.object(["role": .string("system"), "content": .string(system)]))
        default:
            throw .invalidRequest("system: Input should be a valid string or a list of text blocks", code: .invalidType, param: "system")
        }
        var lastUser = ""
        for (index, message) in messages.enumerated() {
            guard case .object(let members) = message else {
                throw .invalidRequest("messages.\(index): Input should be a valid dictionary", code: .invalidType, param: "messages[\(index)]")
            }
            guard case .string(let role)? = members["role"], role == "user" || role == "assistant" else {
                throw .invalidRequest(
                    "messages.\(index).role: Input should be 'user' or 'assistant'",
                    code: .invalidType, param: "messages[\(index)].role"
                )
            }
            let text: String
            switch members["content"] {
            case .string(let content)?: text = content
            case .array(let blocks)?: text = Self.blockText(blocks)
            default:
                throw .invalidRequest(
                    "messages.\(index).content: Input should be a valid string or a list of content blocks",
                    code: .invalidType, param: "messages[\(index)].content"
                )
            }
            texts.append(text)
            logMessages.append(.object(["role": .string(role), "content": .string(text)]))
            if role == "user" { lastUser = text }
        }
        self.init(
            api: .anthropicMessages, body: body, model: model, messages: .array(logMessages), messageTexts: texts,
            lastUserMessage: lastUser, stream: try Self.stream(in: body)
        )
        rawBody = bytes
        modelSpan = span
    }

    /// The text of Anthropic content blocks: their `text` members, joined.
    private static func blockText(_ blocks: [JSONValue]) -> String {
        blocks.compactMap { $0["text"]?.stringValue }.joined(separator: "\n")
    }
}
