import TriageConfig
import TriageLog

/// Where the attempts of one request stand: the backend to try next, how many tries and hops
/// are spent, what each passed-over or failed backend did, and the error to answer when none
/// answers. ``RequestLifecycle/attempts(_:first:active:record:started:watch:)`` asks it for the
/// next admitted backend and reports each failure back.
///
/// Its steps are plain (not `async`) functions: the bookkeeping between two upstream calls runs
/// on the thread's stack, and the async frame that lives across those calls stays small (the
/// loop written inline needed a 27 KB frame, allocated with `malloc` for every request).
struct AttemptPlan {
    /// The backend the next attempt goes to (or is checked for).
    private(set) var target: BackendConfig
    /// `limits.request_timeout` from the request's arrival.
    let deadline: ContinuousClock.Instant
    private let budget: Int
    private var tried = 0
    private var hops = 0
    /// Every backend passed over or failed so far, in order.
    private(set) var attempts: [RoutingLogRecord.Attempt] = []
    private var lastError: APIError?

    init(first: BackendConfig, started: ContinuousClock.Instant, requestTimeout: Double) {
        target = first
        budget = first.retry.maxAttempts
        deadline = started + .milliseconds(Int64(requestTimeout * 1000))
    }

    /// The next backend to try, admitted by the privacy guard and ``BackendHealth`` (breaker,
    /// `max_concurrent`), with the instant its turn began; those passed over are recorded and
    /// their fallback checked instead. Nil when the budget is spent or no backend is left.
    @inline(never)
    mutating func next(
        _ chat: ProxyRequest, lifecycle: RequestLifecycle, active: ActiveRoutes, record: inout RoutingLogRecord
    ) -> (backend: BackendConfig, started: ContinuousClock.Instant)? {
        while tried < budget && hops < budget + active.config.backends.count {
            hops += 1
            let started = ContinuousClock.now
            guard RequestLifecycle.privacyAllows(chat, backend: target, active: active) else {
                // A fallback or retry target that is remote: never tried with sensitive data.
                RequestLifecycle.noteSkipped(target, record: &record)
                let error = RequestLifecycle.sensitiveDataError(chat, active: active)
                guard skip(error, because: "sensitive data: remote backend", lifecycle: lifecycle, active: active, countFallback: false) else { return nil }
                continue
            }
            switch lifecycle.health.admit(target) {
            case .breakerOpen(let retryAfter):
                let error = APIError(
                    status: .serviceUnavailable,
                    message: "Backend '\(target.name)' is temporarily skipped: its circuit breaker opened after \(target.breaker.failures) consecutive failures; it will be probed again in \(Int(retryAfter.rounded(.up))) s.",
                    type: "upstream_error", code: .backendUnavailable, retryAfter: retryAfter
                )
                guard skip(error, because: "circuit breaker open", lifecycle: lifecycle, active: active) else { return nil }
            case .saturated:
                let error = APIError(
                    status: .tooManyRequests,
                    message: "Backend '\(target.name)' already has \(target.maxConcurrent ?? 0) requests in flight (max_concurrent in routes.yaml); retry shortly.",
                    type: "rate_limit_error", code: .backendSaturated, retryAfter: 1
                )
                guard skip(error, because: "max_concurrent reached", lifecycle: lifecycle, active: active) else { return nil }
            case .admitted:
                tried += 1
                return (target, started)
            }
        }
        return nil
    }

    /// Records the target as passed over without a try and moves on to its fallback (false: none).
    private mutating func skip(
        _ error: APIError, because reason: String, lifecycle: RequestLifecycle, active: ActiveRoutes, countFallback: Bool = true
    ) -> Bool {
        lastError = error
        attempts.append(.init(backend: target.name, outcome: "skipped", error: reason, latencyMs: 0))
        guard let next = target.fallback.flatMap(active.config.backend(named:)) else { return false }
        if countFallback { lifecycle.recorder.metrics.recordFallback(from: target.name, to: next.name) }
        target = next
        return true
    }

    /// Records a failed attempt at the target (begun at `started`) and moves on to its fallback
    /// (or the same backend again); false when the failure may not be retried or the deadline passed.
    @inline(never)
    mutating func failed(
        _ error: APIError, retryable: Bool, backendAtFault: Bool, started: ContinuousClock.Instant,
        lifecycle: RequestLifecycle, active: ActiveRoutes
    ) -> Bool {
        if let change = lifecycle.health.finish(target, success: !backendAtFault) { lifecycle.logBreaker(target, change) }
        attempts.append(.init(
            backend: target.name, outcome: "failed", status: error.upstreamStatus, error: error.message,
            latencyMs: RequestLifecycle.milliseconds(since: started)
        ))
        lastError = error
        if backendAtFault { lifecycle.recorder.metrics.recordAttemptFailure(backend: target.name, reason: UpstreamErrors.failureReason(error)) }
        guard retryable, ContinuousClock.now < deadline else { return false }
        let next = target.fallback.flatMap(active.config.backend(named:)) ?? target
        if next.name != target.name { lifecycle.recorder.metrics.recordFallback(from: target.name, to: next.name) }
        target = next
        return true
    }

    /// When no backend answered: the attempts go into `record` (when there was more than one),
    /// and the error to answer comes back.
    @inline(never)
    func exhausted(record: inout RoutingLogRecord) -> APIError {
        if attempts.count > 1 { record.attempts = attempts }
        return lastError ?? APIError(
            status: .badGateway, message: "No backend could take the request.", type: "upstream_error", code: .upstreamUnavailable
        )
    }
}
