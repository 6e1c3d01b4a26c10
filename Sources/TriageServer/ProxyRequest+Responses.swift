import TriageJSON
import TriageResponses

extension ProxyRequest {
    /// Parses and checks an OpenAI Responses body (`POST /v1/responses`), throwing a 400 that
    /// says what is wrong. The routing prompt is the last user input (the whole `input` when it
    /// is a string); the instructions count towards the token estimate.
    init(responses bytes: [UInt8]) throws(APIError) {
        let (body, span) = try Self.jsonObject(bytes, expected: "'model' and 'input'")
        let model = try Self.model(in: body)
        switch body["input"] {
        case .string?, .array?: break
        case nil: throw .invalidRequest("Missing required parameter: 'input'.", code: .missingRequiredParameter, param: "input")
        default: throw .invalidRequest("Invalid type for 'input': expected a string or an array of input items.", code: .invalidType, param: "input")
        }
        if let instructions = body["instructions"], instructions.stringValue == nil, instructions != .null {
            throw .invalidRequest("Invalid type for 'instructions': expected a string.", code: .invalidType, param: "instructions")
        }
        let texts = ResponsesTranslator.texts(of: body)
        self.init(
            api: .openAIResponses, body: body, model: model, messages: .array(texts.log), messageTexts: texts.all,
            lastUserMessage: texts.lastUser, stream: try Self.stream(in: body)
        )
        rawBody = bytes
        modelSpan = span
    }

    /// Parses and checks an OpenAI embeddings body (`POST /v1/embeddings`): `input` is a string,
    /// an array of strings, or token arrays; `dimensions` an optional positive integer. The
    /// routing prompt is the inputs' text, joined.
    init(embeddings bytes: [UInt8]) throws(APIError) {
        let (body, span) = try Self.jsonObject(bytes, expected: "'model' and 'input'")
        let model = try Self.model(in: body)
        var texts: [String] = []
        switch body["input"] {
        case .string(let text)?: texts = [text]
        case .array(let items)? where !items.isEmpty:
            for (index, item) in items.enumerated() {
                switch item {
                case .string(let text): texts.append(text)
                case .number: texts.append("")  // one token id: nothing to route on
                case .array(let tokens) where tokens.allSatisfy({ if case .number = $0 { true } else { false } }): texts.append("")
                default:
                    throw .invalidRequest("Invalid type for 'input[\(index)]': expected a string or an array of token ids.", code: .invalidType, param: "input[\(index)]")
                }
            }
        case .array?: throw .invalidRequest("Invalid 'input': empty array.", code: .emptyArray, param: "input")
        case nil: throw .invalidRequest("Missing required parameter: 'input'.", code: .missingRequiredParameter, param: "input")
        default: throw .invalidRequest("Invalid type for 'input': expected a string or an array of strings.", code: .invalidType, param: "input")
        }
        switch body["dimensions"] {
        case nil, .null?: break
        case .number(let value)? where value >= 1 && value.rounded() == value: break
        default: throw .invalidRequest("Invalid 'dimensions': expected a positive integer.", code: .invalidType, param: "dimensions")
        }
        let log = texts.map { JSONValue.object(["role": .string("input"), "content": .string($0)]) }
        self.init(
            api: .openAIEmbeddings, body: body, model: model, messages: .array(log), messageTexts: texts,
            lastUserMessage: texts.joined(separator: "\n"), stream: false
        )
        rawBody = bytes
        modelSpan = span
    }
}
