/// The wire protocol a backend speaks (`kind:`).
public enum BackendKind: String, Sendable, Equatable, CaseIterable {
    /// An OpenAI-compatible Chat Completions API (OpenAI, vLLM, Ollama, llama.cpp server):
    /// `POST base_url/chat/completions`, key as `Authorization: Bearer`.
    case openai
    /// Anthropic's Messages API: `POST base_url/messages`, key as `x-api-key`,
    /// with an `anthropic-version` header.
    case anthropic
}
