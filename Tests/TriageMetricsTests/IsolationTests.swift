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
                "triage_routing_log_queue_depth",
            ])
    }
}
