import Foundation
import TriageConfig
import TriageJSON
import TriageRouting
import TriageUpstream

/// One whole (non-streamed) chat answer from one backend, outside the proxy's request path:
/// what the shadow judge and `triage eval` send. The request goes out as an OpenAI chat
/// completion and is translated for an Anthropic backend, exactly as a client's would be.
public struct BackendCaller: Sendable {
    /// The outcome of one call.
    public struct Result: Sendable {
        /// The backend's HTTP status; `nil` when it never answered.
        public var status: Int?
        /// The answer text, for a 2xx answer.
        public var text: String?
        /// Prompt and completion tokens: as the backend reported them, else estimated.
        public var promptTokens: Int
        public var completionTokens: Int
        /// Whether the token counts came from the backend (`upstream`) or were estimated.
        public var tokensReported: Bool
        /// Wall time of the call, in milliseconds.
        public var latencyMs: Double
        /// Cost at the backend's configured prices.
        public var costUSD: Double
        /// What went wrong (secrets masked); `nil` for a 2xx answer.
        public var error: String?
    }

    private let transport: any UpstreamTransport
    private let keys: [String: String]
    private let redactor: SecretRedactor

    /// Creates a caller that reads each backend's key from `environment` (the variable its
    /// `api_key_env` names), as the proxy does.
    public init(transport: any UpstreamTransport, backends: [BackendConfig], environment: [String: String]) {
        var keys: [String: String] = [:]
        for backend in backends {
            if let variable = backend.apiKeyEnv, let key = environment[variable], !key.isEmpty { keys[backend.name] = key }
        }
        self.init(transport: transport, keys: keys)
    }

    init(transport: any UpstreamTransport, keys: [String: String]) {
        self.transport = transport
        self.keys = keys
        self.redactor = SecretRedactor(secrets: keys.values)
    }

    /// Sends `messages` (OpenAI chat form) to `backend` and waits for the whole answer.
    /// Never throws: a failure is in ``Result/error``.
    public func complete(messages: JSONValue, backend: BackendConfig, maxTokens: Int? = nil, temperature: Double? = nil) async -> Result {
        let started = ContinuousClock.now
        var body: [String: JSONValue] = ["model": .string(backend.model), "messages": messages, "stream": .bool(false)]
        if let maxTokens { body["max_tokens"] = .number(Double(maxTokens)) }
        if let temperature { body["temperature"] = .number(temperature) }
        var texts: [String] = []
        if case .array(let items) = messages {
            texts = items.compactMap { $0["content"]?.stringValue }
        }
        var result = Result(
            status: nil, text: nil, promptTokens: TokenEstimator.estimate(messages: texts), completionTokens: 0,
            tokensReported: false, latencyMs: 0, costUSD: 0, error: nil
        )
        do {
            let request = try ProxyRequest(openAIChat: JSONValue.object(body).jsonBytes)
            if let variable = backend.apiKeyEnv, keys[backend.name] == nil {
                throw APIError.invalidRequest("backend '\(backend.name)' needs an API key in \(variable), which is not set", code: .backendAPIKeyMissing)
            }
            let target = try BackendExchange.upstreamTarget(for: request, backend: backend)
            let upstream = UpstreamRequest(
                url: target.url, method: "POST",
                headers: BackendExchange.headers(for: backend, stream: false, apiKey: keys[backend.name], clientAuthorization: nil),
                body: target.body,
                timeouts: UpstreamTimeouts(connect: backend.timeouts.connect, total: backend.timeouts.total, idle: backend.timeouts.idle),
                connectionLimit: ConnectionLimit(key: backend.name, maxConnections: backend.maxConnections, queueTimeout: backend.timeouts.queue)
            )
            let response = try await transport.execute(upstream)
            let bytes = try await response.body.collect(upTo: RequestLifecycle.maxResponseBytes)
            result.status = response.status
            if (200..<300).contains(response.status) {
                let summary = BackendExchange.answer(bytes, contentType: response.header("content-type"), request: request, backend: backend).summary
                result.text = summary.text
                if let prompt = summary.promptTokens, let completion = summary.completionTokens {
                    result.promptTokens = prompt
                    result.completionTokens = completion
                    result.tokensReported = true
                } else {
                    result.completionTokens = TokenEstimator.estimate(summary.text)
                }
            } else {
                let excerpt = String(decoding: bytes.prefix(300), as: UTF8.self)
                result.error = redactor.redact("backend '\(backend.name)' answered HTTP \(response.status): \(excerpt)")
            }
        } catch let error as APIError {
            result.error = redactor.redact(error.message)
        } catch {
            result.error = redactor.redact("backend '\(backend.name)': \(error)")
        }
        result.latencyMs = (ContinuousClock.now - started).inSeconds * 1000
        result.costUSD = backend.pricing.cost(inputTokens: result.promptTokens, outputTokens: result.completionTokens)
        return result
    }
}
