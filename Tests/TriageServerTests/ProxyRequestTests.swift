import Testing
import TriageConfig
import TriageJSON
@testable import TriageServer

@Suite("Request parsing and forwarding")
struct ProxyRequestTests {
    @Test("model, messages, stream and the last user message are read; other fields pass through")
    func parsesAndForwards() throws {
        let body = #"{"model":"triage","stream":true,"temperature":0.2,"top_k":5,"messages":[{"role":"system","content":"s"},{"role":"user","content":[{"type":"text","text":"a"},{"type":"text","text":"b"}]},{"role":"assistant","content":null}]}"#
        let chat = try ProxyRequest(openAIChat: Array(body.utf8))
        #expect(chat.model == "triage")
        #expect(chat.stream)
        #expect(chat.lastUserMessage == "a\nb")
        #expect(chat.messageTexts == ["s", "a\nb", ""])
        let backend = BackendConfig(name: "local", baseURL: "http://127.0.0.1:1/v1", model: "small")
        let target = try BackendExchange.upstreamTarget(for: chat, backend: backend)
        #expect(target.url == "http://127.0.0.1:1/v1/chat/completions")
        let forwarded = try JSONValueDecoding.decode(target.body)
        #expect(forwarded["model"] == .string("small"))
        #expect(forwarded["top_k"] == .number(5))
        #expect(forwarded["temperature"] == .number(0.2))
    }

