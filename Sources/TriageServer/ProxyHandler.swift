import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import TriageConfig
import TriageFlywheel
import TriageLog
import TriageRouting
import TriageUpstream

/// Serves the model APIs (`/v1/chat/completions`, `/v1/messages`, `/v1/completions`): reads and
/// checks the request, routes it, tries the backend (and its fallbacks), relays the answer
/// (streamed chunk by chunk when the client asked for `stream: true`, translated when client
/// and backend speak different APIs) and appends one routing log record, whatever the outcome.
struct ProxyHandler: Sendable {
    let routes: RoutesStore
    let client: UpstreamClient
    let recorder: RequestRecorder
    let health: BackendHealth
    let logger: Logger
    /// Backends that refused `stream_options` (not asked again).
    let streamOptions = StreamOptionsSupport()

    /// Largest non-streamed answer the proxy will hold to relay.
    static let maxResponseBytes = 64 * 1024 * 1024
    /// Largest upstream error body the proxy reads to quote in its own error.
    static let maxErrorBodyBytes = 64 * 1024

    /// How one attempt at one backend ended.
    private enum AttemptResult {
        /// A whole non-streamed answer.
        case complete(status: Int, contentType: String?, body: [UInt8])
        /// A stream whose head has arrived; its body is relayed to the client. `askedUsage`:
        /// Triage added `stream_options.include_usage`, so the relay removes the usage chunk.
        case streaming(UpstreamResponse, askedUsage: Bool)
        /// A failure before anything reached the client.
        case failed(APIError, retryable: Bool, backendAtFault: Bool)
    }

