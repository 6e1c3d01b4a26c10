import Foundation
import TriageAnthropic
import TriageConfig
import TriageJSON
import TriageResponses
import TriageUpstream

/// How a client request goes to a backend of a given kind, and how a whole answer comes back
/// in the client's API: passed through when both speak the same API, translated otherwise.
enum BackendExchange {
    /// The body and URL for `backend`; throws a 400 when a translation the request needs is not supported.
    /// - Parameter askUsage: add `stream_options.include_usage` for a streamed request whose
    ///   client did not (see ``requestsStreamUsage(_:backend:)``).
    static func upstreamTarget(for request: ProxyRequest, backend: BackendConfig, askUsage: Bool = false) throws(APIError) -> (url: String, body: [UInt8]) {
        var body: [String: JSONValue]
        let url: String
        switch (request.api, backend.kind) {
        case (.openAIChat, .openai), (.openAICompletions, .openai):
            url = request.api == .openAIChat ? backend.chatCompletionsURL : backend.completionsURL
            // The client's own stream_options are merged below (re-encoded); otherwise the
            // option is spliced in with the model, and the rest of the bytes pass untouched.
            if !askUsage || request.body["stream_options"] == nil,
               let spliced = spliceModel(request, model: backend.model, askStreamUsage: askUsage) {
                return (url, spliced)
            }
            body = request.body
            if askUsage {
                var options: [String: JSONValue] = [:]
                if case .object(let existing)? = request.body["stream_options"] { options = existing }
                options["include_usage"] = .bool(true)
                body["stream_options"] = .object(options)
            }
        case (.anthropicMessages, .anthropic):
            if let spliced = spliceModel(request, model: backend.model) { return (backend.messagesURL, spliced) }
            body = request.body
            url = backend.messagesURL
        case (.openAIChat, .anthropic):
            do {
                body = try AnthropicTranslator.anthropicRequest(fromOpenAI: request.body, model: backend.model)
            } catch {
                throw Self.untranslatable(error, backend: backend)
            }
            url = backend.messagesURL
        case (.anthropicMessages, .openai):
            do {
                body = try AnthropicTranslator.openAIRequest(fromAnthropic: request.body)
            } catch {
                throw Self.untranslatable(error, backend: backend)
            }
            url = backend.chatCompletionsURL
        case (.openAIResponses, .openai) where backend.responses:
            if let spliced = spliceModel(request, model: backend.model) { return (backend.responsesURL, spliced) }
            body = request.body
            url = backend.responsesURL
        case (.openAIResponses, _):
            do {
                body = try ResponsesTranslator.chatRequest(fromResponses: request.body)
                if backend.kind == .anthropic { body = try AnthropicTranslator.anthropicRequest(fromOpenAI: body, model: backend.model) }
            } catch {
                throw Self.untranslatable(error, backend: backend, speaks: "no Responses API (responses: true is not set)")
            }
            url = backend.kind == .anthropic ? backend.messagesURL : backend.chatCompletionsURL
        case (.openAIEmbeddings, .openai):
            if let spliced = spliceModel(request, model: backend.model) { return (backend.embeddingsURL, spliced) }
            body = request.body
            url = backend.embeddingsURL
        case (.openAIEmbeddings, .anthropic):
            throw APIError.invalidRequest(
                "Embeddings can only go to OpenAI-compatible backends (Anthropic has no embeddings API), and this request was routed to '\(backend.name)' (kind anthropic). Add a rule that sends embeddings requests to an openai backend, e.g. a local embedding server.",
                code: .unsupportedTranslation
            )
        case (.openAICompletions, .anthropic):
            throw APIError.invalidRequest(
                "Legacy text completions can only go to OpenAI-compatible backends, and this request was routed to '\(backend.name)' (kind anthropic). Use /v1/chat/completions, or add a rule that sends these requests to an openai backend.",
                code: .unsupportedTranslation
            )
        }
        body["model"] = .string(backend.model)
        return (url, JSONValue.object(body).jsonBytes)
    }

