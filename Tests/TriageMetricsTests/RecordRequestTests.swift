import Testing
import TriageMetrics

@Suite("recordRequest")
struct RecordRequestTests {
    @Test("counts requests per endpoint, backend, rule and status")
    func countsRequests() {
        let metrics = ProxyMetrics()
        metrics.request(status: 200)
        metrics.request(status: 200)
        metrics.request(status: 502)
        metrics.request(endpoint: "/v1/messages", backend: "smart", rule: "hard", status: 200)

        let out = metrics.exposition
        let base = ["endpoint": "/v1/chat/completions", "backend": "fast", "rule": "default"]
        #expect(out.value("triage_requests_total", base.merging(["status": "200"]) { $1 }) == 2)
        #expect(out.value("triage_requests_total", base.merging(["status": "502"]) { $1 }) == 1)
        #expect(
            out.value(
                "triage_requests_total",
                ["endpoint": "/v1/messages", "backend": "smart", "rule": "hard", "status": "200"]) == 1)
        #expect(out.types["triage_requests_total"] == "counter")
    }

    @Test("a request rejected before routing is labelled backend and rule none")
    func rejectedBeforeRouting() {
        let metrics = ProxyMetrics()
        metrics.request(backend: nil, rule: nil, status: 400, latency: 0.001)
        let out = metrics.exposition
        #expect(
            out.value(
                "triage_requests_total",
                ["endpoint": "/v1/chat/completions", "backend": "none", "rule": "none", "status": "400"]) == 1)
        #expect(out.value("triage_request_duration_seconds_count", ["backend": "none"]) == 1)
    }

    @Test("status codes outside 100...599 are labelled unknown")
    func unknownStatus() {
        let metrics = ProxyMetrics()
        metrics.request(status: 42)
        metrics.request(status: 1000)
        let sample = metrics.exposition.samples(named: "triage_requests_total")
        #expect(sample.count == 1)
        #expect(sample.first?.labels["status"] == "unknown")
        #expect(sample.first?.value == 2)
    }

    @Test("latency goes into the duration histogram with _bucket, _sum and _count lines")
    func durationHistogram() throws {
        let metrics = ProxyMetrics()
        metrics.request(latency: 0.003)
        metrics.request(latency: 0.2)
        metrics.request(latency: 400)

        let out = metrics.exposition
        #expect(out.types["triage_request_duration_seconds"] == "histogram")
        let buckets = out.samples(named: "triage_request_duration_seconds_bucket")
            .filter { $0.labels["backend"] == "fast" }
        let bounds = buckets.compactMap { $0.labels["le"] }
        #expect(
            bounds == [
                "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1.0", "2.5", "5.0",
                "10.0", "30.0", "60.0", "120.0", "300.0", "+Inf",
            ])
        #expect(out.value("triage_request_duration_seconds_bucket", ["backend": "fast", "le": "0.0025"]) == 0)
        #expect(out.value("triage_request_duration_seconds_bucket", ["backend": "fast", "le": "0.005"]) == 1)
        #expect(out.value("triage_request_duration_seconds_bucket", ["backend": "fast", "le": "0.25"]) == 2)
        #expect(out.value("triage_request_duration_seconds_bucket", ["backend": "fast", "le": "300.0"]) == 2)
        #expect(out.value("triage_request_duration_seconds_bucket", ["backend": "fast", "le": "+Inf"]) == 3)
        #expect(out.value("triage_request_duration_seconds_count", ["backend": "fast"]) == 3)
        let sum = try #require(out.value("triage_request_duration_seconds_sum", ["backend": "fast"]))
        #expect(abs(sum - 400.203) < 1e-9)
    }

    @Test("time to first token is recorded only when given")
    func timeToFirstToken() {
        let metrics = ProxyMetrics()
        metrics.request(ttft: nil)
        metrics.request(ttft: 0.04)
        let out = metrics.exposition
        #expect(out.types["triage_time_to_first_token_seconds"] == "histogram")
        #expect(out.value("triage_time_to_first_token_seconds_count", ["backend": "fast"]) == 1)
        #expect(out.value("triage_time_to_first_token_seconds_bucket", ["backend": "fast", "le": "0.025"]) == 0)
        #expect(out.value("triage_time_to_first_token_seconds_bucket", ["backend": "fast", "le": "0.05"]) == 1)
        #expect(out.value("triage_request_duration_seconds_count", ["backend": "fast"]) == 2)
    }

    @Test("tokens are counted per direction and cost accumulates fractional dollars")
    func tokensAndCost() throws {
        let metrics = ProxyMetrics()
        metrics.request(prompt: 100, completion: 20, cost: 0.0015)
        metrics.request(prompt: 50, completion: nil, cost: 0.0025)
        metrics.request(backend: "smart", prompt: 7, completion: 3, cost: nil)

        let out = metrics.exposition
        #expect(out.value("triage_tokens_total", ["backend": "fast", "direction": "prompt"]) == 150)
        #expect(out.value("triage_tokens_total", ["backend": "fast", "direction": "completion"]) == 20)
        #expect(out.value("triage_tokens_total", ["backend": "smart", "direction": "prompt"]) == 7)
        #expect(out.value("triage_tokens_total", ["backend": "smart", "direction": "completion"]) == 3)
        #expect(out.types["triage_cost_usd_total"] == "counter")
        let cost = try #require(out.value("triage_cost_usd_total", ["backend": "fast"]))
        #expect(abs(cost - 0.004) < 1e-12)
        #expect(out.value("triage_cost_usd_total", ["backend": "smart"]) == 0)
    }

    @Test("invalid numbers are skipped instead of trapping or poisoning sums")
    func invalidNumbers() {
        let metrics = ProxyMetrics()
        metrics.request(latency: .nan, ttft: .infinity, prompt: -5, completion: -1, cost: -0.5)
        metrics.request(latency: -1, cost: .nan)
        let out = metrics.exposition
        #expect(out.value("triage_requests_total", [
            "endpoint": "/v1/chat/completions", "backend": "fast", "rule": "default", "status": "200",
        ]) == 2)
        #expect(out.value("triage_request_duration_seconds_count", ["backend": "fast"]) == 1)
        #expect(out.value("triage_request_duration_seconds_sum", ["backend": "fast"]) == 0)
        #expect(out.value("triage_time_to_first_token_seconds_count", ["backend": "fast"]) == 0)
        #expect(out.value("triage_tokens_total", ["backend": "fast", "direction": "prompt"]) == 0)
        #expect(out.value("triage_cost_usd_total", ["backend": "fast"]) == 0)
    }
}
