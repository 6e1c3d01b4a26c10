import TriageLog

/// The first step of a request's life: the body parsed in the client's API, scanned for
/// sensitive data, and checked against the limits and the model list.
struct RequestIntake: Sendable {
    /// The request as the backends will get it (before masking).
    let chat: ProxyRequest
    /// The client's headers, by lowercased name (for rules, `forward_client_auth`).
    let headers: [String: String]

    /// Parses `bytes`; fills the request's fields of `record` (model, stream, messages, privacy).
    /// Throws the 400/404 the client gets.
    init(_ api: ClientAPI, bytes: [UInt8], headers: [String: String], active: ActiveRoutes, record: inout RoutingLogRecord) throws(APIError) {
        var chat: ProxyRequest
        switch api {
        case .openAIChat: chat = try ProxyRequest(openAIChat: bytes)
        case .anthropicMessages: chat = try ProxyRequest(anthropicMessages: bytes)
        case .openAICompletions: chat = try ProxyRequest(completions: bytes)
        case .openAIResponses: chat = try ProxyRequest(responses: bytes)
        case .openAIEmbeddings: chat = try ProxyRequest(embeddings: bytes)
        }
        RequestLifecycle.inspectPrivacy(&chat, active: active, record: &record)
        record.clientModel = chat.model
        record.stream = chat.stream
        record.messages = chat.messages
        let limit = active.config.limits.maxMessages
        guard chat.messageTexts.count <= limit else {
            throw APIError.invalidRequest(
                "Too many messages: \(chat.messageTexts.count), the limit is \(limit) (limits.max_messages in routes.yaml).",
                code: .tooManyMessages, param: "messages"
            )
        }
        guard active.config.models.contains(chat.model) else {
            throw APIError.unknownModel(chat.model, known: active.config.models)
        }
        self.chat = chat
        self.headers = headers
    }
}