    /// Whether Triage should ask `backend` for the usage chunk of this streamed request (the
    /// client did not, and `stream_usage` is on): the relay then removes that chunk again.
    static func requestsStreamUsage(_ request: ProxyRequest, backend: BackendConfig) -> Bool {
        request.stream && !request.includeUsage && backend.kind == .openai && backend.streamUsage
            && (request.api == .openAIChat || request.api == .openAICompletions)
    }

    /// `"stream_options":{"include_usage":true},`: the member ``spliceModel(_:model:askStreamUsage:)``
    /// puts first, written once.
    private static let streamUsageMember: [UInt8] = {
        var writer = JSONWriter(capacity: 48)
        writer.string("stream_options")
        writer.raw(":")
        writer.value(.object(["include_usage": .bool(true)]))
        writer.raw(",")
        return writer.bytes
    }()

    /// The client's own bytes with only the `model` value replaced (and, if asked,
    /// `"stream_options":{"include_usage":true}` added as the first member): no re-encoding of the rest.
    private static func spliceModel(_ request: ProxyRequest, model: String, askStreamUsage: Bool = false) -> [UInt8]? {
        guard let span = request.modelSpan, span.upperBound <= request.rawBody.count else { return nil }
        var writer = JSONWriter(capacity: request.rawBody.count + model.utf8.count + 48)
        var copied = request.rawBody.startIndex
        if askStreamUsage {
            guard let brace = request.rawBody.firstIndex(of: UInt8(ascii: "{")), brace < span.lowerBound else { return nil }
            writer.raw(request.rawBody[...brace])
            writer.raw(streamUsageMember)
            copied = brace + 1
        }
        writer.raw(request.rawBody[copied..<span.lowerBound])
        writer.string(model)
        writer.raw(request.rawBody[span.upperBound...])
        return writer.bytes
    }

    /// The headers for `backend`: content type, and its key in the header its kind expects.
    static func headers(for backend: BackendConfig, stream: Bool, apiKey: String?, clientAuthorization: String?) -> [(name: String, value: String)] {
        var headers: [(name: String, value: String)] = [
            ("Content-Type", "application/json"),
            ("Accept", stream ? "text/event-stream" : "application/json"),
        ]
        switch backend.kind {
        case .openai:
            if let apiKey {
                headers.append(("Authorization", "Bearer \(apiKey)"))
            } else if backend.forwardClientAuth, let clientAuthorization {
                headers.append(("Authorization", clientAuthorization))
            }
        case .anthropic:
            headers.append(("anthropic-version", backend.anthropicVersion))
            if let apiKey {
                headers.append(("x-api-key", apiKey))
            } else if backend.forwardClientAuth, let clientAuthorization {
                headers.append(("Authorization", clientAuthorization))
            }
        }
        return headers
    }

    /// A whole 2xx answer in the client's API, with what the log keeps of it.
    static func answer(_ body: [UInt8], contentType: String?, request: ProxyRequest, backend: BackendConfig) -> (body: [UInt8], contentType: String, summary: ChatResponseSummary) {
        answer(AnswerBody(body, api: request.api, backend: backend), contentType: contentType, request: request, backend: backend)
    }

