/// The wire protocol a backend speaks (`kind:`).
public enum BackendKind: String, Sendable, Equatable, CaseIterable {
    /// An OpenAI-compatible Chat Completions API (OpenAI, vLLM, Ollama, llama.cpp server).
    case openai
}
