/// Everything the event-loop thread needs to start one transfer. Built by `execute` on the
/// caller's task and handed to the loop thread through the command queue.
struct TransferStart: Sendable {
    /// The request to send.
    var request: UpstreamRequest
    /// Shared cancellation / flow-control state of this transfer.
    var control: TransferControl
    /// Resumed once with the status and headers, or with the error that prevented them.
    var headContinuation: CheckedContinuation<ResponseHead, any Error>
    /// Receives body chunks, then finishes (or finishes throwing an `UpstreamError`).
    var bodyContinuation: AsyncThrowingStream<[UInt8], any Error>.Continuation
}
