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
        /// Tasks waiting in `wait()`, and waits abandoned before they were registered.
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
        var nextWaiter = 0
        var abandoned: Set<Int> = []
    }

    private let state = Mutex(State())

    public init() {}

    /// Aborts the current transfer (its `execute` or body iteration throws `.cancelled`) and
    /// every later one.
    public func cancel() {
        let (control, waiters) = state.withLock { state -> (TransferControl?, [CheckedContinuation<Void, Never>]) in
            guard !state.cancelled else { return (nil, []) }
            state.cancelled = true
            defer {
                state.current = nil
                state.waiters = [:]
            }
            return (state.current, Array(state.waiters.values))
        }
        control?.cancel()
        for waiter in waiters { waiter.resume() }
    }

    /// Returns once `cancel()` has been called, or when the calling task is cancelled.
    func wait() async {
        let id = state.withLock { state -> Int in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let resumeNow = state.withLock { state -> Bool in
                    if state.cancelled || state.abandoned.remove(id) != nil { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
                guard let waiter = state.waiters.removeValue(forKey: id) else {
                    if !state.cancelled { state.abandoned.insert(id) }
                    return nil
                }
                return waiter
            }
            waiter?.resume()
        }
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
