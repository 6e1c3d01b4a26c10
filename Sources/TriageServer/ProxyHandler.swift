import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import TriageConfig
import TriageFlywheel
import TriageLog
import TriageRouting
import TriageTracing
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
    /// Ends streams still open when the shutdown grace period runs out.
    let shutdown: ShutdownCutoff
    /// Backends that refused `stream_options` (not asked again).
    let streamOptions = StreamOptionsSupport()
    /// OpenTelemetry traces (`telemetry` in routes.yaml); nil when off.
    var tracing: RequestTracing? = nil

    /// Largest non-streamed answer the proxy will hold to relay.
    static let maxResponseBytes = 64 * 1024 * 1024
    /// Largest upstream error body the proxy reads to quote in its own error.
    static let maxErrorBodyBytes = 64 * 1024


    func handle(_ request: Request, api: ClientAPI, hangUp: ClientHangUp? = nil) async -> Response {
        if let tracing, RequestTrace.current == nil {
            // The request's span: its attributes come from the routing log record (ProxyHandler+Tracing).
            return await tracing.trace(endpoint: api.endpoint, headers: Self.traceContextHeaders(request.headers)) {
                await handle(request, api: api, hangUp: hangUp)
            }
        }
        let started = ContinuousClock.now
        // Back-pressure from the routing log: while the writer is behind by more than
        // `log.max_pending_bytes`, new requests wait here rather than grow memory or lose lines.
        await recorder.log.waitForRoom()
        let active = routes.snapshot
        var record = RoutingLogRecord(
            id: RequestID.make(), timestamp: RoutingLogRecord.timestamp(Date()),
            endpoint: api.endpoint, reason: "", status: 0, latencyMs: 0
        )
        let watch = ClientWatch(hangUp)
        do {
            let bytes = try await RequestBodyReader.read(request, limit: active.config.limits.maxBodyBytes)
            var chat: ProxyRequest
            switch api {
            case .openAIChat: chat = try ProxyRequest(openAIChat: bytes)
            case .anthropicMessages: chat = try ProxyRequest(anthropicMessages: bytes)
            case .openAICompletions: chat = try ProxyRequest(completions: bytes)
            case .openAIResponses: chat = try ProxyRequest(responses: bytes)
            case .openAIEmbeddings: chat = try ProxyRequest(embeddings: bytes)
            }
            Self.inspectPrivacy(&chat, active: active, record: &record)
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
            let routed = active.router.route(RoutingInput(
                model: chat.model,
                headers: clientHeaders,
                lastUserMessage: chat.lastUserMessage,
                estimatedPromptTokens: TokenEstimator.estimate(messages: chat.messageTexts),
                sensitiveTypes: Set(chat.privacy?.relevant.map(\.type) ?? [])
            ), auto: active.autoRouting, messageCount: chat.messageTexts.count)
            var chosen = routed.backend
            record.rule = routed.rule
            record.reason = routed.reason
            if let scores = routed.scores {
                record.scores = scores
                recorder.metrics.recordClassifierScores(complexity: scores.complexity, fit: scores.fit ?? 1)
            }
            chosen = try Self.keepPrivate(chosen, chat: chat, active: active, record: &record)
            if let shadow = active.shadow, !Self.privacyAllows(chat, backend: shadow.backend, active: active) { record.privacy?.shadowSkipped = true }
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
                guard Self.privacyAllows(chat, backend: target, active: active) else {
                    // A fallback or retry target that is remote: never tried with sensitive data.
                    lastError = Self.sensitiveDataError(chat, active: active)
                    Self.noteSkipped(target, record: &record)
                    attempts.append(.init(backend: target.name, outcome: "skipped", error: "sensitive data: remote backend", latencyMs: 0))
                    guard let next = target.fallback.flatMap(active.config.backend(named:)) else { break attemptLoop }
                    target = next
                    continue attemptLoop
                }
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
                let result = await tracedAttempt(chat, backend: target, active: active, clientHeaders: clientHeaders, deadline: deadline, cancellation: watch.cancellation)
                switch result {
                case .complete(let status, let contentType, let upstreamBody):
                    if let change = health.finish(target, success: true) { logBreaker(target, change) }
                    var (body, answerType, summary) = BackendExchange.answer(upstreamBody, contentType: contentType, request: chat, backend: target)
                    if let masking = Self.masking(for: chat, backend: target, active: active) {
                        body = masking.restore(jsonBytes: body)
                        summary.text = masking.restore(summary.text)
                    }
                    if !attempts.isEmpty {
                        attempts.append(.init(backend: target.name, outcome: "ok", status: status, latencyMs: Self.milliseconds(since: attemptStarted)))
                        record.attempts = attempts
                        record.reason += "; answered by '\(target.name)' after \(attempts.count - 1) failed or skipped attempt(s)"
                    }
                    Self.complete(&record, summary: summary, chat: chat, backend: target, status: status, started: started, ttft: nil)
                    if api == .openAIEmbeddings {
                        record.response = nil
                        record.dimensions = EmbeddingsAnswer.dimensions(body)
                    }
                    // The record is in the file before the answer goes out (a shadowed one is written when its copy ends).
                    if !startShadow(record, chat: chat, answeredBy: target, active: active, clientHeaders: clientHeaders),
                       await !recorder.record(Self.logged(record, active: active)) {
                        return logUnavailableResponse(record, api: api)
                    }
                    var headers = Self.triageHeaders(record)
                    headers[.contentType] = answerType
                    watch.end()
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
                        active: active, clientHeaders: clientHeaders, stripUsageChunk: askedUsage, watch: watch
                    )
                case .failed(let error, let retryable, let backendAtFault):
                    if watch.clientGone {
                        // Not the backend's failure: the client left and its transfer was aborted.
                        health.release(target)
                        throw APIError.clientClosedRequest
                    }
                    if let change = health.finish(target, success: !backendAtFault) { logBreaker(target, change) }
                    attempts.append(.init(
                        backend: target.name, outcome: "failed", status: error.upstreamStatus, error: error.message,
                        latencyMs: Self.milliseconds(since: attemptStarted)
                    ))
                    lastError = error
                    if backendAtFault { recorder.metrics.recordAttemptFailure(backend: target.name, reason: UpstreamErrors.failureReason(error)) }
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
            watch.end()
            var apiError = (error as? APIError) ?? APIError(
                status: .internalServerError, message: "Internal error in Triage: \(error)",
                type: "server_error", code: "internal_error"
            )
            // The last stop before the client, the routing log and stderr: no configured secret passes.
            apiError.message = active.redactor.redact(apiError.message)
            record.status = Int(apiError.status.code)
            record.error = apiError.message
            if record.reason.isEmpty { record.reason = "rejected: \(apiError.code ?? apiError.type)" }
            record.latencyMs = Self.milliseconds(since: started)
            guard await recorder.record(Self.logged(record, active: active)) else { return logUnavailableResponse(record, api: api) }
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

    /// Sends a sampled copy of an answered request to the shadow backend in the background and
    /// appends `record` (with both answers) when the copy is done. The client never waits for it.
    /// Returns false when the request is not shadowed (the caller then appends the record).
    func startShadow(
        _ record: RoutingLogRecord, chat: ProxyRequest, answeredBy backend: BackendConfig, active: ActiveRoutes,
        clientHeaders: [String: String]
    ) -> Bool {
        guard chat.api != .openAIEmbeddings, let shadow = active.shadow, shadow.backend.name != backend.name,
              (200..<300).contains(record.status) else { return false }
        // No copy of sensitive data to a remote shadow backend (the record says so: `shadow_skipped`).
        guard Self.privacyAllows(chat, backend: shadow.backend, active: active) else { return false }
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
            let cap = active.config.shadow?.dailyCapUSD
            guard await recorder.reserveSharedShadow(backend: shadow.backend.name, estimate: estimate, cap: cap) else {
                shadow.sampler.recordSpend(0, releasing: reserved)
                if recorder.heldBack.release(record.id) { recorder.recordInBackground(record) }
                return
            }
            let started = ContinuousClock.now
            var result = RoutingLogRecord.Shadow(
                backend: shadow.backend.name, status: nil, response: nil, error: nil, latencyMs: 0, agreement: nil, costUSD: nil
            )
            do {
                let response = try await client.execute(request)
                let body = try await response.body.collect(upTo: Self.maxResponseBytes)
                result.status = response.status
                if (200..<300).contains(response.status) {
                    var answer = BackendExchange.answer(body, contentType: response.header("content-type"), request: chat, backend: shadow.backend).summary
                    if let masking = Self.masking(for: chat, backend: shadow.backend, active: active) { answer.text = masking.restore(answer.text) }
                    result.response = answer.text
                    result.agreement = Self.agreement(record.response ?? "", answer.text)
                    let prompt = answer.promptTokens ?? usage?.promptTokens ?? 0
                    let completion = answer.completionTokens ?? TokenEstimator.estimate(answer.text)
                    result.costUSD = shadow.backend.pricing.cost(inputTokens: prompt, outputTokens: completion)
                } else {
                    result.error = "shadow backend answered HTTP \(response.status)"
                }
            } catch {
                result.error = active.redactor.redact("\(error)")
            }
            result.latencyMs = Self.milliseconds(since: started)
            shadow.sampler.recordSpend(result.costUSD ?? 0, releasing: reserved)
            // The judge sees the prompt and both answers unmasked: never a remote judge for sensitive data.
            if let judge = active.judge, let local = record.response, let remote = result.response, result.error == nil,
               let messages = record.messages, active.privacy.allows(backend: judge.backend, findings: chat.privacy?.findings ?? []) {
                result.judge = await judge.grade(JudgeRequest(id: record.id, messages: messages, localAnswer: local, referenceAnswer: remote), client: client, sharedBudget: recorder.database?.budget)
            }
            await recorder.settleSharedShadow(backend: shadow.backend.name, estimate: estimate, actual: result.costUSD ?? 0, cap: cap)
            record.shadow = result
            if recorder.heldBack.release(record.id) {
                recorder.recordInBackground(Self.logged(record, active: active))
            }
        }
        return true
    }

    /// Agreement of two answers: the Jaccard similarity of their lowercased word sets.
    static func agreement(_ first: String, _ second: String) -> Double {
        func words(_ text: String) -> Set<Substring> {
            Set(text.lowercased().split { !$0.isLetter && !$0.isNumber })
        }
        let a = words(first), b = words(second)
        guard !a.isEmpty || !b.isEmpty else { return 1 }
        return Double(a.intersection(b).count) / Double(a.union(b).count)
    }

    func logBreaker(_ backend: BackendConfig, _ state: BackendHealth.BreakerState) {
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

    // MARK: Pieces

    /// Fills the outcome fields of a record: status, latency, answer, usage (reported or estimated) and cost.
    static func complete(
        _ record: inout RoutingLogRecord, summary: ChatResponseSummary, chat: ProxyRequest, backend: BackendConfig,
        status: Int, started: ContinuousClock.Instant, ttft: Double?
    ) {
        record.status = status
        record.latencyMs = milliseconds(since: started)
        record.ttftMs = ttft
        record.response = summary.text
        record.finishReason = summary.finishReason
        let usage: RoutingLogRecord.Usage
        if let prompt = summary.promptTokens, let completion = summary.completionTokens {
            usage = .init(promptTokens: prompt, completionTokens: completion, source: "upstream")
        } else {
            usage = .init(
                promptTokens: TokenEstimator.estimate(messages: chat.messageTexts),
                completionTokens: summary.text.isEmpty ? 0 : TokenEstimator.estimate(summary.text),
                source: "estimated"
            )
        }
        record.usage = usage
        record.costUSD = backend.pricing.cost(inputTokens: usage.promptTokens, outputTokens: usage.completionTokens)
    }

    static func lowercasedHeaders(_ fields: HTTPFields) -> [String: String] {
        var headers: [String: String] = [:]
        for field in fields {
            let name = field.name.canonicalName
            if let existing = headers[name] {
                headers[name] = existing + ", " + field.value
            } else {
                headers[name] = field.value
            }
        }
        return headers
    }

    static func triageHeaders(_ record: RoutingLogRecord) -> HTTPFields {
        var headers = HTTPFields()
        if let name = HTTPField.Name("x-triage-request-id") { headers[name] = record.id }
        if let name = HTTPField.Name("x-triage-backend"), let backend = record.backend { headers[name] = backend }
        if let name = HTTPField.Name("x-triage-rule"), let rule = record.rule { headers[name] = rule }
        return headers
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
        // Foundation's pow: swift-numerics (linked through swift-otel) adds a static Double.pow.
        let factor = Foundation.pow(10.0, Double(places))
        return (self * factor).rounded() / factor
    }
}
