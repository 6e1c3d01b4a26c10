import Testing
import TriageConfig
import TriageLog
@testable import TriageServer

/// ``AttemptPlan`` on its own: which backend comes next, what is recorded of those passed over
/// or failed, and the error when none is left (the lifecycle tests cover the same through whole requests).
@Suite("Attempt plan")
struct AttemptPlanTests {
    private struct Setup {
        let harness: LifecycleHarness
        let active: ActiveRoutes
        let chat: ProxyRequest
        var record = RoutingLogRecord(id: "req-1", timestamp: "", endpoint: "/v1/chat/completions", reason: "", status: 0, latencyMs: 0)

        init(local: String = "", remote: String = "") throws {
            harness = try LifecycleHarness(lifecycleRoutes(local: local, remote: remote), transport: MemoryTransport([:]))
            active = harness.lifecycle.routes.snapshot
            chat = try ProxyRequest(openAIChat: Array(#"{"model":"triage","messages":[{"role":"user","content":"hi"}]}"#.utf8))
        }

        func backend(_ name: String) throws -> BackendConfig { try #require(active.config.backend(named: name)) }

        func plan() throws -> AttemptPlan {
            AttemptPlan(first: try backend("local"), started: .now, requestTimeout: active.config.limits.requestTimeout)
        }

        mutating func next(_ plan: inout AttemptPlan) -> String? {
            plan.next(chat, lifecycle: harness.lifecycle, active: active, record: &record)?.backend.name
        }

        func fail(_ plan: inout AttemptPlan, status: Int = 503, retryable: Bool = true) -> Bool {
            var error = APIError(status: .badGateway, message: "down \(status)", type: "upstream_error", code: .upstreamError)
            error.upstreamStatus = status
            return plan.failed(error, retryable: retryable, backendAtFault: true, started: .now, lifecycle: harness.lifecycle, active: active)
        }
    }

    @Test("a retryable failure moves on to the fallback, then retries it, until max_attempts is spent")
    func fallbackThenBudget() throws {
        var setup = try Setup(local: "fallback: remote\nretry: {max_attempts: 3}")
        var plan = try setup.plan()
        #expect(setup.next(&plan) == "local")
        #expect(setup.fail(&plan, status: 503))
        #expect(setup.next(&plan) == "remote")
        #expect(setup.fail(&plan, status: 502))
        #expect(setup.next(&plan) == "remote", "no fallback after remote: the same backend again")
        #expect(setup.fail(&plan, status: 500))
        #expect(setup.next(&plan) == nil, "three tries spent")
        let error = plan.exhausted(record: &setup.record)
        #expect(error.message == "down 500")
        #expect(setup.record.attempts?.map(\.backend) == ["local", "remote", "remote"])
        #expect(setup.record.attempts?.map(\.outcome) == ["failed", "failed", "failed"])
        #expect(setup.record.attempts?.map(\.status) == [503, 502, 500])
    }

    @Test("a failure that may not be retried stops at once; a single attempt is not listed in the record")
    func notRetryable() throws {
        var setup = try Setup(local: "fallback: remote\nretry: {max_attempts: 3}")
        var plan = try setup.plan()
        #expect(setup.next(&plan) == "local")
        #expect(!setup.fail(&plan, status: 400, retryable: false))
        let error = plan.exhausted(record: &setup.record)
        #expect(error.upstreamStatus == 400)
        #expect(setup.record.attempts == nil)
        #expect(plan.attempts.count == 1)
    }

    @Test("an open breaker is skipped for the fallback and listed as skipped; without a fallback the breaker's 503 is the error")
    func breakerSkips() throws {
        var setup = try Setup(local: "fallback: remote\nbreaker: {failures: 1, cooldown: 60}")
        let local = try setup.backend("local")
        #expect(setup.harness.lifecycle.health.admit(local) == .admitted(probe: false))
        setup.harness.lifecycle.health.finish(local, success: false)
        var plan = try setup.plan()
        #expect(setup.next(&plan) == "remote")
        #expect(plan.attempts.map(\.outcome) == ["skipped"])
        #expect(plan.attempts.first?.error == "circuit breaker open")

        var alone = try Setup(local: "breaker: {failures: 1, cooldown: 60}")
        let only = try alone.backend("local")
        _ = alone.harness.lifecycle.health.admit(only)
        alone.harness.lifecycle.health.finish(only, success: false)
        var single = try alone.plan()
        #expect(alone.next(&single) == nil)
        #expect(single.exhausted(record: &alone.record).code == .backendUnavailable)
    }

    @Test("with nothing tried, the error is the proxy's own 502")
    func nothingTried() throws {
        var setup = try Setup()
        let plan = try setup.plan()
        let error = plan.exhausted(record: &setup.record)
        #expect(error.code == .upstreamUnavailable)
        #expect(error.status == .badGateway)
    }
}
