/// The API a client called; it decides the request's parsing, the error shape and how
/// answers from backends of each kind are translated back.
enum ClientAPI: Sendable, Equatable {
    /// `POST /v1/chat/completions` (OpenAI chat).
    case openAIChat
    /// `POST /v1/messages` (Anthropic Messages).
    case anthropicMessages
    /// `POST /v1/completions` (OpenAI legacy text completions).
    case openAICompletions
    /// `POST /v1/responses` (OpenAI Responses API).
    case openAIResponses
    /// `POST /v1/embeddings` (OpenAI embeddings).
    case openAIEmbeddings

    /// The path the client called.
    var endpoint: String {
        switch self {
        case .openAIChat: return "/v1/chat/completions"
        case .anthropicMessages: return "/v1/messages"
        case .openAICompletions: return "/v1/completions"
        case .openAIResponses: return "/v1/responses"
        case .openAIEmbeddings: return "/v1/embeddings"
        }
    }

    /// Whether errors are answered in Anthropic's shape.
    var usesAnthropicErrors: Bool { self == .anthropicMessages }

    /// The event that ends a successful stream for this API's clients.
    var streamTerminalMarker: String {
        switch self {
        case .anthropicMessages: "event: message_stop"
        case .openAIResponses: "event: response.completed"
        default: "data: [DONE]"
        }
    }
}
