import Testing
@testable import TriageConfig

@Suite("api_key_env heuristics")
struct SecretHeuristicTests {
    @Test("variable names are accepted", arguments: ["OPENAI_API_KEY", "_X", "hf_token", "GROQ_API_KEY", "Key2"])
    func variableNames(name: String) {
        #expect(ConfigParser.isEnvironmentVariableName(name))
        #expect(!ConfigParser.looksLikeSecret(name))
    }

    @Test("key-like values are flagged", arguments: [
        "sk-proj-abc", "xai-123", "Bearer abc", "hf_AbCdEfGhIjKlMnOpQrStUv", "3f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c",
    ])
    func secrets(value: String) {
        #expect(ConfigParser.looksLikeSecret(value))
    }

    @Test("invalid names", arguments: ["1ABC", "OPENAI-KEY", "", "A B"])
    func invalidNames(name: String) {
        #expect(!ConfigParser.isEnvironmentVariableName(name))
    }
}
