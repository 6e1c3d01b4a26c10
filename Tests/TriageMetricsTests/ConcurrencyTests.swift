import Testing
import TriageMetrics

@Suite("concurrent recording")
struct ConcurrencyTests {
    @Test("8 tasks x 1000 calls give exact totals")
    func exactTotals() async throws {
        let metrics = ProxyMetrics()
        let tasks = 8
        let calls = 1000
        await withTaskGroup(of: Void.self) { group in
            for task in 0..<tasks {
                group.addTask {
                    for call in 0..<calls {
                        let backend = call.isMultiple(of: 2) ? "fast" : "smart"
                        metrics.recordRequest(
                            endpoint: "/v1/chat/completions", backend: backend, rule: "r\(task % 2)",
                            status: 200, latencySeconds: 0.5, ttftSeconds: 0.25, promptTokens: 3,
                            completionTokens: 2, costUSD: 0.5)
                        metrics.recordFallback(from: backend, to: "local")
                        metrics.recordAttemptFailure(backend: backend, reason: "timeout")
                        metrics.recordClassifierScores(complexity: 0.5, fit: 0.25)
                        metrics.setInFlight(backend: backend, count: task)
                    }
                }
            }
        }

        let out = metrics.exposition
        let perBackend = Double(tasks * calls / 2)
        let requests = out.samples(named: "triage_requests_total").reduce(0) { $0 + $1.value }
        #expect(requests == Double(tasks * calls))
        #expect(out.samples(named: "triage_requests_total").count == 4)
        for backend in ["fast", "smart"] {
            #expect(out.value("triage_request_duration_seconds_count", ["backend": backend]) == perBackend)
            #expect(out.value("triage_request_duration_seconds_sum", ["backend": backend]) == perBackend * 0.5)
            #expect(out.value("triage_time_to_first_token_seconds_count", ["backend": backend]) == perBackend)
            #expect(out.value("triage_tokens_total", ["backend": backend, "direction": "prompt"]) == perBackend * 3)
            #expect(
                out.value("triage_tokens_total", ["backend": backend, "direction": "completion"]) == perBackend * 2)
            #expect(out.value("triage_cost_usd_total", ["backend": backend]) == perBackend * 0.5)
            #expect(out.value("triage_fallbacks_total", ["from": backend, "to": "local"]) == perBackend)
            #expect(out.value("triage_upstream_failures_total", ["backend": backend, "reason": "timeout"]) == perBackend)
        }
        #expect(out.value("triage_classifier_complexity_count") == Double(tasks * calls))
        #expect(out.value("triage_classifier_fit_sum") == Double(tasks * calls) * 0.25)
    }

    @Test("rendering while recording never yields a malformed exposition")
    func renderDuringRecording() async {
        let metrics = ProxyMetrics()
        let malformed = await withTaskGroup(of: Int.self) { group in
            for task in 0..<4 {
                group.addTask {
                    for call in 0..<500 {
                        metrics.request(backend: "b\(call % 5)", rule: "r\(task)", status: 200 + call % 3)
                    }
                    return 0
                }
            }
            group.addTask {
                var bad = 0
                for _ in 0..<50 {
                    bad += Exposition(metrics.render()).malformed.count
                }
                return bad
            }
            return await group.reduce(0, +)
        }
        #expect(malformed == 0)
        #expect(metrics.exposition.samples(named: "triage_requests_total").reduce(0) { $0 + $1.value } == 2000)
    }
}
