import Testing
import TriageConfig
import TriageJSON

@testable import TriageServer

@Suite("Responses and embeddings requests: parsing and where they go")
struct APIExchangeTests {
    private let openai = BackendConfig(name: "local", baseURL: "http://127.0.0.1:1/v1", model: "small")
    private let anthropic = BackendConfig(name: "remote", kind: .anthropic, baseURL: "https://a.example/v1", model: "claude")

    @Test("a Responses request routes on its last user input and is translated, or passed through with responses: true")
    func responses() throws {
        let raw = #"{"model":"triage","instructions":"Be brief.","input":[{"role":"user","content":"first"},{"role":"assistant","content":"ok"},{"role":"user","content":"second"}],"max_output_tokens":9}"#
        let request = try ProxyRequest(responses: Array(raw.utf8))
        #expect(request.lastUserMessage == "second")
        #expect(request.messageTexts == ["Be brief.", "first", "ok", "second"])

        let toChat = try BackendExchange.upstreamTarget(for: request, backend: openai)
        #expect(toChat.url == "http://127.0.0.1:1/v1/chat/completions")
        let chat = try JSONValueDecoding.decode(toChat.body)
        #expect(chat["max_tokens"] == .number(9) && chat["model"] == .string("small") && chat["messages"]?.arrayCount == 4)

        let toAnthropic = try BackendExchange.upstreamTarget(for: request, backend: anthropic)
        #expect(toAnthropic.url == "https://a.example/v1/messages")
        let message = try JSONValueDecoding.decode(toAnthropic.body)
        #expect(message["system"] == .string("Be brief.") && message["max_tokens"] == .number(9))

        var responder = openai
        responder.responses = true
        let passed = try BackendExchange.upstreamTarget(for: request, backend: responder)
        #expect(passed.url == "http://127.0.0.1:1/v1/responses")
        #expect(String(decoding: passed.body, as: UTF8.self) == raw.replacingOccurrences(of: #""model":"triage""#, with: #""model":"small""#))

        #expect(throws: APIError.self) { try ProxyRequest(responses: Array(#"{"model":"triage"}"#.utf8)) }
        #expect(throws: APIError.self) { try ProxyRequest(responses: Array(#"{"model":"triage","input":3}"#.utf8)) }
    }

    @Test("embeddings go to OpenAI-compatible backends only; the log keeps usage and dimensions, not vectors")
    func embeddings() throws {
        let request = try ProxyRequest(embeddings: Array(#"{"model":"embed","input":["a b","c"],"dimensions":4}"#.utf8))
        #expect(request.messageTexts == ["a b", "c"] && !request.stream)
        #expect(try BackendExchange.upstreamTarget(for: request, backend: openai).url == "http://127.0.0.1:1/v1/embeddings")
        do {
            _ = try BackendExchange.upstreamTarget(for: request, backend: anthropic)
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .unsupportedTranslation)
        }
        let answer = Array(#"{"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.1,0.2,0.3,0.4]}],"usage":{"prompt_tokens":3,"total_tokens":3}}"#.utf8)
        #expect(EmbeddingsAnswer.dimensions(answer) == 4)
        #expect(EmbeddingsAnswer.summary(answer).promptTokens == 3)
        let base64 = Array(#"{"data":[{"embedding":"AAAAAAAAAAAAAAAA"}]}"#.utf8)  // 12 bytes: 3 float32
        #expect(EmbeddingsAnswer.dimensions(base64) == 3)
        #expect(throws: APIError.self) { try ProxyRequest(embeddings: Array(#"{"model":"embed","input":[]}"#.utf8)) }
        #expect(throws: APIError.self) { try ProxyRequest(embeddings: Array(#"{"model":"embed","input":"x","dimensions":0}"#.utf8)) }
    }
}
