import CoreMetrics
import Synchronization
import Prometheus

/// The proxy's metrics, recorded through swift-metrics handles backed by a Prometheus registry
/// and rendered in the Prometheus text exposition format for `GET /metrics`.
///
/// Each instance owns its own `PrometheusCollectorRegistry` and creates its handles with an explicit
/// `PrometheusMetricsFactory` over it, so instances never share series and nothing depends on
/// `MetricsSystem.bootstrap` (the global factory is never read or set).
///
/// Every method may be called concurrently from any task. Handles are created once per label set
/// and cached behind a `Mutex`, so a recording call costs one short lock, one hash lookup and
/// the atomic or locked update of the Prometheus collector.
///
/// Label values must come from configuration (backend, rule and endpoint names); ``recordAttemptFailure(backend:reason:)``
/// maps unknown reasons to `other`, and status codes outside 100...599 are exported as `unknown`.
///
/// Cost is a swift-metrics `FloatingPointCounter` named `triage_cost_usd_total`: swift-prometheus backs
/// it with a counter that accumulates fractional values, so dollars are exported as they are.
public final class ProxyMetrics: Sendable {
    /// The content type of ``render()``'s output, for the `GET /metrics` response.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    private let registry: PrometheusCollectorRegistry
    let factory: PrometheusMetricsFactory
    /// The database sink's gauges, by name (see `setLogDatabase`).
    let databaseGauges = HandleCache<String, CoreMetrics.Gauge>()

    private let requestCounters = HandleCache<RequestSeriesKey, CoreMetrics.Counter>()
    private let backendHandles = HandleCache<String, BackendHandles>()
    private let fallbackCounters = HandleCache<PairKey, CoreMetrics.Counter>()
    private let failureCounters = HandleCache<PairKey, CoreMetrics.Counter>()
    private let breakerGauges = HandleCache<String, CoreMetrics.Gauge>()
    private let inFlightGauges = HandleCache<String, CoreMetrics.Gauge>()

    private let classifierComplexity: CoreMetrics.Recorder
    private let classifierFit: CoreMetrics.Recorder
    private let logQueueDepth: CoreMetrics.Gauge
    private let logLost: RunningTotalCounter
    private let logInlineFallbacks: RunningTotalCounter
    private let logFailing: CoreMetrics.Gauge
    private let reloadsOK: CoreMetrics.Counter
    private let reloadsRejected: CoreMetrics.Counter
    private let driftGauges: [CoreMetrics.Gauge]

    /// Creates an empty set of metrics on a registry of its own.
    ///
    /// The unlabelled series (classifier histograms, log queue depth, config reloads) exist from the
    /// start at zero; labelled series appear when their label set is first recorded.
    public init() {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets = [
            MetricName.requestDuration: MetricName.latencyBuckets,
            MetricName.timeToFirstToken: MetricName.latencyBuckets,
        ]
        factory.valueHistogramBuckets = [
            MetricName.classifierComplexity: MetricName.scoreBuckets,
            MetricName.classifierFit: MetricName.scoreBuckets,
        ]
        self.registry = registry
        self.factory = factory

        classifierComplexity = CoreMetrics.Recorder(
            label: MetricName.classifierComplexity, aggregate: true, factory: factory)
        classifierFit = CoreMetrics.Recorder(label: MetricName.classifierFit, aggregate: true, factory: factory)
        logQueueDepth = CoreMetrics.Gauge(label: MetricName.routingLogQueueDepth, factory: factory)
        logLost = RunningTotalCounter(CoreMetrics.Counter(label: MetricName.routingLogLost, factory: factory))
        logInlineFallbacks = RunningTotalCounter(CoreMetrics.Counter(label: MetricName.logInlineFallbacks, factory: factory))
        logFailing = CoreMetrics.Gauge(label: MetricName.routingLogFailing, factory: factory)
        reloadsOK = CoreMetrics.Counter(
            label: MetricName.configReloads, dimensions: [("result", "ok")], factory: factory)
        reloadsRejected = CoreMetrics.Counter(
            label: MetricName.configReloads, dimensions: [("result", "rejected")], factory: factory)
        driftGauges = [MetricName.fitDriftWindow, MetricName.fitBelowMinShare, MetricName.fitDriftPSI, MetricName.fitDriftKS]
            .map { CoreMetrics.Gauge(label: $0, factory: factory) }
    }

    /// Sets the fit drift gauges: `triage_fit_drift_window_requests`, `triage_fit_below_min_share`,
    /// `triage_fit_drift_psi` and `triage_fit_drift_ks` (0 while there is nothing to compare).
    public func setFitDrift(requests: Int, belowMinShare: Double?, psi: Double?, ks: Double?) {
        driftGauges[0].record(requests)
        for (gauge, value) in zip(driftGauges.dropFirst(), [belowMinShare, psi, ks]) {
            gauge.record(value.flatMap { $0.isFinite ? $0 : nil } ?? 0)
        }
    }

