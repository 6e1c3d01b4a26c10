import Testing
import TriageMetrics

@Suite("benchmark")
struct RecordRequestBenchmarkTests {
    /// Prints the cost of one `recordRequest` call on a warm cache; reports only, asserts no timing.
    @Test("recordRequest cost per call (printed, not asserted)")
    func recordRequestCost() {
        let metrics = ProxyMetrics()
        let calls = 100_000
        let backends = ["fast", "smart", "local", "cheap"]
        for backend in backends {
            metrics.request(backend: backend, ttft: 0.1, prompt: 1, completion: 1, cost: 0.001)
        }
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            for call in 0..<calls {
                metrics.recordRequest(
                    endpoint: "/v1/chat/completions", backend: backends[call & 3], rule: "default", status: 200,
                    latencySeconds: 0.123, ttftSeconds: 0.045, promptTokens: 120, completionTokens: 48,
                    costUSD: 0.00042)
            }
        }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let nanosPerCall = seconds * 1e9 / Double(calls)
        print("recordRequest: \(calls) calls in \(seconds) s = \(nanosPerCall) ns/call")

        let renderElapsed = clock.measure { _ = metrics.render() }
        print("render (\(metrics.render().split(separator: "\n").count) lines): \(renderElapsed)")
        #expect(metrics.exposition.samples(named: "triage_requests_total").reduce(0) { $0 + $1.value } == 100_004)
    }
}