    @Test("invalid UTF-8 is a 400, not a crash")
    func invalidUTF8() {
        var bytes = Array(#"{"model":"triage","messages":[{"role":"user","content":"x"#.utf8)
        bytes += [0xff, 0xfe]
        bytes += Array(#""}]}"#.utf8)
        #expect(throws: APIError.self) { try ProxyRequest(openAIChat: bytes) }
    }

    @Test("content of the wrong type names the message")
    func wrongContentType() {
        do {
            _ = try ProxyRequest(openAIChat: Array(#"{"model":"t","messages":[{"role":"user","content":5}]}"#.utf8))
            Issue.record("expected an error")
        } catch {
            #expect(error.param == "messages[0].content")
            #expect(error.status.code == 400)
        }
    }

    @Test("an Anthropic messages body: system prompt, block text, max_tokens required, log messages in chat form")
    func anthropicMessages() throws {
        let body = #"{"model":"triage","max_tokens":64,"system":[{"type":"text","text":"be brief"}],"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":[{"type":"text","text":"hello"}]},{"role":"user","content":[{"type":"text","text":"more"}]}]}"#
        let request = try ProxyRequest(anthropicMessages: Array(body.utf8))
        #expect(request.api == .anthropicMessages)
        #expect(request.messageTexts == ["be brief", "hi", "hello", "more"])
        #expect(request.lastUserMessage == "more")
        guard case .array(let logged) = request.messages else { Issue.record("messages not a list"); return }
        #expect(logged.first?["role"] == .string("system"))
        #expect(logged.count == 4)
        // To an OpenAI backend it is translated; to an Anthropic one it passes through.
        let openai = BackendConfig(name: "local", baseURL: "http://127.0.0.1:1/v1", model: "small")
        let toOpenAI = try JSONValueDecoding.decode(BackendExchange.upstreamTarget(for: request, backend: openai).body)
        #expect(toOpenAI["model"] == .string("small"))
        #expect(toOpenAI["messages"]?.arrayCount == 4)
        let anthropic = BackendConfig(name: "remote", kind: .anthropic, baseURL: "https://a.example/v1", model: "claude")
        let target = try BackendExchange.upstreamTarget(for: request, backend: anthropic)
        #expect(target.url == "https://a.example/v1/messages")
        let passed = try JSONValueDecoding.decode(target.body)
        #expect(passed["system"] != nil)
        #expect(passed["model"] == .string("claude"))

        #expect(throws: APIError.self) { try ProxyRequest(anthropicMessages: Array(#"{"model":"t","messages":[{"role":"user","content":"x"}]}"#.utf8)) }
        #expect(throws: APIError.self) { try ProxyRequest(anthropicMessages: Array(#"{"model":"t","max_tokens":5,"messages":[{"role":"system","content":"x"}]}"#.utf8)) }
    }

    @Test("legacy functions cannot be translated across APIs: a clear 400 naming the field")
    func toolsAcrossAPIs() throws {
        let body = #"{"model":"triage","functions":[{"name":"f","parameters":{}}],"messages":[{"role":"user","content":"hi"}]}"#
        let request = try ProxyRequest(openAIChat: Array(body.utf8))
        let anthropic = BackendConfig(name: "remote", kind: .anthropic, baseURL: "https://a.example/v1", model: "claude")
        do {
            _ = try BackendExchange.upstreamTarget(for: request, backend: anthropic)
            Issue.record("expected an error")
        } catch {
            #expect(error.status.code == 400)
            #expect(error.code == .unsupportedTranslation)
            #expect(error.message.contains("'remote' (kind anthropic)"))
        }
        // Same API: tools pass through.
        let openai = BackendConfig(name: "local", baseURL: "http://127.0.0.1:1/v1", model: "small")
        let forwarded = try JSONValueDecoding.decode(BackendExchange.upstreamTarget(for: request, backend: openai).body)
        #expect(forwarded["functions"]?.arrayCount == 1)
    }

    @Test("legacy completions: the prompt is routed on, and only OpenAI backends take it")
    func completions() throws {
        let request = try ProxyRequest(completions: Array(#"{"model":"triage","prompt":["a","b"],"max_tokens":5}"#.utf8))
        #expect(request.lastUserMessage == "a\nb")
        let openai = BackendConfig(name: "local", baseURL: "http://127.0.0.1:1/v1", model: "small")
        #expect(try BackendExchange.upstreamTarget(for: request, backend: openai).url == "http://127.0.0.1:1/v1/completions")
        let anthropic = BackendConfig(name: "remote", kind: .anthropic, baseURL: "https://a.example/v1", model: "claude")
        #expect(throws: APIError.self) { try BackendExchange.upstreamTarget(for: request, backend: anthropic) }
        #expect(throws: APIError.self) { try ProxyRequest(completions: Array(#"{"model":"triage","prompt":[1,2]}"#.utf8)) }
    }
}

extension JSONValue {
    var arrayCount: Int? {
        if case .array(let items) = self { return items.count }
        return nil
    }
}

import Foundation

enum JSONValueDecoding {
    static func decode(_ bytes: [UInt8]) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data(bytes))
    }
}

@Suite("Shadow copies")
struct NonStreamingCopyTests {
    @Test("a non-streamed copy of a streamed request is re-encoded with stream false and without stream_options")
    func nonStreamingCopy() throws {
        let raw = #"{"model":"triage","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"hi"}]}"#
        let chat = try ProxyRequest(openAIChat: Array(raw.utf8))
        let copy = chat.nonStreaming()
        #expect(copy.stream == false && copy.includeUsage == false)
        let backend = BackendConfig(name: "remote", baseURL: "http://127.0.0.1:1/v1", model: "big")
        let target = try BackendExchange.upstreamTarget(for: copy, backend: backend, askUsage: false)
        guard case .object(let sent) = try JSONParser.parse(target.body) else {
            Issue.record("the upstream body is not a JSON object")
            return
        }
        #expect(sent["stream"] == .bool(false))
        #expect(sent["stream_options"] == nil)
        #expect(sent["model"] == .string("big"))
        #expect(sent["messages"] == chat.body["messages"])
        // The original still splices the client's bytes.
        let original = try BackendExchange.upstreamTarget(for: chat, backend: backend)
        #expect(String(decoding: original.body, as: UTF8.self).contains(#""stream":true"#))
    }
}
