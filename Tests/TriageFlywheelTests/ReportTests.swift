import Foundation
import Testing
import TriageLog
@testable import TriageFlywheel
import TriageConfig

@Suite struct ReportTests {
    /// A hand-made log over exactly 2 days with known totals.
    ///
    /// remote price: $3 in / $15 out per 1M tokens. local: free. mini: cost_usd logged.
    ///  r1 local  1000/500  cost 0      → at remote 0.003 + 0.0075 = 0.0105
    ///  r2 local  2000/1000 cost 0      → 0.006 + 0.015 = 0.021
    ///  r3 mini   1000/0    cost 0.001  → 0.003, saving 0.002
    ///  r4 remote 1000/1000 cost 0.018  → not compared
    ///  r5 local  502, no usage         → not compared, an error
    ///  r6 rejected (no backend), 400
    /// savings = 0.0105 + 0.021 + 0.002 = 0.0335 over 3 requests and 5500 tokens.
    private func log(in dir: TemporaryDirectory) throws -> String {
        let path = dir.file("routing.jsonl")
        var records = [
            Fixture.record(id: "r1", minutes: 0, backend: "local", rule: "routine", latencyMs: 100, ttftMs: 20, stream: true, usage: (1000, 500), cost: 0),
            Fixture.record(id: "r2", minutes: 60, backend: "local", rule: "routine", latencyMs: 200, usage: (2000, 1000), cost: 0),
            Fixture.record(id: "r3", minutes: 120, backend: "mini", rule: "short", latencyMs: 50, usage: (1000, 0), cost: 0.001),
            Fixture.record(id: "r4", minutes: 180, backend: "remote", rule: "hard", latencyMs: 1000, ttftMs: 300, stream: true, usage: (1000, 1000), cost: 0.018),
            Fixture.record(id: "r5", minutes: 240, backend: "local", rule: "routine", status: 502, error: "connection refused", response: nil, latencyMs: 400),
            Fixture.record(id: "r6", minutes: 2 * 24 * 60, backend: nil, rule: nil, status: 400, error: "bad request", response: nil, latencyMs: 1),
        ]
        records.append(Fixture.record(id: "old", minutes: -10, backend: "local", usage: (5, 5)))
        try Fixture.write(records.map { try Fixture.line($0) } + [try Fixture.line(Fixture.record(id: "shadowed", minutes: 30, backend: "local", rule: "routine", latencyMs: 300, usage: (0, 0), cost: 0), shadow: ["backend": "remote", "cost_usd": 0.0005, "status": 200])], to: path)
        return path
    }

