import Synchronization

/// A way to abort an upstream transfer from outside the task that runs it (say, when the
/// client that asked for it hangs up, or at the end of a shutdown grace period).
///
/// Give it to any number of requests in turn (`UpstreamRequest.cancellation`): `cancel()`
/// aborts the transfer running now, and any started later fails at once with
/// `UpstreamError.cancelled`. Thread-safe; `cancel()` is idempotent.
public final class UpstreamCancellation: Sendable {
    private struct State {
        var cancelled = false
        var current: TransferControl?
    }

    private let state = Mutex(State())

    public init() {}

    /// Aborts the current transfer (its `execute` or body iteration throws `.cancelled`) and
    /// every later one.
    public func cancel() {
        let control = state.withLock { state -> TransferControl? in
            guard !state.cancelled else { return nil }
            state.cancelled = true
            defer { state.current = nil }
            return state.current
        }
        control?.cancel()
    }

    /// Whether `cancel()` has been called.
    public var isCancelled: Bool {
        state.withLock { $0.cancelled }
    }

    /// Makes `control` the transfer `cancel()` aborts; cancels it at once if already cancelled.
    func attach(_ control: TransferControl) {
        let cancelNow = state.withLock { state -> Bool in
            if state.cancelled { return true }
            state.current = control
            return false
        }
        if cancelNow { control.cancel() }
    }
}
