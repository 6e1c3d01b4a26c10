import Testing
import TriageConfig
@testable import TriageServer

@Suite("Circuit breaker and concurrency limits")
struct BackendHealthTests {
    let backend = BackendConfig(
        name: "local", baseURL: "http://127.0.0.1:1/v1", model: "m",
        breaker: BreakerConfig(failures: 3, cooldown: 10), maxConcurrent: 2
    )

    /// A health tracker whose breaker for `backend` has just opened (three failures at `start`).
    private func openedBreaker() -> (BackendHealth, ContinuousClock.Instant) {
        let health = BackendHealth()
        let start = ContinuousClock.now
        for _ in 0..<3 {
            _ = health.admit(backend, now: start)
            health.finish(backend, success: false, now: start)
        }
        return (health, start)
    }

    @Test("opens after N consecutive failures, skips during the cool-down, probes once, closes on success")
    func opensProbesAndCloses() {
        let health = BackendHealth()
        let start = ContinuousClock.now
        for index in 0..<3 {
            #expect(health.admit(backend, now: start) == .admitted(probe: false))
            let change = health.finish(backend, success: false, now: start)
            #expect(change == (index == 2 ? .open : nil))
        }
        #expect(health.status(of: "local", now: start).breaker == .open)
        guard case .breakerOpen(let retryAfter) = health.admit(backend, now: start + .seconds(4)) else {
            Issue.record("expected the breaker to be open")
            return
        }
        #expect(abs(retryAfter - 6) < 0.01)
        // After the cool-down: exactly one probe goes through.
        let later = start + .seconds(11)
        #expect(health.status(of: "local", now: later).breaker == .halfOpen)
        #expect(health.admit(backend, now: later) == .admitted(probe: true))
        #expect(health.admit(backend, now: later) == .breakerOpen(retryAfter: 1))
        #expect(health.finish(backend, success: true, now: later) == .closed)
        #expect(health.status(of: "local", now: later).breaker == .closed)
        #expect(health.admit(backend, now: later) == .admitted(probe: false))
    }

    @Test("a probe that never reports back stops blocking after another cool-down")
    func lostProbe() {
        let (health, start) = openedBreaker()
        let later = start + .seconds(10)
        #expect(health.admit(backend, now: later) == .admitted(probe: true))
        #expect(health.admit(backend, now: later + .seconds(5)) == .breakerOpen(retryAfter: 1))
        #expect(health.admit(backend, now: later + .seconds(11)) == .admitted(probe: true))
    }

    @Test("a failed probe opens the breaker for another cool-down")
    func failedProbeReopens() {
        let (health, start) = openedBreaker()
        let later = start + .seconds(10)
        #expect(health.admit(backend, now: later) == .admitted(probe: true))
        #expect(health.finish(backend, success: false, now: later) == .open)
        #expect(health.status(of: "local", now: later + .seconds(5)).breaker == .open)
        #expect(health.status(of: "local", now: later).timesOpened == 2)
    }

    @Test("a success resets the count of consecutive failures")
    func successResets() {
        let health = BackendHealth()
        for success in [false, false, true, false, false] {
            _ = health.admit(backend)
            health.finish(backend, success: success)
        }
        #expect(health.status(of: "local").breaker == .closed)
        #expect(health.status(of: "local").consecutiveFailures == 2)
    }

    @Test("failures: 0 disables the breaker")
    func disabled() {
        var noBreaker = backend
        noBreaker.breaker = BreakerConfig(failures: 0, cooldown: 1)
        let health = BackendHealth()
        for _ in 0..<20 {
            #expect(health.admit(noBreaker) == .admitted(probe: false))
            #expect(health.finish(noBreaker, success: false) == nil)
        }
    }

    @Test("max_concurrent saturates and frees as requests finish")
    func concurrencyLimit() {
        let health = BackendHealth()
        #expect(health.admit(backend) == .admitted(probe: false))
        #expect(health.admit(backend) == .admitted(probe: false))
        #expect(health.admit(backend) == .saturated)
        #expect(health.status(of: "local").inFlight == 2)
        health.release(backend)
        #expect(health.admit(backend) == .admitted(probe: false))
    }
}
