import TriageConfig
import TriageTracing
import TriageUpstream

/// OpenTelemetry around the proxy path: the request's span is opened in ``ProxyHandler/handle(_:api:hangUp:)``,
/// an attempt span around each backend try, and both end from the routing log record
/// (``RequestRecorder``). With `telemetry` off (`tracing == nil`) none of this runs.
extension RequestLifecycle {
    /// ``attempt(_:backend:active:clientHeaders:deadline:cancellation:)`` inside an attempt span
    /// when the request is traced. A streamed answer's span stays open until the stream's record.
    func tracedAttempt(
        _ chat: ProxyRequest, backend: BackendConfig, active: ActiveRoutes, clientHeaders: [String: String],
        deadline: ContinuousClock.Instant, cancellation: UpstreamCancellation? = nil
    ) async -> AttemptResult {
        guard tracing != nil, let trace = RequestTrace.current else {
            return await attempt(chat, backend: backend, active: active, clientHeaders: clientHeaders, deadline: deadline, cancellation: cancellation)
        }
        trace.startAttempt(backend: backend.name, model: backend.model, kind: backend.kind.rawValue, url: backend.baseURL)
        let result = await attempt(chat, backend: backend, active: active, clientHeaders: clientHeaders, deadline: deadline, cancellation: cancellation)
        switch result {
        case .complete(let status, _, _): trace.endAttempt(status: status, error: nil)
        case .failed(let error, _, _): trace.endAttempt(status: error.upstreamStatus, error: error.message)
        case .streaming: break
        }
        return result
    }

    /// The outbound headers with the request's `traceparent` added when it is traced.
    func withTraceContext(_ headers: [(name: String, value: String)]) -> [(name: String, value: String)] {
        guard tracing != nil, let trace = RequestTrace.current else { return headers }
        return headers + trace.propagationHeaders()
    }

    /// Runs `operation` (a streamed answer's relay, after `handle` returned) in `trace`.
    func inTrace<Result: Sendable>(_ trace: RequestTrace?, _ operation: () async -> Result) async -> Result {
        guard let trace else { return await operation() }
        return await RequestTrace.$current.withValue(trace) { await operation() }
    }
}
