import Synchronization
import TriageConfig

/// Per-backend circuit breakers and in-flight counts, shared by all requests.
///
/// A breaker opens after `breaker.failures` consecutive failed attempts; while open the
/// backend is skipped. After `breaker.cooldown` seconds one probe request is admitted
/// (half-open); its success closes the breaker, its failure opens it for another cool-down.
final class BackendHealth: Sendable {
    /// What a request may do with a backend right now.
    enum Admission: Equatable {
        /// Go ahead; `probe` when this request is the half-open probe.
        case admitted(probe: Bool)
        /// The breaker is open (or a probe is already out); retry after the given seconds.
        case breakerOpen(retryAfter: Double)
        /// `max_concurrent` requests are already in flight.
        case saturated
    }

    /// The breaker state, as shown at `/v1/triage/status` and in the server log.
    enum BreakerState: String, Sendable {
        case closed
        case open
        case halfOpen = "half_open"
    }

    private struct State {
        var consecutiveFailures = 0
        var openUntil: ContinuousClock.Instant?
        var probeInFlight = false
        var probeStartedAt: ContinuousClock.Instant?
        var inFlight = 0
        var timesOpened = 0
        var requests = 0
        var failures = 0
    }

    /// A backend's state for the status endpoint.
    struct Status: Sendable {
        var breaker: BreakerState
        var consecutiveFailures: Int
        var inFlight: Int
        var timesOpened: Int
        var requests: Int
        var failures: Int
        var retryAfter: Double?
    }

    private let states = Mutex<[String: State]>([:])

    /// Admits a request to `backend` (counting it in flight) or says why not.
    func admit(_ backend: BackendConfig, now: ContinuousClock.Instant = .now) -> Admission {
        states.withLock { states in
            var state = states[backend.name, default: State()]
            defer { states[backend.name] = state }
            if let limit = backend.maxConcurrent, state.inFlight >= limit {
                return .saturated
            }
            var probe = false
            if let openUntil = state.openUntil {
                if now < openUntil {
                    return .breakerOpen(retryAfter: (openUntil - now).inSeconds)
                }
                // One probe at a time; a probe whose outcome never came back (say, its client
                // vanished before the answer started) stops blocking after another cool-down.
                let cooldown = Duration.milliseconds(Int64(backend.breaker.cooldown * 1000))
                if state.probeInFlight, let probeStartedAt = state.probeStartedAt, now - probeStartedAt < cooldown {
                    return .breakerOpen(retryAfter: 1)
                }
                state.probeInFlight = true
                state.probeStartedAt = now
                probe = true
            }
            state.inFlight += 1
            state.requests += 1
            return .admitted(probe: probe)
        }
    }

    /// Ends an admitted request: records its outcome and returns the breaker's new state if it changed.
    @discardableResult
    func finish(_ backend: BackendConfig, success: Bool, now: ContinuousClock.Instant = .now) -> BreakerState? {
        states.withLock { states in
            var state = states[backend.name, default: State()]
            defer { states[backend.name] = state }
            state.inFlight = max(0, state.inFlight - 1)
            let wasProbe = state.probeInFlight && state.openUntil != nil
            if wasProbe { state.probeInFlight = false }
            if success {
                state.consecutiveFailures = 0
                if state.openUntil != nil {
                    state.openUntil = nil
                    return .closed
                }
                return nil
            }
            state.failures += 1
            state.consecutiveFailures += 1
            let threshold = backend.breaker.failures
            guard threshold > 0 else { return nil }
            if wasProbe || (state.openUntil == nil && state.consecutiveFailures >= threshold) {
                state.openUntil = now + .milliseconds(Int64(backend.breaker.cooldown * 1000))
                state.timesOpened += 1
                return .open
            }
            return nil
        }
    }

    /// Ends an admitted request without judging the backend (e.g. the client went away).
    func release(_ backend: BackendConfig) {
        states.withLock { states in
            var state = states[backend.name, default: State()]
            state.inFlight = max(0, state.inFlight - 1)
            if state.openUntil != nil { state.probeInFlight = false }
            states[backend.name] = state
        }
    }

    /// The state of `backend` now.
    func status(of backend: String, now: ContinuousClock.Instant = .now) -> Status {
        states.withLock { states in
            let state = states[backend, default: State()]
            let breaker: BreakerState
            var retryAfter: Double?
            if let openUntil = state.openUntil {
                if now < openUntil {
                    breaker = .open
                    retryAfter = (openUntil - now).inSeconds
                } else {
                    breaker = .halfOpen
                }
            } else {
                breaker = .closed
            }
            return Status(
                breaker: breaker, consecutiveFailures: state.consecutiveFailures, inFlight: state.inFlight,
                timesOpened: state.timesOpened, requests: state.requests, failures: state.failures, retryAfter: retryAfter
            )
        }
    }
}
