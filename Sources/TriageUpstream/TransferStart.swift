/// Everything the event-loop thread needs to start one transfer. Built by `execute` (or
/// `start(_:handler:)`) on the caller's thread and handed to the loop thread through the
/// command queue.
struct TransferStart: Sendable {
    /// The request to send.
    var request: UpstreamRequest
    /// Shared cancellation / flow-control state of this transfer.
    var control: TransferControl
    /// Where the response goes.
    var sink: TransferSink

    /// Fails the transfer before it started.
    func fail(_ error: UpstreamError) {
        control.markFinished(.failed)
        sink.failUnstarted(error)
    }
}
