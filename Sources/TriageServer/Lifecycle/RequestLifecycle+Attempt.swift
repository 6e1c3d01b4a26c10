import Foundation
import HTTPTypes
import TriageConfig
import TriageLog
import TriageUpstream

/// One attempt at one backend: the upstream request, and what came back up to the point where
/// something would reach the client.
extension RequestLifecycle {
    /// How one attempt at one backend ended.
    enum AttemptResult {
        /// A whole non-streamed answer, parsed once (checked, then summarised or translated).
        case complete(status: Int, contentType: String?, body: AnswerBody)
        /// A stream whose head has arrived; its body is relayed to the client. `askedUsage`:
        /// Triage added `stream_options.include_usage`, so the relay removes the usage chunk.
        case streaming(UpstreamResponse, askedUsage: Bool)
        /// A failure before anything reached the client.
        case failed(APIError, retryable: Bool, backendAtFault: Bool)
    }

    /// One try at one backend, up to the point where something would reach the client.
    func attempt(
        _ chat: ProxyRequest, backend: BackendConfig, active: ActiveRoutes, clientHeaders: [String: String],
        deadline: ContinuousClock.Instant, cancellation: UpstreamCancellation? = nil
    ) async -> AttemptResult {
        let policy = backend.retry
        let askUsage = streamOptions.shouldAsk(chat, backend: backend)
        let upstreamRequest: UpstreamRequest
        do {
            upstreamRequest = try makeUpstreamRequest(
                chat, backend: backend, active: active, clientHeaders: clientHeaders, deadline: deadline, askUsage: askUsage,
                cancellation: cancellation
            )
        } catch {
            return .failed(UpstreamErrors.apiError(error, backend: backend.name, redactor: active.redactor), retryable: true, backendAtFault: false)
        }
        let response: UpstreamResponse
        do {
            response = try await transport.execute(upstreamRequest)
        } catch {
            let upstreamError = error as? UpstreamError
            if case .connectionsBusy? = upstreamError {
                // Nothing was sent and the backend did nothing wrong: like max_concurrent, the
                // fallback may take it.
                return .failed(UpstreamErrors.apiError(error, backend: backend.name, redactor: active.redactor), retryable: true, backendAtFault: false)
            }
            let retryable = upstreamError?.isTimeout == true ? policy.onTimeout : policy.onConnectError
            return .failed(UpstreamErrors.apiError(error, backend: backend.name, redactor: active.redactor), retryable: retryable, backendAtFault: true)
        }
        guard (200..<300).contains(response.status) else {
            let errorBody = (try? await response.body.collect(upTo: Self.maxErrorBodyBytes)) ?? []
            if askUsage, StreamOptionsSupport.isRejection(status: response.status, body: errorBody) {
                // The backend refuses the option Triage added: remember, and ask again without it.
                if streamOptions.markRejected(backend) {
                    logger.warning("backend '\(backend.name)' rejects stream_options; its streamed usage will be estimated (set stream_usage: false on it to skip this probe)")
                }
                return await attempt(
                    chat, backend: backend, active: active, clientHeaders: clientHeaders, deadline: deadline, cancellation: cancellation)
            }
            var error = UpstreamErrors.statusError(status: response.status, body: errorBody, backend: backend.name, redactor: active.redactor)
            error.upstreamStatus = response.status
            if let retryAfter = response.header("retry-after").flatMap(Double.init) { error.retryAfter = retryAfter }
            let atFault = response.status >= 500 || response.status == 429
            return .failed(error, retryable: policy.statuses.contains(response.status), backendAtFault: atFault)
        }
        let contentType = response.header("content-type")
        if chat.stream {
            guard let problem = UpstreamAnswerCheck.problem(withStreamContentType: contentType) else {
                return .streaming(response, askedUsage: askUsage)
            }
            let body = (try? await response.body.collect(upTo: Self.maxErrorBodyBytes)) ?? []
            let message = "\(problem) (\(UpstreamAnswerCheck.describe(contentType: contentType, body: body)))"
            return .failed(Self.invalidAnswer(active.redactor.redact(message), backend: backend.name), retryable: policy.statuses.contains(502), backendAtFault: true)
        }
        do {
            let body = AnswerBody(try await response.body.collect(upTo: Self.maxResponseBytes), api: chat.api, backend: backend)
            if let problem = UpstreamAnswerCheck.problem(
                withAnswer: body, contentType: contentType, kind: backend.kind, expected: BackendExchange.expectedAnswer(chat.api, backend: backend)) {
                // A 2xx that is not an answer (an HTML page from a gateway, an error object...) is
                // a backend failure like a 502: never relayed or logged as an answer.
                return .failed(Self.invalidAnswer(active.redactor.redact(problem), backend: backend.name), retryable: policy.statuses.contains(502), backendAtFault: true)
            }
            return .complete(status: response.status, contentType: contentType, body: body)
        } catch {
            // Nothing has reached the client yet, so even a failure mid-body may be retried.
            let upstreamError = error as? UpstreamError
            let retryable = upstreamError?.isTimeout == true ? policy.onTimeout : policy.onConnectError
            return .failed(UpstreamErrors.apiError(error, backend: backend.name, redactor: active.redactor), retryable: retryable, backendAtFault: true)
        }
    }

    func makeUpstreamRequest(
        _ chat: ProxyRequest, backend: BackendConfig, active: ActiveRoutes, clientHeaders: [String: String],
        deadline: ContinuousClock.Instant, askUsage: Bool = false, cancellation: UpstreamCancellation? = nil
    ) throws(APIError) -> UpstreamRequest {
        // The privacy guard: sensitive data never leaves for a remote backend unmasked, whatever path led here.
        let chat = try Self.outbound(chat, to: backend, active: active)
        let apiKey = active.apiKey(for: backend.name)
        if let variable = backend.apiKeyEnv, apiKey == nil {
            throw APIError(
                status: .badGateway,
                message: "Backend '\(backend.name)' is unavailable: it needs an API key, but the environment variable \(variable) (api_key_env in \(active.config.sourcePath)) is not set for the Triage process. Set it and restart Triage, or route these requests to another backend.",
                type: "upstream_error", code: .backendAPIKeyMissing
            )
        }
        let remaining = (deadline - .now).inSeconds
        guard remaining > 0 else {
            throw APIError(
                status: .gatewayTimeout,
                message: "The request deadline of \(active.config.limits.requestTimeout) s (limits.request_timeout) passed before backend '\(backend.name)' could be tried.",
                type: "upstream_error", code: .upstreamTimeout
            )
        }
        let target = try BackendExchange.upstreamTarget(for: chat, backend: backend, askUsage: askUsage)
        return UpstreamRequest(
            url: target.url,
            method: "POST",
            headers: withTraceContext(BackendExchange.headers(
                for: backend, stream: chat.stream, apiKey: apiKey, clientAuthorization: clientHeaders["authorization"]
            )),
            body: target.body,
            timeouts: UpstreamTimeouts(
                connect: min(backend.timeouts.connect, remaining),
                total: min(backend.timeouts.total, remaining),
                idle: backend.timeouts.idle
            ),
            cancellation: cancellation,
            connectionLimit: ConnectionLimit(
                key: backend.name, maxConnections: backend.maxConnections, queueTimeout: min(backend.timeouts.queue, remaining))
        )
    }
}
