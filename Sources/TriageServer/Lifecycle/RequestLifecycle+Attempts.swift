import TriageConfig
import TriageLog
import TriageUpstream

/// The attempts of one request: the routed backend, then its retries and fallbacks, each
/// admitted by ``BackendHealth`` (circuit breaker, `max_concurrent`) and the privacy guard,
/// all within `limits.request_timeout`; the first answer is relayed. When none answers, the
/// error is thrown with `record` saying where the request went and what each attempt did.
extension RequestLifecycle {
    func attempts(
        _ intake: RequestIntake, first: BackendConfig, active: ActiveRoutes, record: inout RoutingLogRecord,
        started: ContinuousClock.Instant, watch: ClientWatch
    ) async throws(APIError) -> Reply {
        let chat = intake.chat
        let deadline = started + .milliseconds(Int64(active.config.limits.requestTimeout * 1000))
        var target = first
        let budget = target.retry.maxAttempts
        var tried = 0
        var hops = 0
        var attempts: [RoutingLogRecord.Attempt] = []
        var lastError: APIError?
        /// Records a backend passed over without a try, and moves on to its fallback (false: none).
        func skip(_ error: APIError, because reason: String, countFallback: Bool = true) -> Bool {
            lastError = error
            attempts.append(.init(backend: target.name, outcome: "skipped", error: reason, latencyMs: 0))
            guard let next = target.fallback.flatMap(active.config.backend(named:)) else { return false }
            if countFallback { recorder.metrics.recordFallback(from: target.name, to: next.name) }
            target = next
            return true
        }
        attemptLoop: while tried < budget && hops < budget + active.config.backends.count {
            hops += 1
            let attemptStarted = ContinuousClock.now
            guard Self.privacyAllows(chat, backend: target, active: active) else {
                // A fallback or retry target that is remote: never tried with sensitive data.
                Self.noteSkipped(target, record: &record)
                guard skip(Self.sensitiveDataError(chat, active: active), because: "sensitive data: remote backend", countFallback: false) else { break attemptLoop }
                continue attemptLoop
            }
            switch health.admit(target) {
            case .breakerOpen(let retryAfter):
                let error = APIError(
                    status: .serviceUnavailable,
                    message: "Backend '\(target.name)' is temporarily skipped: its circuit breaker opened after \(target.breaker.failures) consecutive failures; it will be probed again in \(Int(retryAfter.rounded(.up))) s.",
                    type: "upstream_error", code: .backendUnavailable, retryAfter: retryAfter
                )
                guard skip(error, because: "circuit breaker open") else { break attemptLoop }
                continue attemptLoop
            case .saturated:
                let error = APIError(
                    status: .tooManyRequests,
                    message: "Backend '\(target.name)' already has \(target.maxConcurrent ?? 0) requests in flight (max_concurrent in routes.yaml); retry shortly.",
                    type: "rate_limit_error", code: .backendSaturated, retryAfter: 1
                )
                guard skip(error, because: "max_concurrent reached") else { break attemptLoop }
                continue attemptLoop
            case .admitted:
                tried += 1
            }
            record.backend = target.name
            record.upstreamModel = target.model
            let result = await tracedAttempt(
                chat, backend: target, active: active, clientHeaders: intake.headers, deadline: deadline, cancellation: watch.cancellation)
            switch result {
            case .complete(let status, let contentType, let body):
                if let change = health.finish(target, success: true) { logBreaker(target, change) }
                noteAnswered(by: target, status: status, after: attempts, started: attemptStarted, record: &record)
                return await answer(
                    intake, body: body, contentType: contentType, status: status, backend: target, active: active,
                    record: record, started: started, watch: watch)
            case .streaming(let response, let askedUsage):
                noteAnswered(by: target, status: response.status, after: attempts, started: attemptStarted, record: &record)
                return .stream(StreamedAnswer(
                    lifecycle: self, response: response, intake: intake, backend: target, record: record, started: started,
                    active: active, stripUsageChunk: askedUsage, watch: watch))
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
            status: .badGateway, message: "No backend could take the request.", type: "upstream_error", code: .upstreamUnavailable
        )
    }

    /// After failed or skipped attempts, the record lists them all, the answering one last.
    private func noteAnswered(
        by backend: BackendConfig, status: Int, after attempts: [RoutingLogRecord.Attempt], started: ContinuousClock.Instant,
        record: inout RoutingLogRecord
    ) {
        guard !attempts.isEmpty else { return }
        record.attempts = attempts + [.init(backend: backend.name, outcome: "ok", status: status, latencyMs: Self.milliseconds(since: started))]
        record.reason += "; answered by '\(backend.name)' after \(attempts.count) failed or skipped attempt(s)"
    }

    /// A whole answer: translated to the client's API, unmasked, its record written (or handed
    /// to a shadow copy) before it goes out.
    private func answer(
        _ intake: RequestIntake, body upstreamBody: AnswerBody, contentType: String?, status: Int, backend: BackendConfig,
        active: ActiveRoutes, record: RoutingLogRecord, started: ContinuousClock.Instant, watch: ClientWatch
    ) async -> Reply {
        let chat = intake.chat
        var (body, answerType, summary) = BackendExchange.answer(upstreamBody, contentType: contentType, request: chat, backend: backend)
        if let masking = Self.masking(for: chat, backend: backend, active: active) {
            body = masking.restore(jsonBytes: body)
            summary.text = masking.restore(summary.text)
        }
        var outcome = Self.outcome(record, summary: summary, chat: chat, backend: backend, status: status, started: started, firstByte: nil, active: active)
        if chat.api == .openAIEmbeddings {
            outcome.facts.response = nil
            // Restored bytes (masking) are read again; otherwise the answer's one parse serves.
            outcome.facts.dimensions = body == upstreamBody.bytes
                ? EmbeddingsAnswer.dimensions(parsed: upstreamBody.parsed) : EmbeddingsAnswer.dimensions(body)
        }
        // The record is in the file before the answer goes out (a shadowed one is written when its copy ends).
        if !startShadow(outcome, chat: chat, answeredBy: backend, active: active, clientHeaders: intake.headers),
           await !recorder.record(outcome) {
            return .error(.routingLogUnavailable, tags: ReplyTags(record))
        }
        watch.end()
        return .answer(status: status, contentType: answerType, body: body, tags: ReplyTags(record))
    }
}
