/// A request from any thread to the event-loop thread, queued under the loop's mutex.
enum LoopCommand: Sendable {
    /// Create an easy handle for this transfer and add it to the multi handle.
    case start(TransferStart)
    /// Abort the transfer with this id (no-op if it already finished).
    case cancel(id: Int)
    /// Un-pause the transfer with this id: its consumer drained the buffered body.
    case resume(id: Int)
}
