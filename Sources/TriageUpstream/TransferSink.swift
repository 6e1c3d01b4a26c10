/// Where the event-loop thread hands a transfer's response: a waiting `execute` call and its
/// body stream, or an `UpstreamResponseHandler` called directly on the loop thread.
enum TransferSink: Sendable {
    /// `execute`: the head resumes the caller's task, body chunks go to its `UpstreamBody`.
    case stream(head: UnsafeContinuation<ResponseHead, any Error>, body: BodyChannel)
    /// `start(_:handler:)`: one call per loop turn.
    case handler(any UpstreamResponseHandler)

    /// Whether body bytes count against the transfer's backpressure budget (a handler takes
    /// them as they come).
    var buffersBody: Bool {
        if case .stream = self { return true }
        return false
    }

    /// Hands over one loop turn: `head` at most once per transfer, `end` at most once and
    /// last. `headPending` tells that the head was never delivered, so a failure must reach
    /// the waiting `execute`. Returns `false` when the body's consumer went away.
    func deliver(head: ResponseHead?, body: [UInt8], end: UpstreamDelivery.End?, headPending: Bool) -> Bool {
        switch self {
        case .stream(let headContinuation, let channel):
            // The body (and, for a finished transfer, its end) first, then the head, so that a
            // consumer woken by the head finds them already waiting.
            var consumerGone = false
            if !body.isEmpty || end != nil {
                consumerGone = !channel.send(body, end: end)
            }
            if let head {
                headContinuation.resume(returning: head)
            } else if headPending, case .failed(let error) = end {
                headContinuation.resume(throwing: error)
            }
            return !consumerGone
        case .handler(let handler):
            if head != nil || !body.isEmpty || end != nil {
                handler.receive(UpstreamDelivery(head: head, body: body, end: end))
            }
            return true
        }
    }

    /// Fails a transfer that never started (its head is pending).
    func failUnstarted(_ error: UpstreamError) {
        _ = deliver(head: nil, body: [], end: .failed(error), headPending: true)
    }
}
