import Testing
import TriageConfig
import TriageJSON

@testable import TriageServer

/// A whole answer is parsed once (``AnswerBody``) and both the check and the summary or
/// translation read that parse: their verdicts must be the ones each got from its own parse.
@Suite("A whole answer parsed once: the same check and summary as separate parses")
struct AnswerBodyTests {
    static let openai = BackendConfig(name: "local", baseURL: "http://127.0.0.1:1/v1", model: "small")
    static let anthropic = BackendConfig(name: "remote", kind: .anthropic, baseURL: "https://a.example/v1", model: "claude")
    static var responder: BackendConfig {
        var backend = openai
        backend.responses = true
        return backend
    }

    static let requests: [ProxyRequest] = [
        try? ProxyRequest(openAIChat: Array(#"{"model":"t","messages":[{"role":"user","content":"hi"}]}"#.utf8)),
        try? ProxyRequest(completions: Array(#"{"model":"t","prompt":"hi"}"#.utf8)),
        try? ProxyRequest(anthropicMessages: Array(#"{"model":"t","max_tokens":9,"messages":[{"role":"user","content":"hi"}]}"#.utf8)),
        try? ProxyRequest(responses: Array(#"{"model":"t","input":"hi"}"#.utf8)),
        try? ProxyRequest(embeddings: Array(#"{"model":"t","input":"hi"}"#.utf8)),
    ].compactMap { $0 }

    static let completion = #"{"id":"c","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"hi there"},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":2,"total_tokens":7}}"#
    static let message = #"{"id":"m","type":"message","role":"assistant","model":"claude","content":[{"type":"text","text":"hi there"}],"stop_reason":"end_turn","usage":{"input_tokens":5,"output_tokens":2}}"#

    /// Good answers of every kind, broken ones, truncated ones, and bytes a filtered parse skips
    /// but a whole parse refuses (invalid UTF-8 in a member the check does not read).
    static let bodies: [[UInt8]] = {
        var bodies = [
            completion, message,
            #"{"id":"r","object":"response","output":[{"type":"message","role":"assistant","content":[{"type":"output_text","text":"hi"}]}],"usage":{"input_tokens":3,"output_tokens":1}}"#,
            #"{"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.1,0.2,0.3]}],"usage":{"prompt_tokens":3,"total_tokens":3}}"#,
            "<!DOCTYPE html><html><body>Bad Gateway</body></html>", #"{"error":{"message":"x"}}"#, "", "[1,2]", "null",
            #"{"choices":{"not":"a list"}}"#, #"{"content":"text, not blocks"}"#,
        ].map { Array($0.utf8) }
        for good in [completion, message] {
            bodies.append(Array(good.utf8.prefix(good.utf8.count / 2)))
            bodies.append(Array(good.utf8.dropLast()))
        }
        bodies.append(Array(#"{"choices":[{"message":{"content":""#.utf8) + [0xFF] + Array(#""}}],"content":[]}"#.utf8))
        bodies.append(Array(#"{"id":""#.utf8) + [0xFE] + Array(#"","choices":[],"content":[],"output":[],"data":[]}"#.utf8))
        return bodies
    }()

    @Test("the check's verdict from the shared parse is the one its own parse gives, for every API, backend and body")
    func sameCheck() {
        for request in Self.requests {
            for backend in [Self.openai, Self.responder, Self.anthropic] {
                let expected = BackendExchange.expectedAnswer(request.api, backend: backend)
                for body in Self.bodies {
                    let shared = UpstreamAnswerCheck.problem(
                        withAnswer: AnswerBody(body, api: request.api, backend: backend), contentType: "application/json",
                        kind: backend.kind, expected: expected)
                    let own = UpstreamAnswerCheck.problem(withAnswer: body, contentType: "application/json", kind: backend.kind, expected: expected)
                    #expect(shared == own, "\(request.api) to \(backend.name): \(String(decoding: body, as: UTF8.self))")
                }
            }
        }
    }

    @Test("a passed-through chat completion or embeddings answer: the same bytes and the summary a separate parse gives")
    func samePassThroughSummary() {
        for request in Self.requests where [.openAIChat, .openAICompletions, .openAIEmbeddings].contains(request.api) {
            for body in Self.bodies {
                let answer = AnswerBody(body, api: request.api, backend: Self.openai)
                let result = BackendExchange.answer(answer, contentType: "application/json", request: request, backend: Self.openai)
                #expect(result.body == body)
                if request.api == .openAIEmbeddings {
                    #expect(result.summary == EmbeddingsAnswer.summary(body))
                    #expect(EmbeddingsAnswer.dimensions(parsed: answer.parsed) == EmbeddingsAnswer.dimensions(body))
                } else {
                    #expect(result.summary == ChatResponseSummary(completionBody: body), "\(String(decoding: body, as: UTF8.self))")
                }
            }
        }
        let good = BackendExchange.answer(Array(Self.completion.utf8), contentType: nil, request: Self.requests[0], backend: Self.openai)
        #expect(good.summary == ChatResponseSummary(text: "hi there", finishReason: "stop", promptTokens: 5, completionTokens: 2))
        #expect(good.contentType == "application/json")
    }

    @Test("translated answers read the same parse: Anthropic to OpenAI and back, and broken answers stay as they came")
    func translations() throws {
        let chat = Self.requests[0], messages = Self.requests[2]
        let toOpenAI = BackendExchange.answer(Array(Self.message.utf8), contentType: "application/json", request: chat, backend: Self.anthropic)
        let translated = try JSONParser.parse(toOpenAI.body)
        #expect(translated["choices"]?.arrayCount == 1 && translated["object"] == .string("chat.completion"))
        #expect(toOpenAI.summary.text == "hi there" && toOpenAI.summary.promptTokens == 5 && toOpenAI.summary.completionTokens == 2)

        let toAnthropic = BackendExchange.answer(Array(Self.completion.utf8), contentType: "application/json", request: messages, backend: Self.openai)
        #expect(try JSONParser.parse(toAnthropic.body)["type"] == .string("message"))
        #expect(toAnthropic.summary == ChatResponseSummary(text: "hi there", finishReason: "stop", promptTokens: 5, completionTokens: 2))

        let passed = BackendExchange.answer(Array(Self.message.utf8), contentType: "application/json", request: messages, backend: Self.anthropic)
        #expect(passed.body == Array(Self.message.utf8) && passed.summary.text == "hi there")

        for broken in [Array("<html>".utf8), Array(Self.message.utf8.dropLast())] {
            let result = BackendExchange.answer(broken, contentType: "text/html", request: chat, backend: Self.anthropic)
            #expect(result.body == broken && result.contentType == "text/html" && result.summary == ChatResponseSummary())
        }
        // An OpenAI answer a whole parse refuses (bad UTF-8 in a member the summary skips) that
        // the summary's own parse reads: summarised as before, passed on as it came.
        let skippedBad = Array(#"{"id":""#.utf8) + [0xFE] + Array(#"","choices":[{"message":{"content":"ok"}}]}"#.utf8)
        let kept = BackendExchange.answer(skippedBad, contentType: "application/json", request: messages, backend: Self.openai)
        #expect(kept.body == skippedBad && kept.summary.text == "ok")
    }
}
