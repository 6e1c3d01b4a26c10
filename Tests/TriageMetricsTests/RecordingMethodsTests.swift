import Testing
import TriageMetrics

@Suite("fallbacks, failures, gauges, classifier and reloads")
struct RecordingMethodsTests {
    @Test("fallbacks are counted per from and to")
    func fallbacks() {
        let metrics = ProxyMetrics()
        metrics.recordFallback(from: "fast", to: "smart")
        metrics.recordFallback(from: "fast", to: "smart")
        metrics.recordFallback(from: "smart", to: "local")
        let out = metrics.exposition
        #expect(out.types["triage_fallbacks_total"] == "counter")
        #expect(out.value("triage_fallbacks_total", ["from": "fast", "to": "smart"]) == 2)
        #expect(out.value("triage_fallbacks_total", ["from": "smart", "to": "local"]) == 1)
    }

    @Test("upstream failures are counted per backend and reason; unknown reasons become other")
    func attemptFailures() {
        let metrics = ProxyMetrics()
        for reason in ["connect", "timeout", "status_5xx", "status_429", "status_4xx", "stream_interrupted", "other"] {
            metrics.recordAttemptFailure(backend: "fast", reason: reason)
        }
        metrics.recordAttemptFailure(backend: "fast", reason: "timeout")
        metrics.recordAttemptFailure(backend: "fast", reason: "gpt-5-ultra said no")
        let out = metrics.exposition
        #expect(out.types["triage_upstream_failures_total"] == "counter")
        #expect(out.value("triage_upstream_failures_total", ["backend": "fast", "reason": "timeout"]) == 2)
        #expect(out.value("triage_upstream_failures_total", ["backend": "fast", "reason": "connect"]) == 1)
        #expect(out.value("triage_upstream_failures_total", ["backend": "fast", "reason": "other"]) == 2)
        #expect(out.samples(named: "triage_upstream_failures_total").count == 7)
    }

    @Test("breaker state gauge holds 0, 1 or 2")
    func breakerState() {
        let metrics = ProxyMetrics()
        metrics.setBreakerState(backend: "fast", state: .open)
        metrics.setBreakerState(backend: "smart", state: .halfOpen)
        metrics.setBreakerState(backend: "local", state: .open)
        metrics.setBreakerState(backend: "local", state: .closed)
        let out = metrics.exposition
        #expect(out.types["triage_breaker_state"] == "gauge")
        #expect(out.value("triage_breaker_state", ["backend": "fast"]) == 1)
        #expect(out.value("triage_breaker_state", ["backend": "smart"]) == 2)
        #expect(out.value("triage_breaker_state", ["backend": "local"]) == 0)
        #expect(ProxyMetrics.BreakerStateValue.halfOpen.rawValue == 2)
    }

    @Test("classifier scores go into 0.05-wide histograms from 0 to 1")
    func classifierScores() throws {
        let metrics = ProxyMetrics()
        metrics.recordClassifierScores(complexity: 0.12, fit: 0.9)
        metrics.recordClassifierScores(complexity: 0.15, fit: 1.0)
        metrics.recordClassifierScores(complexity: .nan, fit: 0.0)
        let out = metrics.exposition
        #expect(out.types["triage_classifier_complexity"] == "histogram")
        #expect(out.types["triage_classifier_fit"] == "histogram")
        let bounds = out.samples(named: "triage_classifier_complexity_bucket").compactMap { $0.labels["le"] }
        #expect(bounds.count == 22)
        #expect(bounds.prefix(4) == ["0.0", "0.05", "0.1", "0.15"])
        #expect(bounds.suffix(2) == ["1.0", "+Inf"])
        #expect(out.value("triage_classifier_complexity_bucket", ["le": "0.1"]) == 0)
        #expect(out.value("triage_classifier_complexity_bucket", ["le": "0.15"]) == 2)
        #expect(out.value("triage_classifier_complexity_count") == 2)
        let sum = try #require(out.value("triage_classifier_complexity_sum"))
        #expect(abs(sum - 0.27) < 1e-12)
        #expect(out.value("triage_classifier_fit_bucket", ["le": "0.0"]) == 1)
        #expect(out.value("triage_classifier_fit_bucket", ["le": "0.85"]) == 1)
        #expect(out.value("triage_classifier_fit_bucket", ["le": "0.9"]) == 2)
        #expect(out.value("triage_classifier_fit_count") == 3)
    }

    @Test("log queue depth and in-flight gauges hold the last value set")
    func gauges() {
        let metrics = ProxyMetrics()
        #expect(metrics.exposition.value("triage_routing_log_queue_depth") == 0)
        metrics.setLogQueueDepth(12)
        metrics.setLogQueueDepth(3)
        metrics.setInFlight(backend: "fast", count: 5)
        metrics.setInFlight(backend: "fast", count: 4)
        metrics.setInFlight(backend: "smart", count: 1)
        let out = metrics.exposition
        #expect(out.types["triage_routing_log_queue_depth"] == "gauge")
        #expect(out.types["triage_in_flight_requests"] == "gauge")
        #expect(out.value("triage_routing_log_queue_depth") == 3)
        #expect(out.value("triage_in_flight_requests", ["backend": "fast"]) == 4)
        #expect(out.value("triage_in_flight_requests", ["backend": "smart"]) == 1)
    }

    @Test("config reloads are counted by result, both series present from the start")
    func configReloads() {
        let metrics = ProxyMetrics()
        #expect(metrics.exposition.value("triage_config_reloads_total", ["result": "ok"]) == 0)
        #expect(metrics.exposition.value("triage_config_reloads_total", ["result": "rejected"]) == 0)
        metrics.recordConfigReload(success: true)
        metrics.recordConfigReload(success: true)
        metrics.recordConfigReload(success: false)
        let out = metrics.exposition
        #expect(out.value("triage_config_reloads_total", ["result": "ok"]) == 2)
        #expect(out.value("triage_config_reloads_total", ["result": "rejected"]) == 1)
    }
}