    /// The same from the answer's one parse (made for `request.api` and `backend`).
    static func answer(_ answer: AnswerBody, contentType: String?, request: ProxyRequest, backend: BackendConfig) -> (body: [UInt8], contentType: String, summary: ChatResponseSummary) {
        let json = contentType ?? "application/json"
        let body = answer.bytes
        switch request.api {
        case .openAIResponses: return responsesAnswer(answer, contentType: json, request: request, backend: backend)
        case .openAIEmbeddings: return (body, json, EmbeddingsAnswer.summary(parsed: answer.parsed))
        default: break
        }
        switch (request.api.usesAnthropicErrors, backend.kind == .anthropic) {
        case (false, false):
            return (body, json, ChatResponseSummary(completion: answer.parsed))
        case (true, true):
            let summary = answer.parsed.flatMap { try? AnthropicTranslator.openAIResponse(fromAnthropic: $0, model: backend.model) }
                .map(ChatResponseSummary.init(openAICompletion:)) ?? ChatResponseSummary()
            return (body, json, summary)
        case (false, true):
            guard let anthropic = answer.parsed,
                  let translated = try? AnthropicTranslator.openAIResponse(fromAnthropic: anthropic, model: backend.model) else {
                return (body, json, ChatResponseSummary())
            }
            return (translated.jsonBytes, "application/json", ChatResponseSummary(openAICompletion: translated))
        case (true, false):
            guard let openAI = answer.parsed,
                  let translated = try? AnthropicTranslator.anthropicResponse(fromOpenAI: openAI, model: backend.model) else {
                // Read with the summary's own filter, which may pass where the whole parse failed.
                return (body, json, answer.parsed.map { ChatResponseSummary(completion: $0) } ?? ChatResponseSummary(completionBody: body))
            }
            return (translated.jsonBytes, "application/json", ChatResponseSummary(openAICompletion: openAI))
        }
    }

    /// What a whole answer must hold when it is not a chat completion or an Anthropic message:
    /// `output` for a passed-through Responses answer, `data` for embeddings.
    static func expectedAnswer(_ api: ClientAPI, backend: BackendConfig) -> (member: String, what: String)? {
        switch api {
        case .openAIResponses where backend.kind == .openai && backend.responses: ("output", "a Responses API response")
        case .openAIEmbeddings: ("data", "an embeddings list")
        default: nil
        }
    }

    /// A whole answer to a Responses request: passed through from a Responses backend, else
    /// translated from the chat completion (or Anthropic message) the backend answered.
    private static func responsesAnswer(_ answer: AnswerBody, contentType: String, request: ProxyRequest, backend: BackendConfig) -> (body: [UInt8], contentType: String, summary: ChatResponseSummary) {
        let body = answer.bytes
        if backend.kind == .openai && backend.responses {
            guard let response = answer.parsed else { return (body, contentType, ChatResponseSummary()) }
            let summary = ResponsesTranslator.summary(ofResponse: response)
            return (body, contentType, ChatResponseSummary(
                text: summary.text, finishReason: summary.finishReason, promptTokens: summary.input, completionTokens: summary.output))
        }
        var chat = answer.parsed
        if backend.kind == .anthropic {
            chat = chat.flatMap { try? AnthropicTranslator.openAIResponse(fromAnthropic: $0, model: backend.model) }
        }
        let id = UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        guard let chat, let translated = try? ResponsesTranslator.responsesAnswer(fromChat: chat, request: request.body, id: id) else {
            return (body, contentType, ChatResponseSummary())
        }
        return (translated.jsonBytes, "application/json", ChatResponseSummary(openAICompletion: chat))
    }

    private static func untranslatable(_ error: TranslationError, backend: BackendConfig, speaks: String = "another API") -> APIError {
        APIError.invalidRequest(
            "This request was routed to '\(backend.name)' (kind \(backend.kind.rawValue)), which speaks \(speaks), and it cannot be translated: \(error.description)",
            code: .unsupportedTranslation, param: error.field
        )
    }
}

extension ChatResponseSummary {
    /// Summarises an OpenAI `chat.completion` given as a JSON value.
    init(openAICompletion value: JSONValue) {
        self.init()
        if case .array(let choices)? = value["choices"], let choice = choices.first {
            text = choice["message"]?["content"]?.stringValue ?? choice["text"]?.stringValue ?? ""
            finishReason = choice["finish_reason"]?.stringValue
        }
        if case .number(let prompt)? = value["usage"]?["prompt_tokens"] { promptTokens = Self.tokenCount(prompt) }
        if case .number(let completion)? = value["usage"]?["completion_tokens"] { completionTokens = Self.tokenCount(completion) }
    }
}
