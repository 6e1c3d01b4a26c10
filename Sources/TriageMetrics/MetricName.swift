/// The names, help texts and histogram buckets of every series ``ProxyMetrics`` exports.
///
/// swift-metrics has no notion of help text, so the help lines are kept here and added to the
/// exposition by ``ExpositionRenderer`` when ``ProxyMetrics/render()`` runs.
enum MetricName {
    static let requests = "triage_requests_total"
    static let requestDuration = "triage_request_duration_seconds"
    static let timeToFirstToken = "triage_time_to_first_token_seconds"
    static let tokens = "triage_tokens_total"
    static let cost = "triage_cost_usd_total"
    static let fallbacks = "triage_fallbacks_total"
    static let upstreamFailures = "triage_upstream_failures_total"
    static let breakerState = "triage_breaker_state"
    static let classifierComplexity = "triage_classifier_complexity"
    static let classifierFit = "triage_classifier_fit"
    static let routingLogQueueDepth = "triage_routing_log_queue_depth"
    static let routingLogLost = "triage_routing_log_lost_records_total"
    static let routingLogFailing = "triage_routing_log_failing"
    static let logInlineFallbacks = "triage_log_inline_fallbacks_total"
    static let routingLogSpoolRecords = "triage_routing_log_spool_records"
    static let routingLogSpoolBytes = "triage_routing_log_spool_bytes"
    static let routingLogDatabaseUp = "triage_routing_log_database_up"
    static let routingLogDeadLetterRecords = "triage_routing_log_dead_letter_records"
    static let inFlightRequests = "triage_in_flight_requests"
    static let configReloads = "triage_config_reloads_total"
    static let fitBelowMinShare = "triage_fit_below_min_share"
    static let fitDriftPSI = "triage_fit_drift_psi"
    static let fitDriftKS = "triage_fit_drift_ks"
    static let fitDriftWindow = "triage_fit_drift_window_requests"

    /// The `# HELP` text of each metric family, keyed by family name.
    static let help: [String: String] = [
        requests: "Finished client requests by endpoint, backend, rule and HTTP status.",
        requestDuration: "Wall time of a client request from arrival to the last byte sent, in seconds.",
        timeToFirstToken: "Time from request arrival to the first streamed token sent to the client, in seconds.",
        tokens: "Tokens reported by upstream backends, by direction (prompt or completion).",
        cost: "Estimated spend on upstream backends, in US dollars (fractional).",
        fallbacks: "Requests moved from one backend to another after a failed attempt.",
        upstreamFailures: "Failed upstream attempts by backend and reason.",
        breakerState: "Circuit breaker state per backend: 0 closed, 1 open, 2 half open.",
        classifierComplexity: "Complexity score the request classifier assigned, 0 to 1.",
        classifierFit: "Fit score the request classifier assigned, 0 to 1.",
        routingLogQueueDepth: "Routing log records waiting to be written.",
        routingLogLost: "Routing log records that could not be written (disk full, file-size limit, I/O error, log not reopenable).",
        routingLogFailing: "1 while the routing log's last write failed, else 0.",
        logInlineFallbacks: "Times a routing log write made on a request's own thread (its event loop) was slow, so that lines went through the writer thread for a while.",
        routingLogSpoolRecords: "Routing log records in the local spool, waiting for the database (log.sink postgres).",
        routingLogSpoolBytes: "Bytes in the routing log's local spool (log.sink postgres).",
        routingLogDatabaseUp: "1 while routing log records go straight to the database, 0 while they are spooled (log.sink postgres).",
        routingLogDeadLetterRecords: "Routing log records PostgreSQL refused since start, written to the dead-letter file <log.path>.dead-letter instead (log.sink postgres).",
        inFlightRequests: "Requests currently in flight per backend.",
        configReloads: "Configuration reloads by result (ok or rejected).",
        fitBelowMinShare: "Share of the classified requests in the drift window whose fit is below min_fit.",
        fitDriftPSI: "Population stability index of the drift window's fits against the reference's held-out fits (0.25 or more: drift).",
        fitDriftKS: "Kolmogorov-Smirnov statistic of the drift window's fits against the reference's held-out fits.",
        fitDriftWindow: "Classified requests with a fit in the drift window (the last N, default 1000).",
    ]

    /// Latency buckets from 1 ms to 300 s, shared by the request duration and time-to-first-token histograms.
    static let latencyBuckets: [Duration] = [
        .milliseconds(1), .microseconds(2500), .milliseconds(5), .milliseconds(10), .milliseconds(25),
        .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
        .milliseconds(2500), .seconds(5), .seconds(10), .seconds(30), .seconds(60), .seconds(120), .seconds(300),
    ]

    /// Score buckets 0, 0.05, 0.10 … 1.0 for the classifier histograms (computed as i/20 so each bound is exact).
    static let scoreBuckets: [Double] = (0...20).map { Double($0) / 20 }
}
