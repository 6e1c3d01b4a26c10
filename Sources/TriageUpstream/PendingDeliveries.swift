/// Transfers with a response head or body bytes received in the current loop turn but not
/// yet handed to their consumer.
///
/// Owned by the event-loop thread. Curl calls back once per header line and once per
/// received piece of body (per chunk of a chunked body); handing each piece over at once
/// would wake the consuming task, and make it write to its client, once per piece. Instead
/// the loop hands over everything a turn brought in one go, after curl has run all of that
/// turn's callbacks: a small answer then reaches the waiting task as head, whole body and
/// end together (one wake-up instead of three or more), and a burst of SSE events becomes
/// one write to the client. A slow stream is unaffected: each event still arrives in its
/// own turn and is handed over at its end.
final class PendingDeliveries {
    private var contexts: [TransferContext] = []
    /// When the current loop turn began: the time of every byte received in it (for idle
    /// timeouts, which are seconds long), read once per turn instead of once per callback.
    private(set) var turnStart: ContinuousClock.Instant = .now

    /// Starts a loop turn at `now`.
    func beginTurn(at now: ContinuousClock.Instant) {
        turnStart = now
    }

    /// Queues `context` (it queues itself at most once per turn).
    func append(_ context: TransferContext) {
        contexts.append(context)
    }

    /// Hands over every queued transfer's head and body bytes and empties the queue.
    /// Returns the transfers whose consumer went away, to be aborted.
    func deliverAll() -> [TransferContext] {
        guard !contexts.isEmpty else { return [] }
        let ready = contexts
        contexts.removeAll(keepingCapacity: true)
        var abandoned: [TransferContext] = []
        for context in ready where !context.deliverPending() {
            abandoned.append(context)
        }
        return abandoned
    }
}
