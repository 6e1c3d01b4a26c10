import ServiceLifecycle
import Synchronization
import TriageUpstream

/// Ends the streams still open when the shutdown grace period runs out, with an error event in
/// the client's format, instead of letting them be cut mid-answer without a word.
///
/// `beginGrace()` is called when the proxy starts its graceful shutdown; `StreamCutoffService`
/// then waits for the grace period (minus a margin for the last writes) and calls `cutOff()`,
/// which aborts the upstream transfers of the registered streams: their relays see the abort,
/// find `isCutOff` set and end the stream with the shutdown error.
final class ShutdownCutoff: Sendable {
    private struct State {
        var graceStarted = false
        var graceWaiter: CheckedContinuation<Void, Never>?
        var waitCancelled = false
    }

    private let state = Mutex(State())
    /// The transfers of the streams open now, aborted together at the cut-off.
    private let streams = CancellationGroup()
    /// `shutdown.grace_seconds`, for the error message.
    let graceSeconds: Double

    init(graceSeconds: Double) {
        self.graceSeconds = graceSeconds
    }

    /// Whether the grace period has run out.
    var isCutOff: Bool { streams.isFired }

    /// Registers a stream's transfer (aborted at once if the cut-off has passed).
    func register(_ cancellation: UpstreamCancellation) { streams.add(cancellation) }

    func unregister(_ cancellation: UpstreamCancellation) { streams.remove(cancellation) }

    /// The graceful shutdown has begun.
    func beginGrace() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.graceStarted = true
            defer { state.graceWaiter = nil }
            return state.graceWaiter
        }
        waiter?.resume()
    }

    /// Returns once `beginGrace()` has been called, or when the task is cancelled. One waiter at a time.
    func waitForGrace() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let resumeNow = state.withLock { state -> Bool in
                    if state.graceStarted || state.waitCancelled { return true }
                    state.graceWaiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
                state.waitCancelled = true
                defer { state.graceWaiter = nil }
                return state.graceWaiter
            }
            waiter?.resume()
        }
    }

    /// The grace period ran out: aborts every registered stream's transfer.
    func cutOff() { streams.fire() }

    private var graceText: String {
        graceSeconds == graceSeconds.rounded() && graceSeconds < 1e9 ? String(Int(graceSeconds)) : String(graceSeconds)
    }

    /// The error that ends a stream cut at shutdown.
    var error: APIError {
        APIError(
            status: .serviceUnavailable,
            message: "Triage is shutting down: this stream was still open when the shutdown grace period (shutdown.grace_seconds: \(graceText) s) ran out, so it ends here; retry the request.",
            type: "server_error", code: .serverShuttingDown
        )
    }
}

/// Runs the cut-off timer beside the proxy: started first, so it is the last service the group
/// stops, and it stays up through the proxy's graceful shutdown.
struct StreamCutoffService: Service {
    let cutoff: ShutdownCutoff
    /// How long after the start of the graceful shutdown streams are cut.
    let delay: Duration

    /// The cut-off comes this much before the grace period ends, so the last events are written
    /// and the connections closed before the group gives up: at most 1 s, a quarter of short periods.
    static func delay(graceSeconds: Double) -> Duration {
        let margin = min(1, graceSeconds / 4)
        return .milliseconds(Int64(max(0, graceSeconds - margin) * 1000))
    }

    func run() async throws {
        // Waiting for the grace period ends early if this service is told to stop first (the
        // proxy finished shutting down before the cut-off).
        try? await cancelWhenGracefulShutdown {
            await cutoff.waitForGrace()
            try await Task.sleep(for: delay)
            cutoff.cutOff()
        }
        // A service that returns early would stop the group: stay until told to stop.
        try? await gracefulShutdown()
    }
}

/// Runs the proxy's HTTP server and tells the cut-off when its graceful shutdown begins.
struct ProxyService: Service {
    let app: any Service
    let cutoff: ShutdownCutoff

    func run() async throws {
        try await withGracefulShutdownHandler {
            try await app.run()
        } onGracefulShutdown: {
            cutoff.beginGrace()
        }
    }
}