    @Test func arithmetic() throws {
        let dir = try TemporaryDirectory()
        let options = ReportOptions(
            since: Fixture.base, until: Fixture.base.addingTimeInterval(2 * 86_400 + 1),
            prices: ["remote": BackendPricing(inputPerMillion: 3, outputPerMillion: 15), "local": BackendPricing(inputPerMillion: 0, outputPerMillion: 0)],
            remoteBackend: "remote", monthlyFixedCostUSD: 100)
        let report = try ReportBuilder.build(logPath: try log(in: dir), options: options)
        #expect(report.totalRequests == 7)
        #expect(report.outOfRange == 1)
        let byName = Dictionary(uniqueKeysWithValues: report.backends.map { ($0.name, $0) })
        let local = try #require(byName["local"])
        #expect(local.requests == 4)
        #expect(abs(local.sharePercent - 400.0 / 7) < 1e-9)
        #expect(local.errors == 1)
        #expect(local.promptTokens == 3000)
        #expect(local.completionTokens == 1500)
        #expect(local.costUSD == 0)
        #expect(local.streams == 1)
        // Latencies 100, 200, 300, 400: p50 (rank 1) = 200, p99 (rank 2) = 300, each within 1 %.
        let latency = try #require(local.latencyMs)
        #expect(abs(latency.p50 - 200) <= 2)
        #expect(abs(latency.p99 - 300) <= 3)
        #expect(abs((local.ttftMs?.p50 ?? 0) - 20) <= 0.2)
        let remote = try #require(byName["remote"])
        #expect(abs(remote.costUSD - 0.018) < 1e-12)
        #expect(abs((remote.ttftMs?.p99 ?? 0) - 300) <= 3)
        #expect(byName["(rejected)"]?.errors == 1)
        #expect(report.backends.first?.name == "local")
        let rules = Dictionary(uniqueKeysWithValues: report.rules.map { ($0.name, $0.requests) })
        #expect(rules == ["routine": 4, "short": 1, "hard": 1, "(rejected)": 1])

        let savings = try #require(report.savings)
        #expect(savings.comparedRequests == 4) // r1, r2, r3 and the shadowed 0/0 request
        #expect(savings.requestsWithoutUsage == 1)
        #expect(savings.comparedTokens == 5500)
        #expect(abs(savings.remoteEquivalentCostUSD - 0.0345) < 1e-12)
        #expect(abs(savings.actualCostUSD - 0.001) < 1e-12)
        #expect(abs(savings.savingsUSD - 0.0335) < 1e-12)
        #expect(abs((savings.savingsPerRequestUSD ?? 0) - 0.0335 / 4) < 1e-12)
        #expect(abs(savings.shadowCostUSD - 0.0005) < 1e-12)
        #expect(abs(savings.netSavingsUSD - 0.033) < 1e-12)
        let breakEven = try #require(savings.breakEven)
        // N = F / s = 100 / 0.008375 = 11940.298...; M = 100 × 5500 / 0.0335 = 16417910.447...
        #expect(abs((breakEven.requestsPerMonth ?? 0) - 11_940.298_507_462_687) < 1e-6)
        #expect(abs((breakEven.tokensPerMonth ?? 0) - 16_417_910.447_761_194) < 1e-3)
        // Period = 2 days + 1 s; observed = 4 × 30 / (2 + 1/86400) ≈ 59.99965; net = observed × 0.008375 − 100.
        let days = 2 + 1.0 / 86_400
        #expect(abs(report.periodDays - days) < 1e-9)
        #expect(abs((breakEven.observedRequestsPerMonth ?? 0) - 120 / days) < 1e-9)
        #expect(abs((breakEven.netPerMonthUSD ?? 0) - (120 / days * 0.008375 - 100)) < 1e-9)

        let text = report.render()
        #expect(text.contains("break-even requests/month"))
        #expect(text.contains("11940"))
        let json = try report.json()
        #expect(try Report.decode(json: json) == report)
        let object = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        #expect(object["total_requests"] as? Int == 7)
        let savingsObject = try #require(object["savings"] as? [String: Any])
        #expect(savingsObject["remote_equivalent_cost_usd"] as? Double == savings.remoteEquivalentCostUSD)
    }

    @Test func noReferenceNoSavings() throws {
        let dir = try TemporaryDirectory()
        let report = try ReportBuilder.build(logPath: try log(in: dir), options: ReportOptions())
        #expect(report.savings == nil)
        #expect(report.totalRequests == 8)
        #expect(!report.render().contains("Savings"))
    }

    @Test func histogramRelativeError() {
        var histogram = LatencyHistogram()
        for value in 1...10_000 { histogram.record(Double(value)) }
        for q in [0.5, 0.9, 0.99] {
            let exact = Double(Int((q * 9_999).rounded(.down)) + 1)
            let estimate = histogram.quantile(q) ?? 0
            #expect(abs(estimate - exact) / exact <= 0.01, "q=\(q) exact=\(exact) estimate=\(estimate)")
        }
        #expect(LatencyHistogram().quantile(0.5) == nil)
        var zeros = LatencyHistogram()
        zeros.record(0)
        #expect(zeros.quantile(0.99) == 0)
    }
}