    func handle(_ request: Request, api: ClientAPI) async -> Response {
        let started = ContinuousClock.now
        // Back-pressure from the routing log: while the writer is behind by more than
        // `log.max_pending_bytes`, new requests wait here rather than grow memory or lose lines.
        await recorder.log.waitForRoom()
        let active = routes.snapshot
        var record = RoutingLogRecord(
            id: RequestID.make(), timestamp: RoutingLogRecord.timestamp(Date()),
            endpoint: api.endpoint, reason: "", status: 0, latencyMs: 0
        )
        do {
            let bytes = try await Self.readBody(request, limit: active.config.limits.maxBodyBytes)
            let chat: ProxyRequest
            switch api {
            case .openAIChat: chat = try ProxyRequest(openAIChat: bytes)
            case .anthropicMessages: chat = try ProxyRequest(anthropicMessages: bytes)
            case .openAICompletions: chat = try ProxyRequest(completions: bytes)
            }
            record.clientModel = chat.model
            record.stream = chat.stream
            record.messages = chat.messages
            guard chat.messageTexts.count <= active.config.limits.maxMessages else {
                throw APIError.invalidRequest(
                    "Too many messages: \(chat.messageTexts.count), the limit is \(active.config.limits.maxMessages) (limits.max_messages in routes.yaml).",
                    code: "too_many_messages", param: "messages"
                )
            }
            guard active.config.models.contains(chat.model) else {
                throw APIError.unknownModel(chat.model, known: active.config.models)
            }
            let clientHeaders = Self.lowercasedHeaders(request.headers)
            let decision = active.router.decide(RoutingInput(
                model: chat.model,
                headers: clientHeaders,
                lastUserMessage: chat.lastUserMessage,
                estimatedPromptTokens: TokenEstimator.estimate(messages: chat.messageTexts)
            ))
            var chosen = decision.backend
            record.rule = decision.rule
            record.reason = decision.reason
            if decision.viaAuto, let auto = active.autoRouting {
                let verdict = auto.decide(prompt: chat.lastUserMessage, messageCount: chat.messageTexts.count)
                chosen = verdict.backend
                record.scores = verdict.scores
                record.reason = (decision.rule.map { "rule '\($0)' routed auto -> " } ?? "no rule matched -> ") + verdict.reason
                recorder.metrics.recordClassifierScores(complexity: verdict.scores.complexity, fit: verdict.scores.fit ?? 1)
            }
            record.backend = chosen.name
            record.upstreamModel = chosen.model

            let deadline = started + .milliseconds(Int64(active.config.limits.requestTimeout * 1000))
            var target = chosen
            let budget = target.retry.maxAttempts
            var tried = 0
            var hops = 0
            var attempts: [RoutingLogRecord.Attempt] = []
            var lastError: APIError?
            attemptLoop: while tried < budget && hops < budget + active.config.backends.count {
                hops += 1
                let attemptStarted = ContinuousClock.now
                switch health.admit(target) {
                case .breakerOpen(let retryAfter):
                    let failures = target.breaker.failures
                    lastError = APIError(
                        status: .serviceUnavailable,
                        message: "Backend '\(target.name)' is temporarily skipped: its circuit breaker opened after \(failures) consecutive failures; it will be probed again in \(Int(retryAfter.rounded(.up))) s.",
                        type: "upstream_error", code: "backend_unavailable", retryAfter: retryAfter
                    )
                    attempts.append(.init(backend: target.name, outcome: "skipped", error: "circuit breaker open", latencyMs: 0))
                    guard let next = target.fallback.flatMap(active.config.backend(named:)) else { break attemptLoop }
                    recorder.metrics.recordFallback(from: target.name, to: next.name)
                    target = next
                    continue attemptLoop
                case .saturated:
                    lastError = APIError(
                        status: .tooManyRequests,
                        message: "Backend '\(target.name)' already has \(target.maxConcurrent ?? 0) requests in flight (max_concurrent in routes.yaml); retry shortly.",
                        type: "rate_limit_error", code: "backend_saturated", retryAfter: 1
                    )
                    attempts.append(.init(backend: target.name, outcome: "skipped", error: "max_concurrent reached", latencyMs: 0))
                    guard let next = target.fallback.flatMap(active.config.backend(named:)) else { break attemptLoop }
                    recorder.metrics.recordFallback(from: target.name, to: next.name)
                    target = next
                    continue attemptLoop
                case .admitted:
                    tried += 1
                }
                record.backend = target.name
                record.upstreamModel = target.model
                let result = await attempt(chat, backend: target, active: active, clientHeaders: clientHeaders, deadline: deadline)
                switch result {
                case .complete(let status, let contentType, let upstreamBody):
                    if let change = health.finish(target, success: true) { logBreaker(target, change) }
                    let (body, answerType, summary) = BackendExchange.answer(upstreamBody, contentType: contentType, request: chat, backend: target)
                    if !attempts.isEmpty {
                        attempts.append(.init(backend: target.name, outcome: "ok", status: status, latencyMs: Self.milliseconds(since: attemptStarted)))
                        record.attempts = attempts
                        record.reason += "; answered by '\(target.name)' after \(attempts.count - 1) failed or skipped attempt(s)"
                    }
                    Self.complete(&record, summary: summary, chat: chat, backend: target, status: status, started: started, ttft: nil)
                    // The record is in the file before the answer goes out (a shadowed one is written when its copy ends).
                    if !startShadow(record, chat: chat, answeredBy: target, active: active, clientHeaders: clientHeaders),
                       await !recorder.record(record) {
                        return logUnavailableResponse(record, api: api)
                    }
                    var headers = Self.triageHeaders(record)
                    headers[.contentType] = answerType
                    return Response(
                        status: HTTPResponse.Status(code: status),
                        headers: headers,
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: body))
                    )
                case .streaming(let response, let askedUsage):
                    if !attempts.isEmpty {
                        attempts.append(.init(backend: target.name, outcome: "ok", status: response.status, latencyMs: Self.milliseconds(since: attemptStarted)))
                        record.attempts = attempts
                        record.reason += "; answered by '\(target.name)' after \(attempts.count - 1) failed or skipped attempt(s)"
                    }
                    return await streamingResponse(
                        response, chat: chat, backend: target, record: record, started: started,
                        active: active, clientHeaders: clientHeaders, stripUsageChunk: askedUsage
                    )
                case .failed(let error, let retryable, let backendAtFault):
                    if let change = health.finish(target, success: !backendAtFault) { logBreaker(target, change) }
                    attempts.append(.init(
                        backend: target.name, outcome: "failed", status: error.upstreamStatus, error: error.message,
                        latencyMs: Self.milliseconds(since: attemptStarted)
                    ))
                    lastError = error
                    if backendAtFault { recorder.metrics.recordAttemptFailure(backend: target.name, reason: Self.failureReason(error)) }
                    guard retryable, ContinuousClock.now < deadline else { break attemptLoop }
                    let next = target.fallback.flatMap(active.config.backend(named:)) ?? target
                    if next.name != target.name { recorder.metrics.recordFallback(from: target.name, to: next.name) }
                    target = next
                }
            }
            if attempts.count > 1 { record.attempts = attempts }
            throw lastError ?? APIError(
                status: .badGateway, message: "No backend could take the request.", type: "upstream_error", code: "upstream_unavailable"
            )
        } catch {
            let apiError = (error as? APIError) ?? APIError(
                status: .internalServerError, message: "Internal error in Triage: \(error)",
                type: "server_error", code: "internal_error"
            )
            record.status = Int(apiError.status.code)
            record.error = apiError.message
            if record.reason.isEmpty { record.reason = "rejected: \(apiError.code ?? apiError.type)" }
            record.latencyMs = Self.milliseconds(since: started)
            guard await recorder.record(record) else { return logUnavailableResponse(record, api: api) }
            if apiError.status.code >= 500 {
                logger.warning("request failed", metadata: ["id": .string(record.id), "status": .stringConvertible(apiError.status.code), "error": .string(apiError.message)])
            }
            var response = apiError.response(requestID: record.id, anthropic: api.usesAnthropicErrors)
            // Errors after routing still say where the request was sent (and by which rule).
            for field in Self.triageHeaders(record) where response.headers[field.name] == nil {
                response.headers.append(field)
            }
            return response
        }
    }

    /// One try at one backend, up to the point where something would reach the client.
    private func attempt(
        _ chat: ProxyRequest, backend: BackendConfig, active: ActiveRoutes, clientHeaders: [String: String],
        deadline: ContinuousClock.Instant
    ) async -> AttemptResult {
        let policy = backend.retry
        let askUsage = streamOptions.shouldAsk(chat, backend: backend)
        let upstreamRequest: UpstreamRequest
        do {
            upstreamRequest = try makeUpstreamRequest(
                chat, backend: backend, active: active, clientHeaders: clientHeaders, deadline: deadline, askUsage: askUsage
            )
        } catch {
            return .failed(Self.apiError(error, backend: backend.name), retryable: true, backendAtFault: false)
        }
        let response: UpstreamResponse
        do {
            response = try await client.execute(upstreamRequest)
        } catch {
            let upstreamError = error as? UpstreamError
            let retryable = upstreamError?.isTimeout == true ? policy.onTimeout : policy.onConnectError
            return .failed(Self.apiError(error, backend: backend.name), retryable: retryable, backendAtFault: true)
        }
        guard (200..<300).contains(response.status) else {
            let errorBody = (try? await response.body.collect(upTo: Self.maxErrorBodyBytes)) ?? []
            if askUsage, StreamOptionsSupport.isRejection(status: response.status, body: errorBody) {
                // The backend refuses the option Triage added: remember, and ask again without it.
                if streamOptions.markRejected(backend) {
                    logger.warning("backend '\(backend.name)' rejects stream_options; its streamed usage will be estimated (set stream_usage: false on it to skip this probe)")
                }
                return await attempt(chat, backend: backend, active: active, clientHeaders: clientHeaders, deadline: deadline)
            }
            var error = Self.upstreamStatusError(status: response.status, body: errorBody, backend: backend.name)
            error.upstreamStatus = response.status
            if let retryAfter = response.header("retry-after").flatMap(Double.init) { error.retryAfter = retryAfter }
            let atFault = response.status >= 500 || response.status == 429
            return .failed(error, retryable: policy.statuses.contains(response.status), backendAtFault: atFault)
        }
        if chat.stream {
            return .streaming(response, askedUsage: askUsage)
        }
        do {
            let body = try await response.body.collect(upTo: Self.maxResponseBytes)
            return .complete(status: response.status, contentType: response.header("content-type"), body: body)
        } catch {
            // Nothing has reached the client yet, so even a failure mid-body may be retried.
            let upstreamError = error as? UpstreamError
            let retryable = upstreamError?.isTimeout == true ? policy.onTimeout : policy.onConnectError
            return .failed(Self.apiError(error, backend: backend.name), retryable: retryable, backendAtFault: true)
        }
    }

    /// Sends a sampled copy of an answered request to the shadow backend in the background and
    /// appends `record` (with both answers) when the copy is done. The client never waits for it.
    /// Returns false when the request is not shadowed (the caller then appends the record).
    func startShadow(
        _ record: RoutingLogRecord, chat: ProxyRequest, answeredBy backend: BackendConfig, active: ActiveRoutes,
        clientHeaders: [String: String]
    ) -> Bool {
        guard let shadow = active.shadow, shadow.backend.name != backend.name, (200..<300).contains(record.status) else { return false }
        let usage = record.usage
        let estimate = shadow.backend.pricing.cost(inputTokens: usage?.promptTokens ?? 0, outputTokens: usage?.completionTokens ?? 0)
        guard case .shadow(let reserved) = shadow.sampler.shouldShadow(requestID: record.id, estimatedCostUSD: estimate) else { return false }
        let client = self.client
        let recorder = self.recorder
        let request: UpstreamRequest
        do {
            request = try makeUpstreamRequest(
                chat.nonStreaming(), backend: shadow.backend, active: active, clientHeaders: clientHeaders,
                deadline: .now + .seconds(Int64(shadow.backend.timeouts.total.rounded(.up)))
            )
        } catch {
            shadow.sampler.recordSpend(0, releasing: reserved)
            return false
        }
        recorder.heldBack.hold(record)
        Task.detached {
            var record = record
            let started = ContinuousClock.now
            var result = RoutingLogRecord.Shadow(
                backend: shadow.backend.name, status: nil, response: nil, error: nil, latencyMs: 0, agreement: nil, costUSD: nil
            )
            do {
                let response = try await client.execute(request)
                let body = try await response.body.collect(upTo: Self.maxResponseBytes)
                result.status = response.status
                if (200..<300).contains(response.status) {
                    let answer = BackendExchange.answer(body, contentType: response.header("content-type"), request: chat, backend: shadow.backend).summary
                    result.response = answer.text
                    result.agreement = Self.agreement(record.response ?? "", answer.text)
                    let prompt = answer.promptTokens ?? usage?.promptTokens ?? 0
                    let completion = answer.completionTokens ?? TokenEstimator.estimate(answer.text)
                    result.costUSD = shadow.backend.pricing.cost(inputTokens: prompt, outputTokens: completion)
                } else {
                    result.error = "shadow backend answered HTTP \(response.status)"
                }
            } catch {
                result.error = "\(error)"
            }
            result.latencyMs = Self.milliseconds(since: started)
            shadow.sampler.recordSpend(result.costUSD ?? 0, releasing: reserved)
            record.shadow = result
            if recorder.heldBack.release(record.id) {
                recorder.recordInBackground(record)
            }
        }
        return true
    }

    private func logBreaker(_ backend: BackendConfig, _ state: BackendHealth.BreakerState) {
        switch state {
        case .open:
            logger.warning("circuit breaker opened", metadata: [
                "backend": .string(backend.name),
                "failures": .stringConvertible(backend.breaker.failures),
                "cooldown_s": .stringConvertible(backend.breaker.cooldown),
            ])
        case .closed:
            logger.notice("circuit breaker closed", metadata: ["backend": .string(backend.name)])
        case .halfOpen:
            break
        }
    }

    static func milliseconds(since start: ContinuousClock.Instant) -> Double {
        milliseconds(from: start, to: .now)
    }

    static func milliseconds(from start: ContinuousClock.Instant, to end: ContinuousClock.Instant) -> Double {
        ((end - start).inSeconds * 1000).rounded(toPlaces: 3)
    }
}

extension Double {
    fileprivate func rounded(toPlaces places: Int) -> Double {
        let factor = pow(10.0, Double(places))
        return (self * factor).rounded() / factor
    }
}
