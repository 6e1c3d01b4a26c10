import CoreMetrics

/// The per-backend handles `recordRequest` touches, created together the first time a backend is seen.
///
/// Being created together means every backend that served a request exports all of its series
/// (at zero when unused, e.g. time to first token for a backend that never streamed).
struct BackendHandles: Sendable {
    /// `triage_request_duration_seconds{backend}`.
    let duration: CoreMetrics.Timer
    /// `triage_time_to_first_token_seconds{backend}`.
    let timeToFirstToken: CoreMetrics.Timer
    /// `triage_tokens_total{backend,direction="prompt"}`.
    let promptTokens: CoreMetrics.Counter
    /// `triage_tokens_total{backend,direction="completion"}`.
    let completionTokens: CoreMetrics.Counter
    /// `triage_cost_usd_total{backend}`, fractional dollars.
    let cost: CoreMetrics.FloatingPointCounter

    /// Makes the handles of `backend` with `factory`.
    init(backend: String, factory: any MetricsFactory) {
        let dimensions = [("backend", backend)]
        duration = CoreMetrics.Timer(label: MetricName.requestDuration, dimensions: dimensions, factory: factory)
        timeToFirstToken = CoreMetrics.Timer(
            label: MetricName.timeToFirstToken, dimensions: dimensions, factory: factory)
        promptTokens = CoreMetrics.Counter(
            label: MetricName.tokens, dimensions: [("backend", backend), ("direction", "prompt")], factory: factory)
        completionTokens = CoreMetrics.Counter(
            label: MetricName.tokens, dimensions: [("backend", backend), ("direction", "completion")],
            factory: factory)
        cost = CoreMetrics.FloatingPointCounter(label: MetricName.cost, dimensions: dimensions, factory: factory)
    }
}
