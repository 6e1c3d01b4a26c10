import TriageJSON

extension ProxyRequest {
    /// Parses and checks a legacy text completions body (`POST /v1/completions`); routing
    /// looks at the prompt text.
    init(completions bytes: [UInt8]) throws(APIError) {
        let (body, span) = try Self.jsonObject(bytes, expected: "'model' and 'prompt'")
        let model = try Self.model(in: body)
        let prompt: String
        switch body["prompt"] {
        case nil:
            throw .invalidRequest("Missing required parameter: 'prompt'.", code: .missingRequiredParameter, param: "prompt")
        case .string(let text)?:
            prompt = text
        case .array(let items)? where items.allSatisfy({ $0.stringValue != nil }):
            prompt = items.compactMap(\.stringValue).joined(separator: "\n")
        default:
            throw .invalidRequest(
                "Invalid type for 'prompt': expected a string or an array of strings (token arrays are not supported).",
                code: .invalidType, param: "prompt"
            )
        }
        var includeUsage = false
        if case .bool(true)? = body["stream_options"]?["include_usage"] { includeUsage = true }
        self.init(
            api: .openAICompletions, body: body, model: model,
            messages: .array([.object(["role": .string("user"), "content": .string(prompt)])]),
            messageTexts: [prompt], lastUserMessage: prompt, stream: try Self.stream(in: body), includeUsage: includeUsage
        )
        rawBody = bytes
        modelSpan = span
    }
}