    /// Records one finished client request, whatever its outcome.
    ///
    /// Moves `triage_requests_total{endpoint,backend,rule,status}`, `triage_request_duration_seconds{backend}`,
    /// `triage_time_to_first_token_seconds{backend}` (only when `ttftSeconds` is given, i.e. streams),
    /// `triage_tokens_total{backend,direction}` and `triage_cost_usd_total{backend}`.
    ///
    /// - Parameters:
    ///   - endpoint: The inbound endpoint, from config.
    ///   - backend: The backend that answered (or last failed), nil when rejected before routing (`none`).
    ///   - rule: The routing rule that matched, nil when rejected before routing (`none`).
    ///   - status: The HTTP status sent to the client.
    ///   - latencySeconds: Time from arrival to the end of the response; non-finite values are not recorded.
    ///   - ttftSeconds: Time to the first streamed token, for streams.
    ///   - promptTokens: Prompt tokens reported by the backend; negative values are ignored.
    ///   - completionTokens: Completion tokens reported by the backend; negative values are ignored.
    ///   - costUSD: Estimated cost in dollars; negative or non-finite values are ignored.
    public func recordRequest(
        endpoint: String,
        backend: String?,
        rule: String?,
        status: Int,
        latencySeconds: Double,
        ttftSeconds: Double?,
        promptTokens: Int?,
        completionTokens: Int?,
        costUSD: Double?
    ) {
        let backendLabel = backend ?? MetricLabels.none
        let key = RequestSeriesKey(
            endpoint: endpoint, backend: backendLabel, rule: rule ?? MetricLabels.none,
            status: MetricLabels.statusCode(status))
        let factory = self.factory
        requestCounters.handle(for: key) { key in
            CoreMetrics.Counter(
                label: MetricName.requests,
                dimensions: [
                    ("endpoint", key.endpoint), ("backend", key.backend), ("rule", key.rule),
                    ("status", MetricLabels.statusLabel(key.status)),
                ],
                factory: factory)
        }.increment()

        let handles = backendHandles.handle(for: backendLabel) { BackendHandles(backend: $0, factory: factory) }
        if let nanos = MetricLabels.nanoseconds(latencySeconds) {
            handles.duration.recordNanoseconds(nanos)
        }
        if let ttftSeconds, let nanos = MetricLabels.nanoseconds(ttftSeconds) {
            handles.timeToFirstToken.recordNanoseconds(nanos)
        }
        if let promptTokens, promptTokens > 0 {
            handles.promptTokens.increment(by: promptTokens)
        }
        if let completionTokens, completionTokens > 0 {
            handles.completionTokens.increment(by: completionTokens)
        }
        if let costUSD, costUSD.isFinite, costUSD > 0 {
            handles.cost.increment(by: costUSD)
        }
    }

    /// Records a request moved from backend `from` to backend `to`: `triage_fallbacks_total{from,to}`.
    public func recordFallback(from: String, to: String) {
        let factory = self.factory
        fallbackCounters.handle(for: PairKey(first: from, second: to)) { key in
            CoreMetrics.Counter(
                label: MetricName.fallbacks, dimensions: [("from", key.first), ("to", key.second)], factory: factory)
        }.increment()
    }

    /// Records a failed upstream attempt: `triage_upstream_failures_total{backend,reason}`.
    ///
    /// - Parameter reason: One of `connect`, `timeout`, `status_5xx`, `status_429`, `status_4xx`,
    ///   `stream_interrupted`, `other`; any other value is recorded as `other`.
    public func recordAttemptFailure(backend: String, reason: String) {
        let factory = self.factory
        let key = PairKey(first: backend, second: MetricLabels.failureReason(reason))
        failureCounters.handle(for: key) { key in
            CoreMetrics.Counter(
                label: MetricName.upstreamFailures, dimensions: [("backend", key.first), ("reason", key.second)],
                factory: factory)
        }.increment()
    }

    /// Sets `triage_breaker_state{backend}` to 0 (closed), 1 (open) or 2 (half open).
    public func setBreakerState(backend: String, state: BreakerStateValue) {
        let factory = self.factory
        breakerGauges.handle(for: backend) { backend in
            CoreMetrics.Gauge(label: MetricName.breakerState, dimensions: [("backend", backend)], factory: factory)
        }.record(state.rawValue)
    }

    /// Records the classifier's scores in the `triage_classifier_complexity` and `triage_classifier_fit`
    /// histograms (buckets every 0.05 from 0 to 1). Non-finite scores are not recorded.
    public func recordClassifierScores(complexity: Double, fit: Double) {
        if complexity.isFinite {
            classifierComplexity.record(complexity)
        }
        if fit.isFinite {
            classifierFit.record(fit)
        }
    }

    /// Sets `triage_routing_log_queue_depth` to the number of routing log records waiting to be written.
    public func setLogQueueDepth(_ depth: Int) {
        logQueueDepth.record(depth)
    }

    /// Brings `triage_routing_log_lost_records_total` up to `lost` and
    /// `triage_log_inline_fallbacks_total` up to `inlineFallbacks` (the writer's running totals),
    /// and sets `triage_routing_log_failing`.
    public func setRoutingLogHealth(lost: Int, failing: Bool, inlineFallbacks: Int = 0) {
        logLost.bring(to: lost)
        logInlineFallbacks.bring(to: inlineFallbacks)
        logFailing.record(failing ? 1 : 0)
    }

    /// Sets `triage_in_flight_requests{backend}` to the number of requests now in flight to `backend`.
    public func setInFlight(backend: String, count: Int) {
        let factory = self.factory
        inFlightGauges.handle(for: backend) { backend in
            CoreMetrics.Gauge(
                label: MetricName.inFlightRequests, dimensions: [("backend", backend)], factory: factory)
        }.record(count)
    }

    /// Counts a configuration reload: `triage_config_reloads_total{result="ok"}` or `{result="rejected"}`.
    public func recordConfigReload(success: Bool) {
        (success ? reloadsOK : reloadsRejected).increment()
    }

    /// All series in the Prometheus text exposition format (version 0.0.4), families sorted by name,
    /// each with `# HELP` and `# TYPE` lines: the body of `GET /metrics`, served as ``contentType``.
    public func render() -> String {
        ExpositionRenderer.render(registry.emitToString(), help: MetricName.help)
    }
}
