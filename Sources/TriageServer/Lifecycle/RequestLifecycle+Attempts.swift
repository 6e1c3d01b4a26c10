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
        // The bookkeeping lives in the plan and in the (not inlined) steps below, so that this
        // async frame, allocated for every request, holds little more than the plan and one result.
        var plan = AttemptPlan(first: first, started: started, requestTimeout: active.config.limits.requestTimeout)
        while let next = plan.next(intake.chat, lifecycle: self, active: active, record: &record) {
            let (target, attemptStarted) = next
            record.backend = target.name
            record.upstreamModel = target.model
            let result = await tracedAttempt(
                intake.chat, backend: target, active: active, clientHeaders: intake.headers, deadline: plan.deadline,
                cancellation: watch.cancellation)
            switch result {
            case .complete(let status, let contentType, let body):
                if let change = health.finish(target, success: true) { logBreaker(target, change) }
                noteAnswered(by: target, status: status, after: plan.attempts, started: attemptStarted, record: &record)
                return await answer(
                    intake, body: body, contentType: contentType, status: status, backend: target, active: active,
                    record: record, started: started, watch: watch)
            case .streaming(let response, let askedUsage):
                return streamed(
                    intake, response: response, askedUsage: askedUsage, backend: target, attempts: plan.attempts,
                    attemptStarted: attemptStarted, active: active, record: &record, started: started, watch: watch)
            case .failed(let error, let retryable, let backendAtFault):
                if watch.clientGone {
                    // Not the backend's failure: the client left and its transfer was aborted.
                    health.release(target)
                    throw APIError.clientClosedRequest
                }
                guard plan.failed(
                    error, retryable: retryable, backendAtFault: backendAtFault, started: attemptStarted, lifecycle: self, active: active
                ) else { throw plan.exhausted(record: &record) }
            }
        }
        throw plan.exhausted(record: &record)
    }

    /// A stream whose head arrived: the reply that relays it.
    @inline(never)
    private func streamed(
        _ intake: RequestIntake, response: UpstreamResponse, askedUsage: Bool, backend: BackendConfig,
        attempts: [RoutingLogRecord.Attempt], attemptStarted: ContinuousClock.Instant, active: ActiveRoutes,
        record: inout RoutingLogRecord, started: ContinuousClock.Instant, watch: ClientWatch
    ) -> Reply {
        noteAnswered(by: backend, status: response.status, after: attempts, started: attemptStarted, record: &record)
        return .stream(StreamedAnswer(
            lifecycle: self, response: response, intake: intake, backend: backend, record: record, started: started,
            active: active, stripUsageChunk: askedUsage, watch: watch))
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
    @inline(never)
    private func answer(
        _ intake: RequestIntake, body upstreamBody: AnswerBody, contentType: String?, status: Int, backend: BackendConfig,
        active: ActiveRoutes, record: RoutingLogRecord, started: ContinuousClock.Instant, watch: ClientWatch
    ) async -> Reply {
        let (outcome, body, answerType) = answered(
            intake, body: upstreamBody, contentType: contentType, status: status, backend: backend, active: active, record: record,
            started: started)
        // The record is in the file before the answer goes out (a shadowed one is written when its copy ends).
        if !startShadow(outcome, chat: intake.chat, answeredBy: backend, active: active, clientHeaders: intake.headers),
           await !recorder.record(outcome) {
            return .error(.routingLogUnavailable, tags: ReplyTags(record))
        }
        watch.end()
        return .answer(status: status, contentType: answerType, body: body, tags: ReplyTags(record))
    }

    /// The answer in the client's API, unmasked, and its outcome.
    @inline(never)
    private func answered(
        _ intake: RequestIntake, body upstreamBody: AnswerBody, contentType: String?, status: Int, backend: BackendConfig,
        active: ActiveRoutes, record: RoutingLogRecord, started: ContinuousClock.Instant
    ) -> (outcome: RequestOutcome, body: [UInt8], contentType: String) {
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
        return (outcome, body, answerType)
    }
}
