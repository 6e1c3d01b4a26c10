import Synchronization

/// Wakes one waiting task: ``signal()`` resumes the task in ``wait()``, or, when none waits,
/// leaves a permit that the next ``wait()`` takes at once (signals do not add up). No timer and
/// no task per wait: the database sink's writer sleeps here between batches.
final class AsyncSignal: Sendable {
    private struct State {
        var permit = false
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())

    func signal() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard let waiter = state.waiter.take() else {
                state.permit = true
                return nil
            }
            return waiter
        }
        waiter?.resume()
    }

    /// Returns at once when a permit is there (taking it), else at the next ``signal()``.
    func wait() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { state -> Bool in
                if state.permit {
                    state.permit = false
                    return true
                }
                state.waiter = continuation
                return false
            }
            if ready { continuation.resume() }
        }
    }
}
