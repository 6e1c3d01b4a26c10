import TriageConfig
import TriageJSON

/// A whole 2xx answer as it came from a backend, parsed once: the check that it is an answer
/// (``UpstreamAnswerCheck``) and the step that summarises or translates it
/// (``BackendExchange/answer(_:contentType:request:backend:)``) read the same parse.
///
/// The parse keeps what the answer step reads (``BackendExchange/answerFilter(api:backend:)``),
/// which always includes the member the check looks for; when it fails, the check parses once
/// more for that member alone, so its verdict is the same as if it had parsed on its own.
struct AnswerBody: Sendable {
    /// The body as it came.
    let bytes: [UInt8]
    /// `bytes` parsed with the answer step's filter; nil when they are not JSON.
    let parsed: JSONValue?

    /// Parses `bytes`, an answer to a request in `api` from `backend`.
    init(_ bytes: [UInt8], api: ClientAPI, backend: BackendConfig) {
        self.bytes = bytes
        let filter = BackendExchange.answerFilter(api: api, backend: backend)
        parsed = bytes.withUnsafeBufferPointer { try? JSONParser.parse($0, keeping: filter) }
    }
}

extension BackendExchange {
    /// What of a whole answer to a request in `api` from `backend` the answer step reads: the
    /// summary's members of a chat completion that passes through (and `choices`, which the
    /// check needs), the embeddings members, or everything (nil) when it is translated.
    static func answerFilter(api: ClientAPI, backend: BackendConfig) -> JSONKeyFilter? {
        switch api {
        case .openAIEmbeddings: EmbeddingsAnswer.fields
        case .openAIResponses: nil
        case .openAIChat, .openAICompletions: backend.kind == .openai ? ChatResponseSummary.fields : nil
        case .anthropicMessages: nil
        }
    }
}
