import Testing
import TriageMetrics

@Suite("instances")
struct IsolationTests {
    @Test("two instances keep separate series")
    func independentInstances() {
        let first = ProxyMetrics()
        let second = ProxyMetrics()
        first.request(status: 200)
        first.request(status: 200)
        first.recordFallback(from: "fast", to: "smart")
        second.request(status: 200)
        second.setLogQueueDepth(9)

        let labels = ["endpoint": "/v1/chat/completions", "backend": "fast", "rule": "default", "status": "200"]
        #expect(first.exposition.value("triage_requests_total", labels) == 2)
        #expect(second.exposition.value("triage_requests_total", labels) == 1)
        #expect(first.exposition.value("triage_fallbacks_total", ["from": "fast", "to": "smart"]) == 1)
        #expect(second.exposition.samples(named: "triage_fallbacks_total").isEmpty)
        #expect(first.exposition.value("triage_routing_log_queue_depth") == 0)
        #expect(second.exposition.value("triage_routing_log_queue_depth") == 9)
    }

    @Test("a fresh instance exports only the series that exist from the start")
    func freshInstance() {
        let out = ProxyMetrics().exposition
        let families = Set(out.types.keys)
        #expect(
            families == [
                "triage_classifier_complexity", "triage_classifier_fit", "triage_config_reloads_total",
                "triage_routing_log_queue_depth", "triage_routing_log_lost_records_total", "triage_routing_log_failing",
                "triage_log_inline_fallbacks_total", "triage_fit_below_min_share", "triage_fit_drift_psi", "triage_fit_drift_ks", "triage_fit_drift_window_requests",
            ])
    }

    @Test("the routing log's lost-record counter follows the writer's running total and never goes back")
    func routingLogHealth() {
        let metrics = ProxyMetrics()
        #expect(metrics.exposition.value("triage_routing_log_lost_records_total") == 0)
        metrics.setRoutingLogHealth(lost: 3, failing: true)
        #expect(metrics.exposition.value("triage_routing_log_lost_records_total") == 3)
        #expect(metrics.exposition.value("triage_routing_log_failing") == 1)
        metrics.setRoutingLogHealth(lost: 3, failing: false)
        metrics.setRoutingLogHealth(lost: 7, failing: false)
        #expect(metrics.exposition.value("triage_routing_log_lost_records_total") == 7)
        #expect(metrics.exposition.value("triage_routing_log_failing") == 0)
    }

    @Test("the inline-write fallback counter follows the writer's running total and never goes back")
    func inlineFallbacks() {
        let metrics = ProxyMetrics()
        #expect(metrics.exposition.value("triage_log_inline_fallbacks_total") == 0)
        metrics.setRoutingLogHealth(lost: 0, failing: false, inlineFallbacks: 2)
        #expect(metrics.exposition.value("triage_log_inline_fallbacks_total") == 2)
        metrics.setRoutingLogHealth(lost: 0, failing: false, inlineFallbacks: 1)
        metrics.setRoutingLogHealth(lost: 0, failing: false, inlineFallbacks: 5)
        #expect(metrics.exposition.value("triage_log_inline_fallbacks_total") == 5)
        #expect(metrics.exposition.value("triage_routing_log_lost_records_total") == 0)
    }
}
